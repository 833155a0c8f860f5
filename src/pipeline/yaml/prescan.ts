/**
 * A light scan over the text, before any parser builds a tree: it bounds nesting depth and node
 * count (a few KB of `[[[[…` abort Node inside the parser, uncatchably) and refuses YAML tags we do
 * not support. It follows quoted scalars, comments, block scalars and plain continuation lines
 * well enough never to count fewer levels than a parser would see; it may count one level more at
 * a leaf, which the limits leave room for (Hedgehog objects nest about 8 levels deep).
 */
import type { Problem } from "../types.js";

/** Deepest nesting of collections (block and flow, maps and sequences) a document may have. */
export const MAX_DEPTH = 64;
/** Most nodes (collections, keys, items) one document may have, as the scan counts them. */
export const MAX_NODES = 200_000;
/** Tags that only say what the plain reading says anyway, or pick a core type. Every other tag is refused. */
export const SUPPORTED_TAGS: readonly string[] = [
  "!!str",
  "!!int",
  "!!float",
  "!!bool",
  "!!null",
  "!!map",
  "!!seq",
];
/** Tag and merge-key problems reported per file before the scan stops saying more. */
const MAX_TAG_PROBLEMS = 20;

interface Level {
  indent: number;
  seq: boolean;
  /** A sequence at the same indentation as its parent map key (`key:\n- item`). */
  indentless: boolean;
}

class Stop extends Error {}

export function prescan(text: string): Problem[] {
  return new Scanner(text).run();
}

class Scanner {
  private readonly problems: Problem[] = [];
  private stack: Level[] = [];
  private flowDepth = 0;
  /** Inside a plain scalar of a flow collection (which may continue on the next line). */
  private flowPlain = false;
  /** Indentation of the block collection holding the open flow collection. */
  private flowParent = -1;
  private nodes = 0;
  private quote: '"' | "'" | undefined;
  /** Lines more indented than this belong to a block scalar (`|`, `>`). */
  private blockScalarParent: number | undefined;
  /** The previous line ended inside a plain scalar: more-indented lines continue it. */
  private plainOpen = false;
  private line = 0;
  private lineText = "";
  private lineIndent = 0;

  constructor(private readonly text: string) {}

  run(): Problem[] {
    try {
      let start = 0;
      while (start <= this.text.length) {
        const end = this.text.indexOf("\n", start);
        const stop = end < 0 ? this.text.length : end;
        this.line++;
        // Without its CR (a CRLF file); charCodeAt, as a regular expression per line is slow (issue 9).
        this.lineText = this.text.slice(start, this.text.charCodeAt(stop - 1) === 13 ? stop - 1 : stop);
        this.scanLine();
        if (end < 0) break;
        start = end + 1;
      }
    } catch (error) {
      if (!(error instanceof Stop)) throw error;
    }
    return this.problems;
  }

