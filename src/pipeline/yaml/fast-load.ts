/**
 * The fast path of the parse step (issue 9): js-yaml 4 builds plain values without a position-
 * carrying tree, with a schema that resolves plain scalars exactly as the `yaml` package's YAML 1.2
 * core schema does (same patterns, same conversions). Positions, document text and every problem
 * come from the `yaml` package, and only where needed:
 * - a file with anchors, aliases, tags, directives or anything js-yaml refuses (duplicate keys,
 *   syntax errors) is loaded by the `yaml` path whole, so its messages and limits stay the same;
 * - on a fast-loaded file, a document's position of a path, and its source text, are derived from
 *   its own slice of the text when first asked for (documents with problems, unmanaged documents).
 * Nothing holds a parse tree once a file is loaded, unless a problem needs a position.
 */
import jsYaml from "js-yaml";
import { type Document, LineCounter, type Node, parseAllDocuments } from "yaml";
import {
  type LoadedDocument,
  type LoadedFile,
  loadWithPositions,
  offsetOf,
  type Position,
  YAML_OPTIONS,
  type YamlLoader,
} from "../parse.js";
import { prescan } from "./prescan.js";

/**
 * The `yaml` package's core-schema scalar types, as js-yaml types: each pattern with its conversion.
 * One js-yaml type per tag (js-yaml keeps only the last type of a tag), trying the patterns in order.
 */
const scalarType = (tag: string, starts: string, forms: readonly [RegExp, (s: string) => unknown][]) => {
  // Every plain scalar is tried against every type: the first character rules most out at once.
  const formOf = (data: string | null) =>
    data === null || !starts.includes(data.charAt(0) || " ") ? undefined : forms.find(([p]) => p.test(data));
  return new jsYaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: "scalar",
    resolve: (data: string | null) => formOf(data) !== undefined,
    construct: (data: string) => formOf(data)?.[1](data),
  });
};

const CORE_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    scalarType("null", "~nN", [[/^(?:~|[Nn]ull|NULL)$/, () => null]]),
    scalarType("bool", "tTfF", [[/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === "t" || s[0] === "T"]]),
    scalarType("int", "+-0123456789", [
      [/^0o[0-7]+$/, (s) => Number.parseInt(s.substring(2), 8)],
      [/^[-+]?[0-9]+$/, (s) => Number.parseInt(s, 10)],
      [/^0x[0-9a-fA-F]+$/, (s) => Number.parseInt(s.substring(2), 16)],
    ]),
    scalarType("float", "+-.0123456789", [
      [
        /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
        (s) =>
          s.slice(-3).toLowerCase() === "nan"
            ? Number.NaN
            : s[0] === "-"
              ? Number.NEGATIVE_INFINITY
              : Number.POSITIVE_INFINITY,
      ],
      [/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, (s) => Number.parseFloat(s)],
      [/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, (s) => Number.parseFloat(s)],
    ]),
  ],
});

/**
 * Text the fast path leaves to the `yaml` path: anchors and aliases (its alias limit), tags,
 * directives and `__proto__` keys (where the two libraries could build different values).
 */
const NEEDS_FULL_PARSE = /[&*!%]|__proto__/;
/**
 * Keys whose JS form differs between the libraries (a null or empty key is "" for `yaml` and
 * "null" for js-yaml; complex `?` and collection keys are stringified differently).
 */
const ODD_KEYS =
  /(?:^|[\s,{?-])(?:~|null|Null|NULL)?[ \t]*:(?:[ \t\r\n]|$)|^[ \t-]*\?(?:[ \t\r\n]|$)|[\]}][ \t]*:(?:[ \t\r\n]|$)/m;
/** YAML caps implicit keys at 1024 characters; js-yaml does not check. */
const MAX_IMPLICIT_KEY = 1024;

/** Whether the `yaml` path must load this text (see the patterns above). */
function needsFullParse(text: string): boolean {
  if (NEEDS_FULL_PARSE.test(text) || ODD_KEYS.test(text)) return true;
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf("\n", start);
    const stop = end < 0 ? text.length : end;
    if (stop - start > MAX_IMPLICIT_KEY && text.slice(start, stop).search(/:(?:[ \t]|$)/) > MAX_IMPLICIT_KEY)
      return true;
    start = stop + 1;
  }
  return false;
}

const MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/;

interface Segment {
  /** Offset where the document's text (its `---` line, if any) begins, and where it ends. */
  from: number;
  to: number;
  /** The line of `from`. */
  line: number;
  /** Offset of its first content character; undefined when it has only comments. */
  content?: number;
  /** Where `content` is. */
  start?: Position;
}

