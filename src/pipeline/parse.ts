/**
 * Parse step: bytes → YAML 1.2 documents with positions. Everything here sits behind
 * the small `YamlLoader` interface so a faster loader can take the common case later.
 */
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from "yaml";
import type { JsonPath, Problem } from "./types.js";
import { MAX_DEPTH, prescan } from "./yaml/prescan.js";

export interface Position {
  line: number;
  column: number;
}

export interface LoadedDocument {
  /** 0-based index among the non-empty documents of the file. */
  index: number;
  start: Position;
  /** The plain JSON-like value (YAML 1.2 core schema: MACs, `on`, `22:22` stay strings). */
  value: unknown;
  /**
   * The document's own source text, without `---`/`...` markers (kept as written for unmanaged/).
   * A function: the fast loader derives it only for the documents that need it.
   */
  source(): string;
  /** Best-effort position of a path inside the document (the key, for map entries). */
  positionOf(path: JsonPath): Position;
}

export interface LoadedFile {
  documents: LoadedDocument[];
  /** Problems that stop the file: syntax errors, duplicate keys, alias bombs. */
  problems: Problem[];
}

export interface YamlLoader {
  load(text: string): LoadedFile;
  /**
   * Optional: the same documents one at a time, for a caller done with each before it takes the next
   * (memory). Undefined when the text must be loaded whole; the generator returns false when it
   * stops short (the caller then loads the file with `load`, from the start), true when complete.
   */
  each?(text: string): Generator<LoadedDocument, boolean> | undefined;
}

/** Aliases expanded per document before we call it a resource-exhaustion attack. */
export const MAX_ALIAS_COUNT = 100;

/** The reference loader: the `yaml` package, strict about duplicate keys, with line numbers. */
export const yamlLoader: YamlLoader = {
  load(text) {
    // Depth, size and tags are checked on the text first: a deep enough file crashes the parser itself.
    const refused = prescan(text);
    if (refused.length > 0) return { documents: [], problems: refused };
    return loadWithPositions(text);
  },
};

/** The `yaml` package's full parse, with positions for every node; the text must have passed `prescan`. */
export function loadWithPositions(text: string): LoadedFile {
  try {
    return loadChecked(text);
  } catch (error) {
    // The pre-scan bounds depth; this keeps an overflow we did not foresee a problem, not a crash.
    if (!(error instanceof RangeError)) throw error;
    return { documents: [], problems: [{ ...tooDeep(), line: 1, column: 1 }] };
  }
}

/** The options every `yaml` parse of raw files uses: YAML 1.2 core, strict keys, no merge keys. */
export const YAML_OPTIONS = {
  version: "1.2",
  schema: "core",
  uniqueKeys: true,
  merge: false,
  prettyErrors: false,
} as const;

function tooDeep(): Problem {
  return {
    level: "error",
    code: "too-deep",
    message: `nesting is too deep to parse (the limit is ${MAX_DEPTH} levels)`,
  };
}

function loadChecked(text: string): LoadedFile {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: Problem[] = [];
  const documents: LoadedDocument[] = [];
  // parseAllDocuments returns an EmptyStream (array-like with no documents) for empty input.
  for (const doc of Array.from(docs)) {
    const before = problems.length;
    for (const error of doc.errors) {
      const pos = at(offendingOffset(text, error));
      problems.push({
        level: "error",
        code: error.code === "DUPLICATE_KEY" ? "duplicate-key" : "yaml-syntax",
        message: firstLine(error.message),
        hint: error.code === "DUPLICATE_KEY" ? "each key may appear once in a mapping" : undefined,
        ...pos,
      });
    }
    if (problems.length > before) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const unresolved = /^Unresolved alias.*: (.*)$/.exec((error as Error).message);
      if (error instanceof ReferenceError && unresolved) {
        problems.push(unknownAlias(text, doc, unresolved[1] ?? "", at));
        continue;
      }
      const alias = error instanceof ReferenceError && /alias/i.test(error.message);
      problems.push({
        level: "error",
        code: alias ? "alias-limit" : "yaml-syntax",
        message: alias
          ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}): refusing to expand`
          : firstLine(String((error as Error).message)),
        hint: alias ? "write the values out instead of nesting anchors and aliases" : undefined,
        ...at(doc.range[0]),
      });
      continue;
    }
    if (value === null || value === undefined) continue; // empty or comment-only document
    documents.push(loadedDocument(doc, documents.length, value, text, at));
  }
  return { documents, problems };
}

/** An alias whose anchor is not defined earlier in the same document (anchors do not cross `---`). */
function unknownAlias(
  text: string,
  doc: Document.Parsed,
  name: string,
  at: (offset: number) => Position,
): Problem {
  const [start, end] = doc.range;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const found = new RegExp(`\\*${escaped}(?=[\\s,\\]}]|$)`).exec(text.slice(start, end));
  return {
    level: "error",
    code: "unknown-alias",
    message: `alias *${name} refers to no anchor &${name} defined before it in this document`,
    hint:
      "anchors only reach aliases later in the same document: define &" +
      name +
      " first or write the value out",
    ...at(found ? start + found.index : start),
  };
}

/**
 * The offset of the token a syntax error is about. `yaml` often reports the start of the line
 * (its indentation) or the end of the input; users need the column of the token itself.
 */
function offendingOffset(
  text: string,
  error: { code: string; message: string; pos: [number, number] },
): number {
  let offset = error.pos[0];
  if (error.code === "MISSING_CHAR" && /quote/.test(error.message)) {
    const quote = /'/.test(error.message.replace(/quote.*$/, "")) ? "'" : '"';
    const open = text.lastIndexOf(quote, offset - 1);
    if (open >= 0) return open;
  }
  if (error.code === "TAB_AS_INDENT") return offset;
  while (text[offset] === " ") offset++;
  if (offset >= text.length || text[offset] === "\n" || text[offset] === "\r") return error.pos[0];
  return offset;
}

function loadedDocument(
  doc: Document.Parsed,
  index: number,
  value: unknown,
  text: string,
  at: (offset: number) => Position,
): LoadedDocument {
  const contents = doc.contents as Node | null;
  const startOffset = contents?.range?.[0] ?? doc.range[0];
  const endOffset = doc.range[1];
  return {
    index,
    start: at(startOffset),
    value,
    source: () => text.slice(startOffset, endOffset),
    positionOf(path) {
      return at(offsetOf(contents, path) ?? startOffset);
    },
  };
}

/** Walks the AST along a path; returns the offset of the deepest node found (a key for map entries). */
export function offsetOf(root: Node | null, path: JsonPath): number | undefined {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      const key = pair.key as Node;
      offset = key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function firstLine(message: string): string {
  return message.split("\n")[0]?.trim() ?? message;
}