  private scanLine(): void {
    const s = this.lineText;
    let indent = 0;
    while (s.charCodeAt(indent) === 32) indent++;
    // Other leading whitespace (tabs, NBSP…) is rare: count it as trimStart does.
    if (indent < s.length && /\s/.test(s[indent] ?? "")) indent = s.length - s.trimStart().length;
    const blank = indent === s.length || s[indent] === "#";
    const marker = indent === 0 && /^(---|\.\.\.)(\s|$)/.test(s);
    if (this.blockScalarParent !== undefined) {
      if (!marker && (indent === s.length || indent > this.blockScalarParent)) return;
      this.blockScalarParent = undefined;
    }
    if (marker) {
      // A document marker ends whatever was open (YAML forbids markers inside quoted or flow nodes).
      this.stack = [];
      this.nodes = 0;
      this.quote = undefined;
      this.flowDepth = 0;
      this.flowPlain = false;
      this.plainOpen = false;
      if (s.startsWith("---")) this.value(3);
      return;
    }
    if (this.quote) {
      this.scanFrom(this.closeQuote(0));
      return;
    }
    if (this.flowDepth > 0) {
      // Like the parser, a flow collection ends at a line not indented past its block parent.
      if (blank || indent > this.flowParent || /^[\]},]/.test(s.slice(indent))) {
        this.flow(0);
        return;
      }
      this.flowDepth = 0;
      this.flowPlain = false;
    }
    if (this.plainOpen && !blank && indent > this.top()) return; // continuation of a plain scalar
    if (blank) return;
    this.plainOpen = false;
    if (indent === 0 && s.startsWith("%")) {
      if (s.startsWith("%TAG")) this.tagProblem(s.split(/\s+/)[1] ?? "%TAG", 0);
      return;
    }
    this.lineIndent = indent;
    const seqItem = isIndicator(s, indent, "-");
    let top = this.stack.at(-1);
    while (top && (top.indent > indent || (top.indent === indent && top.indentless && !seqItem))) {
      this.stack.pop();
      top = this.stack.at(-1);
    }
    if (!top || top.indent < indent) this.push(indent, seqItem, false, indent);
    else if (top.indent === indent && seqItem && !top.seq) this.push(indent, true, true, indent);
    this.countNode(indent);
    this.node(indent);
  }

  /** Continues a line after a closing quote: a key indicator may follow, then a value. */
  private scanFrom(at: number, compactMap?: number): void {
    if (at < 0) return;
    if (this.flowDepth > 0) {
      this.flow(at);
      return;
    }
    const rest = this.lineText.slice(at);
    const colon = /^\s*:(\s|$)/.exec(rest);
    if (!colon) return;
    if (compactMap !== undefined) this.push(compactMap, false, false, compactMap);
    this.value(at + colon[0].length);
  }

  /** A block node starting at `at`: compact nesting (`- - a`, `- a: b`), then a key or a value. */
  private node(at: number): void {
    const s = this.lineText;
    let i = skipSpaces(s, at);
    let compact: number | undefined;
    while (isIndicator(s, i, "-") || isIndicator(s, i, "?") || isIndicator(s, i, ":")) {
      i = skipSpaces(s, i + 1);
      if (i >= s.length || s[i] === "#") return;
      compact = i;
      if (isIndicator(s, i, "-")) this.push(i, true, false, i);
      this.countNode(i);
    }
    this.value(i, true, compact);
  }

  /** A value (or a key, when `keyAllowed`): properties, then flow, quoted, block or plain scalar. */
  private value(at: number, keyAllowed = false, compactMap?: number): void {
    const s = this.lineText;
    let i = this.properties(skipSpaces(s, at));
    const c = s[i];
    if (c === undefined || c === "#") return;
    if (c === "[" || c === "{") {
      // The block collection holding this flow node: a flow node opening its line is the value
      // of the key above it, so its parent is the level below the one counted for this line.
      this.flowParent = i === this.lineIndent ? this.indentBelow(this.lineIndent) : this.top();
      this.flow(i);
      return;
    }
    if (c === '"' || c === "'") {
      this.quote = c;
      const after = this.closeQuote(i + 1);
      if (after < 0) return;
      if (!keyAllowed) return;
      this.scanFrom(after, compactMap);
      return;
    }
    if (c === "|" || c === ">") {
      this.blockScalarParent = this.top();
      return;
    }
    // A plain scalar: it ends at a key indicator, a comment or the end of the line.
    const start = i;
    for (; i < s.length; i++) {
      const code = s.charCodeAt(i);
      if (code !== HASH && code !== COLON) continue;
      if (code === HASH && /\s/.test(s[i - 1] ?? "")) return;
      if (code === COLON && (i + 1 === s.length || /\s/.test(s[i + 1] ?? ""))) {
        if (!keyAllowed) return;
        if (compactMap !== undefined) this.push(compactMap, false, false, compactMap);
        if (s.slice(start, i).trim() === "<<") this.mergeKey(start);
        this.countNode(i);
        this.value(i + 1);
        return;
      }
    }
    this.plainOpen = true;
  }

  /** Skips anchors and tags before a node, checking each tag. */
  private properties(at: number): number {
    const s = this.lineText;
    let i = at;
    while (s[i] === "&" || s[i] === "!") {
      const end = tokenEnd(s, i);
      if (s[i] === "!") this.checkTag(s.slice(i, end), i);
      i = skipSpaces(s, end);
    }
    return i;
  }

  /** Scans flow context from `at`: brackets, quotes, comments, tags; returns to block context at depth 0. */
  private flow(at: number): void {
    const s = this.lineText;
    for (let i = at; i < s.length; i++) {
      const c = s[i] ?? "";
      const afterSpace = i === 0 || /\s/.test(s[i - 1] ?? "");
      if (c === "#" && afterSpace) return;
      if (this.flowPlain) {
        // Inside a plain scalar quotes are ordinary characters; it ends at a flow indicator or `: `.
        if (c === ":" && /[\s,[\]{}]/.test(s[i + 1] ?? " ")) this.flowPlain = false;
        else if (!",[]{}".includes(c)) continue;
        this.flowPlain = false;
      }
      if (c === '"' || c === "'") {
        this.quote = c;
        i = this.closeQuote(i + 1) - 1;
        if (i < 0) return;
      } else if (c === "[" || c === "{") {
        this.flowDepth++;
        this.countNode(i);
        this.checkDepth(i);
      } else if (c === "]" || c === "}") {
        if (this.flowDepth > 0) this.flowDepth--;
        if (this.flowDepth === 0) return;
      } else if (c === ",") {
        this.countNode(i);
      } else if (c === "!") {
        const end = tokenEnd(s, i);
        this.checkTag(s.slice(i, end), i);
        i = end - 1;
      } else if (c === "&" || c === "*") {
        i = tokenEnd(s, i) - 1;
      } else if (
        !/[\s:?-]/.test(c) ||
        ((c === "-" || c === "?" || c === ":") && !/[\s,[\]{}]/.test(s[i + 1] ?? " "))
      ) {
        this.flowPlain = true;
      }
    }
  }

  /** Finds the end of the open quoted scalar on this line; returns the offset after it, or -1. */
  private closeQuote(from: number): number {
    const s = this.lineText;
    for (let i = from; i < s.length; i++) {
      if (this.quote === '"' && s[i] === "\\") i++;
      else if (s[i] === this.quote) {
        if (this.quote === "'" && s[i + 1] === "'") i++;
        else {
          this.quote = undefined;
          return i + 1;
        }
      }
    }
    return -1;
  }

  private indentBelow(indent: number): number {
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const level = this.stack[k];
      if (level && level.indent < indent) return level.indent;
    }
    return -1;
  }

  private top(): number {
    return this.stack.at(-1)?.indent ?? -1;
  }

  private push(indent: number, seq: boolean, indentless: boolean, column: number): void {
    this.stack.push({ indent, seq, indentless });
    this.checkDepth(column);
  }

  private checkDepth(column: number): void {
    const depth = this.stack.length + this.flowDepth;
    if (depth <= MAX_DEPTH) return;
    this.fatal({
      level: "error",
      code: "too-deep",
      message: `nesting is deeper than ${MAX_DEPTH} levels: not parsed`,
      hint: `Hedgehog objects need about 8 levels; ${MAX_DEPTH} is the limit`,
      line: this.line,
      column: column + 1,
    });
  }

  private countNode(column: number): void {
    if (++this.nodes <= MAX_NODES) return;
    this.fatal({
      level: "error",
      code: "too-many-nodes",
      message: `the document has more than ${MAX_NODES.toLocaleString("en-US")} nodes: not parsed`,
      hint: "split it into several documents or files",
      line: this.line,
      column: column + 1,
    });
  }

  private checkTag(tag: string, column: number): void {
    if (SUPPORTED_TAGS.includes(tag)) return;
    this.tagProblem(tag, column);
  }

  private tagProblem(tag: string, column: number): void {
    this.problems.push({
      level: "error",
      code: "unsupported-tag",
      message: `unsupported tag ${tag}`,
      hint: `write the value without a tag; supported tags: ${SUPPORTED_TAGS.join(", ")}`,
      line: this.line,
      column: column + 1,
    });
    if (this.problems.length >= MAX_TAG_PROBLEMS) throw new Stop();
  }

  /** `<<` merges maps for YAML 1.1 readers and is a plain key for 1.2 ones: refused, since readers disagree. */
  private mergeKey(column: number): void {
    this.problems.push({
      level: "error",
      code: "merge-key",
      message: "merge key << is not supported: YAML 1.1 tools merge it, YAML 1.2 tools keep it as a key",
      hint: "write the merged fields out in full",
      line: this.line,
      column: column + 1,
    });
    if (this.problems.length >= MAX_TAG_PROBLEMS) throw new Stop();
  }

  private fatal(problem: Problem): never {
    this.problems.push(problem);
    throw new Stop();
  }
}

const HASH = 0x23;
const COLON = 0x3a;

/** `-`, `?` or `:` followed by a space or the end of the line, at offset i. */
function isIndicator(s: string, i: number, c: string): boolean {
  return s[i] === c && (i + 1 === s.length || s[i + 1] === " " || s[i + 1] === "\t");
}

function skipSpaces(s: string, i: number): number {
  while (s[i] === " " || s[i] === "\t") i++;
  return i;
}

/** End of an anchor or tag token: the next space or flow indicator. */
function tokenEnd(s: string, i: number): number {
  if (s[i + 1] === "<") {
    const close = s.indexOf(">", i);
    return close < 0 ? s.length : close + 1; // a verbatim tag, `!<tag:yaml.org,2002:str>`
  }
  let j = i + 1;
  while (j < s.length && !/[\s,[\]{}]/.test(s[j] ?? "")) j++;
  return j;
}
