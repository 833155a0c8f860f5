/**
 * Our own deterministic YAML emitter for managed/ files and re-emitted List items: block style,
 * 2-space indent, sequences not indented under their key (as kubectl writes), keys in the order
 * given, and strings quoted only when needed. "Needed" is decided for every common reader at once:
 * a string is written plain only when YAML 1.2 (core schema) AND YAML 1.1 read it back as the same
 * string, so `on`, `yes`, `0o17`, `1:20`, `2026-01-01`, `<<` and `=` are quoted. Quoted strings are
 * double-quoted with escapes for everything a 1.1 reader mangles (tabs, NEL, U+2028/U+2029, other
 * control characters). Numbers are written in a form both versions read as the same number.
 */

/** Plain scalars that YAML 1.2 core or YAML 1.1 resolve to something other than a string. */
const NOT_A_STRING: readonly RegExp[] = [
  /^(?:~|null|Null|NULL)?$/, // null (both)
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/i, // bool, any case to be safe
  /^[-+]?(?:0|[1-9][0-9_]*)$/, // decimal int
  /^[-+]?[0-9][0-9_]*$/, // 1.1 octal (`017`) and ints with `_`
  /^[-+]?0b[0-1_]+$/i, // binary int (1.1)
  /^[-+]?0o?[0-7_]+$/i, // octal int (`0o17` in 1.2, `017` in 1.1)
  /^[-+]?0x[0-9a-fA-F_]+$/i, // hex int
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/, // sexagesimal int/float (1.1): `1:20`
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?$/, // float with a dot (either version, `.5`, `1.`)
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/, // float with an exponent (`e0` too, for yaml's 1.1 reader)
  /^[-+]?\.(?:inf|Inf|INF)$/, // infinity
  /^\.(?:nan|NaN|NAN)$/, // not a number
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/, // timestamp (1.1): a date, with or without a time
  /^(?:<<|=)$/, // merge key and value key (1.1)
];

/** Characters a plain scalar may hold: printable, not a line break or BOM, not an escape-worthy one. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const PLAIN_CHARS = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\u{d800}-\u{dfff}"'\\`]*$/u;

/** Most names and words: a letter first, then letters, digits and `._/-`, never another type... */
const SIMPLE = /^[A-Za-z][A-Za-z0-9._/-]*$/;
/** ...except these words (any case), which YAML 1.1 or 1.2 read as booleans or null. */
const WORDS = new Set(["y", "n", "yes", "no", "on", "off", "true", "false", "null"]);

/** Whether a string must be quoted to read back as the same string under YAML 1.1 and 1.2. */
export function needsQuotes(s: string): boolean {
  // (`e5`, `E-0` read as floats to yaml's 1.1 schema: such strings take the full check.)
  if (SIMPLE.test(s) && !/^[eE][-+0-9]/.test(s)) return s.length <= 5 && WORDS.has(s.toLowerCase());
  if (s === "" || !PLAIN_CHARS.test(s)) return true;
  if (s.trim() !== s) return true;
  // Indicators that may not start a plain scalar (or make it something else).
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s)) return true;
  if (/: |:$| #/.test(s)) return true;
  // A document marker at the start of a line would end the document.
  if (/^(?:---|\.\.\.)/.test(s)) return true;
  return NOT_A_STRING.some((pattern) => pattern.test(s));
}

const ESCAPES: Record<string, string> = {
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\v": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\x1b": "\\e",
  '"': '\\"',
  "\\": "\\\\",
  "\x85": "\\N",
  "\xa0": "\\_",
  "\u2028": "\\L",
  "\u2029": "\\P",
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const ESCAPED = /[\u0000-\u001f\u007f-\u009f\u00a0"\\\u2028\u2029\ufeff\ufffe\uffff\u{d800}-\u{dfff}]/gu;

/** A double-quoted scalar: every character a reader could turn into something else is escaped. */
export function quoted(s: string): string {
  return `"${s.replace(ESCAPED, (c) => {
    const known = ESCAPES[c];
    if (known) return known;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  })}"`;
}

function scalarString(s: string): string {
  return needsQuotes(s) ? quoted(s) : s;
}

/** A number both YAML 1.1 (which wants a dot and a signed exponent in floats) and 1.2 read back exactly. */
function numberText(n: number): string {
  if (Number.isNaN(n)) return ".nan";
  if (n === Number.POSITIVE_INFINITY) return ".inf";
  if (n === Number.NEGATIVE_INFINITY) return "-.inf";
  if (Object.is(n, -0)) return "-0.0";
  const text = String(n);
  if (Number.isInteger(n) && !/e/.test(text)) return text;
  const [mantissa = text, exponent] = text.split("e");
  const withDot = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  if (exponent === undefined) return withDot;
  return `${withDot}e${exponent.startsWith("-") || exponent.startsWith("+") ? exponent : `+${exponent}`}`;
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return scalarString(value);
  if (typeof value === "number") return numberText(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return value.toString();
  throw new TypeError(`cannot write a ${typeof value} as YAML`);
}

const MAX_IMPLICIT_KEY = 1000;

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A scalar or an empty collection: written on the line of its key or dash. */
function isInline(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  if (isMap(v)) return !hasOwnKey(v);
  return true;
}

/** Whether a map has a key, without listing its keys (Object.keys would allocate, per map, issue 9). */
function hasOwnKey(v: Record<string, unknown>): boolean {
  for (const key in v) if (Object.hasOwn(v, key)) return true;
  return false;
}

function inline(v: unknown): string {
  if (Array.isArray(v)) return "[]";
  if (isMap(v)) return "{}";
  return scalar(v);
}

/**
 * Writes a collection at `indent`. `first` replaces the indentation of its first line (the `- `
 * of a sequence item that holds it), so `- a: 1` and `- - x` come out compact.
 */
function block(
  value: Record<string, unknown> | unknown[],
  indent: string,
  first: string,
  out: string[],
): void {
  let lead = first;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isInline(item)) out.push(`${lead}- ${inline(item)}\n`);
      else block(item as Record<string, unknown> | unknown[], `${indent}  `, `${lead}- `, out);
      lead = indent;
    }
    return;
  }
  for (const key of Object.keys(value)) {
    const item = value[key];
    const k = scalarString(key);
    if (k.length > MAX_IMPLICIT_KEY) {
      // YAML caps implicit keys at 1024 characters: longer ones take the explicit `? key` form.
      out.push(`${lead}? ${k}\n`);
      if (isInline(item)) out.push(`${indent}: ${inline(item)}\n`);
      else block(item as Record<string, unknown> | unknown[], `${indent}  `, `${indent}: `, out);
    } else if (isInline(item)) out.push(`${lead}${k}: ${inline(item)}\n`);
    else {
      out.push(`${lead}${k}:\n`);
      // Sequences sit at their key's indentation; maps one level in.
      block(
        item as Record<string, unknown> | unknown[],
        Array.isArray(item) ? indent : `${indent}  `,
        Array.isArray(item) ? indent : `${indent}  `,
        out,
      );
    }
    lead = indent;
  }
}

/** One YAML document (no `---`), ending with a newline. Values must be JSON-like: the loader gives only those. */
export function emitYaml(value: unknown): string {
  if (isInline(value)) return `${inline(value)}\n`;
  const out: string[] = [];
  block(value as Record<string, unknown> | unknown[], "", "", out);
  return out.join("");
}
