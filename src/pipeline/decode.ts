/** Turns a raw file's bytes into text, or says clearly why it can't be YAML. */
import type { Problem } from "./types.js";

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export type Decoded = { text: string } | { problem: Problem };

export function decodeYamlText(
  bytes: Uint8Array,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
  size = bytes.byteLength,
): Decoded {
  if (size > maxBytes) {
    return {
      problem: {
        level: "error",
        code: "file-too-large",
        message: `file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit: not parsed`,
        hint: "split it into several files in raw/",
        line: 1,
        column: 1,
      },
    };
  }
  const wide = wideEncoding(bytes);
  if (wide) {
    return {
      problem: {
        level: "error",
        code: "encoding",
        message: `file is ${wide}, not UTF-8`,
        hint: `${wide}: save as UTF-8`,
        line: 1,
        column: 1,
      },
    };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return {
      problem: {
        level: "error",
        code: "binary",
        message: "file contains NUL bytes: binary content is not YAML",
        ...lineAt(bytes, nul),
      },
    };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return {
      problem: {
        level: "error",
        code: "encoding",
        message: `file is not valid UTF-8 (byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, "0")} at offset ${at})`,
        hint: "save the file as UTF-8",
        ...lineAt(bytes, at),
      },
    };
  }
  const cr = loneCarriageReturn(text);
  if (cr >= 0) {
    return {
      problem: {
        level: "error",
        code: "line-endings",
        message: "file uses CR-only line endings (classic Mac OS): not parsed",
        hint: "save the file with LF (or CRLF) line endings",
        ...lineAt(bytes, cr),
      },
    };
  }
  const control = NOT_PRINTABLE.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    return {
      problem: {
        level: "error",
        code: "control-character",
        message: `control character U+${code} is not allowed in YAML text`,
        hint: `write it as an escape inside double quotes, e.g. "\\u${code}"`,
        ...textLineAt(text, control.index),
      },
    };
  }
  return { text };
}

/** Characters YAML 1.2 forbids in a stream (it allows tab, LF, CR and NEL among the controls). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const NOT_PRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

function textLineAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** Offset of the first CR not followed by LF, or -1. Such files read as one long line to YAML tools. */
function loneCarriageReturn(text: string): number {
  for (let i = text.indexOf("\r"); i >= 0; i = text.indexOf("\r", i + 1)) {
    if (text[i + 1] !== "\n") return i;
  }
  return -1;
}

/**
 * UTF-16 or UTF-32, by byte-order mark or by the NUL pattern ASCII text leaves in them
 * (`a\0:\0` for UTF-16LE): said as such rather than as binary content.
 */
function wideEncoding(b: Uint8Array): string | undefined {
  const [b0, b1, b2, b3] = [b[0], b[1], b[2], b[3]];
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return "UTF-32";
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return "UTF-32";
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) return "UTF-16";
  if (b.byteLength < 4) return undefined;
  if (b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) return "UTF-32";
  if (b0 === 0 && b1 === 0 && b2 === 0 && b3 !== 0) return "UTF-32";
  if ((b0 !== 0 && b1 === 0 && b2 !== 0 && b3 === 0) || (b0 === 0 && b1 !== 0 && b2 === 0 && b3 !== 0))
    return "UTF-16";
  return undefined;
}

function lineAt(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.byteLength) {
    const b = bytes[i] ?? 0;
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return i;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024
    ? `${(n / 1024 / 1024).toFixed(1)} MiB`
    : n >= 1024
      ? `${(n / 1024).toFixed(1)} KiB`
      : `${n} B`;
}