/**
 * Splits a file into documents at `---` and `...` lines (which end any node at column 0), counting
 * lines on the way (one pass over the text, issue 9).
 */
function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let current: Segment = { from: 0, to: text.length, line: 1 };
  let lineStart = 0;
  for (let line = 1; lineStart < text.length; line++) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline < 0 ? text.length : newline + 1;
    // Only a line starting with - or . can be a marker: no slice and match for the others (issue 9).
    const lead = text.charCodeAt(lineStart);
    const marker = lead === 0x2d || lead === 0x2e ? MARKER.exec(text.slice(lineStart, lineEnd)) : null;
    let contentFrom = lineStart;
    if (marker) {
      current.to = lineStart;
      out.push(current);
      current = { from: lineStart, to: text.length, line };
      if (marker[0] === "...") {
        current.from = lineEnd;
        current.line = line + 1;
        lineStart = lineEnd;
        continue;
      }
      contentFrom = lineStart + 3;
    }
    if (current.content === undefined) {
      const rest = text.slice(contentFrom, lineEnd);
      const first = rest.search(/[^ \t\r\n]/);
      if (first >= 0 && rest[first] !== "#") {
        current.content = contentFrom + first;
        current.start = { line, column: current.content - lineStart + 1 };
      }
    }
    lineStart = lineEnd;
  }
  out.push(current);
  return out.filter((s) => s.content !== undefined);
}

/** One document of a fast-loaded file: its position lookups and text come from its own slice, on demand. */
function lazyDocument(
  text: string,
  segment: Segment,
  index: number,
  value: unknown,
  segmentLine: number,
  start: Position,
): LoadedDocument {
  let parsed: { doc: Document.Parsed; lines: LineCounter } | undefined;
  const parse = () => {
    if (!parsed) {
      const lines = new LineCounter();
      const slice = text.slice(segment.from, segment.to);
      const [doc] = Array.from(parseAllDocuments(slice, { ...YAML_OPTIONS, lineCounter: lines }));
      if (!doc) throw new Error("a fast-loaded document did not parse again");
      parsed = { doc, lines };
    }
    return parsed;
  };
  return {
    index,
    start,
    value,
    source() {
      const { doc } = parse();
      const contents = doc.contents as Node | null;
      const from = contents?.range?.[0] ?? doc.range[0];
      return text.slice(segment.from + from, segment.from + doc.range[1]);
    },
    positionOf(path) {
      const { doc, lines } = parse();
      const contents = doc.contents as Node | null;
      const offset = offsetOf(contents, path) ?? contents?.range?.[0] ?? 0;
      const { line, col } = lines.linePos(offset);
      return { line: segmentLine + line - 1, column: col };
    },
  };
}

/** The loader the pipeline uses: js-yaml for the common case, the `yaml` package for the rest. */
export const fastLoader: YamlLoader = {
  load(text) {
    const refused = prescan(text);
    if (refused.length > 0) return { documents: [], problems: refused };
    return fastLoad(text) ?? loadWithPositions(text);
  },
  each(text) {
    return prescan(text).length > 0 ? undefined : fastDocuments(text);
  },
};

/** Loads with js-yaml, or returns undefined when the `yaml` path must decide. */
export function fastLoad(text: string): LoadedFile | undefined {
  const stream = fastDocuments(text);
  if (!stream) return undefined;
  const documents: LoadedDocument[] = [];
  for (let next = stream.next(); ; next = stream.next()) {
    if (next.done) return next.value ? { documents, problems: [] } : undefined;
    documents.push(next.value);
  }
}

/**
 * The documents of a text js-yaml can load, one at a time: each is parsed from its own slice of the
 * text when the caller asks for it, so a caller done with a document before taking the next never
 * holds the values of the whole file (issue 9, memory). Undefined when the `yaml` path must load the
 * text; the generator returns false when a document turns out to need it (js-yaml refuses it, or it
 * is a `null` document), and true once every document was given.
 */
export function fastDocuments(text: string): Generator<LoadedDocument, boolean> | undefined {
  return needsFullParse(text) ? undefined : documentsOf(text);
}

function* documentsOf(text: string): Generator<LoadedDocument, boolean> {
  for (const [index, segment] of segments(text).entries()) {
    let value: unknown;
    try {
      // A segment is exactly one document: `---` and `...` lines end any node (see segments).
      value = jsYaml.load(text.slice(segment.from, segment.to), { schema: CORE_SCHEMA });
    } catch {
      return false;
    }
    // Every document with content must give a value (a `null` document goes the slow way).
    if (value === null || value === undefined) return false;
    const start = segment.start ?? { line: segment.line, column: 1 };
    yield lazyDocument(text, segment, index, value, segment.line, start);
  }
  return true;
}
