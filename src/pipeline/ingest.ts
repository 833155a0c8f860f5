/**
 * The whole pure pipeline for one run: parse → validate → classify → normalize → plan,
 * over the roots the shell discovered and read. Input and output are plain values.
 */
import { boundProblems } from "./bound-problems.js";
import { checkDocument } from "./check-document.js";
import { knownFromManagedPaths, type Reference, referencesOf, unresolvedLevel } from "./crossref.js";
import { DEFAULT_MAX_FILE_BYTES, decodeYamlText } from "./decode.js";
import { compare, GITKEEP } from "./discover.js";
import { expandLists } from "./expand-lists.js";
import { fileNameProblems, unmanagedSegmentProblems } from "./file-names.js";
import { gitBlobShaOfText, utf8Length } from "./git-blob.js";
import { planLegacyMoves } from "./migrate-unmanaged.js";
import { toCanonicalYaml, unmanagedText } from "./normalize.js";
import { ownString, StringTable } from "./own-strings.js";
import type { LoadedDocument, Position, YamlLoader } from "./parse.js";
import { archivePath, inboxOf, managedPath, unmanagedPath } from "./paths.js";
import type {
  DocumentReport,
  FileReport,
  IngestInput,
  IngestResult,
  JsonPath,
  KindCounts,
  Plan,
  PlannedWrite,
  Problem,
  RawFile,
  RootInput,
  RootReport,
} from "./types.js";
import { fastLoader } from "./yaml/fast-load.js";

const encoder = new TextEncoder();

/**
 * One document on its way: where it goes and what it becomes. Its value, its text, its normalized
 * object and (unless the plan needs them) its bytes are not kept once these are known (memory, issue 9).
 */
interface Candidate {
  start: Position;
  report: DocumentReport;
  /** What a managed object names, checked once every file is read. */
  references: readonly Reference[];
  /** Git blob SHA of the output, when the document has one. */
  sha: string | undefined;
  /** The output itself, when the plan carries bytes. */
  bytes: Uint8Array | undefined;
}

/** The options each document is checked with, and the strings the run keeps. */
interface DocumentSettings {
  maxBytes: number;
  reportObjects: boolean;
  planBytes: boolean;
  strings: StringTable;
}

interface CheckedFile {
  raw: RawFile;
  report: FileReport;
  candidates: Candidate[];
  /** Where a path of the nth candidate is, for problems found after the file's text was let go. */
  positionOf(candidate: number, path: JsonPath): Position;
}

export function ingest(input: IngestInput, loader: YamlLoader = fastLoader): IngestResult {
  const plan: Plan = { writes: [], deletes: [] };
  const roots = [...input.roots]
    .sort((a, b) => compare(a.root, b.root))
    .map((root) => ingestRoot(root, input, loader, plan));
  return { plan, report: { sourceCommit: input.sourceCommit, roots } };
}

function ingestRoot(root: RootInput, input: IngestInput, loader: YamlLoader, plan: Plan): RootReport {
  const options = input.options ?? {};
  const settings: DocumentSettings = {
    maxBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    reportObjects: options.reportObjects ?? true,
    planBytes: options.planBytes ?? true,
    strings: new StringTable(),
  };
  const files: CheckedFile[] = [];
  const submodules: string[] = [];
  for (const raw of [...root.raw].sort((a, b) => compare(a.path, b.path))) {
    if (raw.mode === SUBMODULE) submodules.push(raw.path);
    else if (raw.mode === SYMLINK) files.push(symlinkFile(root.root, raw));
    else files.push(checkFile(root.root, raw, loader, settings));
  }

  checkFileNames(files);
  markClashes(files);
  settleVerdicts(files);
  checkReferences(root.root, files, input.current, options.strict ?? false);
  settleVerdicts(files);
  for (const file of files) boundProblems(file.report);

  const counts: Record<string, KindCounts> = {};
  /** Output paths this run writes or confirms unchanged. */
  const settled = new Set<string>();
  let removedFromInbox = false;
  for (const file of files) {
    if (file.report.verdict === "rejected") continue;
    for (const candidate of file.candidates) {
      const { report, sha, bytes } = candidate;
      if (!report.outputPath || sha === undefined) continue;
      const existing = input.current.get(report.outputPath);
      report.contentHash = sha;
      report.action = existing === undefined ? "created" : existing === sha ? "unchanged" : "updated";
      const kind = report.kind ?? "?";
      counts[kind] ??= { created: 0, updated: 0, unchanged: 0 };
      counts[kind][report.action]++;
      settled.add(report.outputPath);
      if (report.action !== "unchanged")
        plan.writes.push(
          bytes
            ? { path: report.outputPath, bytes, reason: report.action }
            : { path: report.outputPath, blobSha: sha, reason: report.action },
        );
    }
    if (options.archive !== false) {
      const archived: PlannedWrite = {
        path: archivePath(root.root, input.sourceCommit, file.raw.path),
        reason: "archived",
      };
      if (file.raw.blobSha) archived.blobSha = file.raw.blobSha;
      else archived.bytes = file.raw.bytes;
      // The archive keeps the original's executable bit.
      if (file.raw.mode === EXECUTABLE) archived.mode = EXECUTABLE;
      plan.writes.push(archived);
      file.report.archivePath = archived.path;
    }
    plan.deletes.push(file.raw.path);
    removedFromInbox = true;
  }
  if (removedFromInbox && !root.hasGitkeep) {
    plan.writes.push({
      path: `${inboxOf(root.root)}/${GITKEEP}`,
      bytes: new Uint8Array(),
      reason: "gitkeep",
    });
  }
  const legacy = planLegacyMoves(root.root, input.current, input.legacyUnmanaged, settled);
  plan.writes.push(...legacy.writes);
  plan.deletes.push(...legacy.deletes);
  const report: RootReport = {
    root: root.root,
    files: files.map((f) => f.report),
    ignored: [...(root.ignored ?? [])],
    counts,
  };
  if (submodules.length > 0) report.submodules = submodules;
  if (legacy.moved.length > 0) report.moved = legacy.moved;
  if (legacy.unmoved.length > 0) report.unmoved = legacy.unmoved;
  return report;
}

const EXECUTABLE = "100755";
const SYMLINK = "120000";
const SUBMODULE = "160000";

/** A symlink in raw/ is never followed (it could point anywhere): its file is rejected and stays. */
function symlinkFile(root: string, raw: RawFile): CheckedFile {
  const report: FileReport = { path: raw.path, root, verdict: "rejected", problems: [], documents: [] };
  if (raw.blobSha) report.blobSha = raw.blobSha;
  report.problems.push({
    level: "error",
    code: "symlink",
    message: `a symbolic link (to ${JSON.stringify(new TextDecoder().decode(raw.bytes))}): links are never followed, left in raw/`,
    hint: "commit the file itself instead of a link to it",
    line: 1,
    column: 1,
  });
  return { raw, report, candidates: [], positionOf: () => ({ line: 1, column: 1 }) };
}

/**
 * Every segment of an output path must be a file name that can be checked out: a name too long is
 * an error at metadata.name; an unmanaged object's group and namespace must be DNS names.
 */
function checkFileNames(files: CheckedFile[]): void {
  for (const file of files) {
    file.candidates.forEach((c, i) => {
      if (!c.report.outputPath) return;
      const problems = fileNameProblems(c.report.outputPath);
      if (c.report.target === "unmanaged" && c.report.identity)
        problems.push(...unmanagedSegmentProblems(c.report.identity));
      for (const problem of problems)
        c.report.problems.push({ ...problem, ...file.positionOf(i, problem.path ?? []) });
    });
  }
}

function checkFile(root: string, raw: RawFile, loader: YamlLoader, settings: DocumentSettings): CheckedFile {
  const report: FileReport = { path: raw.path, root, verdict: "ingested", problems: [], documents: [] };
  if (raw.blobSha) report.blobSha = raw.blobSha;
  const decoded = decodeYamlText(raw.bytes, settings.maxBytes, raw.size);
  if ("problem" in decoded) {
    report.problems.push(decoded.problem);
    return { raw, report, candidates: [], positionOf: () => ({ line: 1, column: 1 }) };
  }
  const { candidates, problems } = candidatesOf(root, decoded.text, loader, settings);
  report.problems.push(...problems);
  report.documents = candidates.map((c) => c.report);
  const positionOf = laterPositions(decoded.text.length, raw, loader, settings.maxBytes, candidates);
  if (candidates.length === 0 && problems.length === 0) {
    report.problems.push({
      level: "notice",
      code: "empty-file",
      message: "the file has no YAML documents (empty or comments only): archived, nothing to ingest",
      line: 1,
      column: 1,
    });
  }
  return { raw, report, candidates, positionOf };
}

/**
 * The file's documents as candidates, each made as soon as it is loaded when the loader can give
 * them one at a time: a large file's values are then never all in memory at once (issue 9).
 */
function candidatesOf(
  root: string,
  text: string,
  loader: YamlLoader,
  settings: DocumentSettings,
): { candidates: Candidate[]; problems: Problem[] } {
  const stream = loader.each?.(text);
  if (stream) {
    const candidates: Candidate[] = [];
    for (let next = stream.next(); ; next = stream.next()) {
      if (next.done) {
        if (next.value) return { candidates, problems: [] };
        break;
      }
      for (const doc of expandLists([next.value], candidates.length))
        candidates.push(candidate(root, doc, settings));
    }
  }
  // The loader could not give this file one document at a time: it is loaded whole, from the start.
  const loaded = loader.load(text);
  const candidates = expandLists(loaded.documents).map((doc) => candidate(root, doc, settings));
  return { candidates, problems: loaded.problems };
}

/**
 * Positions after the file is done. Its text and parse are not kept (they would hold every file of
 * the run in memory): the few problems found later (file names, clashes, references) load the file
 * again, once, which gives the same documents in the same order.
 */
function laterPositions(
  length: number,
  raw: RawFile,
  loader: YamlLoader,
  maxBytes: number,
  candidates: readonly Candidate[],
): CheckedFile["positionOf"] {
  let documents: LoadedDocument[] | undefined;
  return (i, path) => {
    if (documents === undefined) {
      const decoded = decodeYamlText(raw.bytes, maxBytes, raw.size);
      documents =
        "text" in decoded && decoded.text.length === length
          ? expandLists(loader.load(decoded.text).documents)
          : [];
    }
    const document = documents[i];
    return document ? document.positionOf(path) : (candidates[i]?.start ?? { line: 1, column: 1 });
  };
}

/** Shared by the documents that name nothing (most of them). */
const NO_REFERENCES: readonly Reference[] = [];

function candidate(root: string, document: LoadedDocument, settings: DocumentSettings): Candidate {
  const { start } = document;
  const checked = checkDocument(document);
  const { strings } = settings;
  const classified = checked.classified;
  if (!classified) {
    const report: DocumentReport = { index: document.index, line: start.line, problems: checked.problems };
    if (checked.apiVersion) report.apiVersion = strings.intern(checked.apiVersion);
    if (checked.kind) report.kind = strings.intern(checked.kind);
    if (checked.name) report.name = ownString(checked.name);
    return { start, report, references: NO_REFERENCES, sha: undefined, bytes: undefined };
  }
  // A classified document has all of these; the report is made in one piece (fewer, smaller objects).
  const { group, kind, namespace, name } = classified.identity;
  const identity = {
    group: strings.intern(group),
    kind: strings.intern(kind),
    namespace: strings.intern(namespace),
    name: ownString(name),
  };
  const report: DocumentReport = {
    index: document.index,
    line: start.line,
    problems: checked.problems,
    apiVersion: strings.intern(checked.apiVersion ?? ""),
    kind: identity.kind,
    name: identity.name,
    identity,
    target: classified.target,
    outputPath:
      classified.target === "managed"
        ? managedPath(root, classified.hedgehog, identity.name)
        : unmanagedPath(root, identity),
  };
  if (classified.target === "unmanaged")
    return output(start, report, NO_REFERENCES, unmanagedText(document.source()), settings);
  const references = referencesOf(classified.hedgehog.kind, classified.object);
  const out = output(
    start,
    report,
    references.length === 0 ? NO_REFERENCES : references.map(ownReference),
    toCanonicalYaml(classified.object),
    settings,
  );
  if (out.sha !== undefined && settings.reportObjects) report.object = classified.object;
  return out;
}

const ownReference = (ref: Reference): Reference => ({
  kind: ref.kind,
  name: ownString(ref.name),
  path: ref.path.map((segment) => (typeof segment === "string" ? ownString(segment) : segment)),
});

/** The candidate with its output's SHA, and its bytes when the plan carries them. */
function output(
  start: Position,
  report: DocumentReport,
  references: readonly Reference[],
  text: string,
  settings: DocumentSettings,
): Candidate {
  // Bytes only when the plan carries them: the size and the SHA come from the text (issue 9).
  const bytes = settings.planBytes ? encoder.encode(text) : undefined;
  const size = bytes ? bytes.byteLength : utf8Length(text);
  if (!readableBack(size, report, start, settings.maxBytes))
    return { start, report, references, sha: undefined, bytes: undefined };
  return { start, report, references, sha: gitBlobShaOfText(text, size), bytes };
}

/**
 * A file the app writes must be one it can read again: normalization can grow a document (escapes,
 * the header), so output over the size limit rejects the document instead of landing unreadable.
 */
function readableBack(size: number, report: DocumentReport, start: Position, maxBytes: number): boolean {
  if (size <= maxBytes) return true;
  report.problems.push({
    level: "error",
    code: "output-too-large",
    message: `the normalized ${report.kind ?? "document"} would be ${size} bytes, over the ${maxBytes}-byte file limit`,
    hint: "make the document smaller (long or escaped strings grow when written out), or split it",
    line: start.line,
    column: start.column,
  });
  return false;
}

/** Two documents that would write the same file (same identity) clash: both files are held back. */
function markClashes(files: CheckedFile[]): void {
  // Lists only for the paths written twice: a run may have 50,000 paths and no clash (memory, issue 9).
  const seen = new Set<string>();
  const clashing = new Set<string>();
  for (const file of files) {
    for (const c of file.candidates) {
      const path = c.report.outputPath;
      if (path === undefined) continue;
      if (seen.has(path)) clashing.add(path);
      else seen.add(path);
    }
  }
  if (clashing.size === 0) return;
  const byPath = new Map<string, { file: CheckedFile; candidate: Candidate }[]>();
  for (const file of files) {
    for (const c of file.candidates) {
      const path = c.report.outputPath;
      if (path === undefined || !clashing.has(path)) continue;
      const list = byPath.get(path) ?? [];
      list.push({ file, candidate: c });
      byPath.set(path, list);
    }
  }
  for (const [path, list] of byPath) {
    for (const { candidate } of list) {
      const others = list
        .filter((o) => o.candidate !== candidate)
        .map((o) => `${o.file.raw.path}:${o.candidate.start.line}`);
      candidate.report.problems.push({
        level: "error",
        code: "identity-clash",
        message: `${candidate.report.kind} "${candidate.report.name}" is also defined at ${others.join(", ")} (both would write ${path})`,
        hint: "keep one definition of each resource per push",
        line: candidate.start.line,
        column: candidate.start.column,
      });
    }
  }
}

/** A file is ingested only when it and every document in it are free of errors. */
function settleVerdicts(files: CheckedFile[]): void {
  const hasError = (problems: Problem[]) => problems.some((p) => p.level === "error");
  for (const file of files) {
    const { report } = file;
    const rejected = hasError(report.problems) || report.documents.some((d) => hasError(d.problems));
    report.verdict = rejected ? "rejected" : report.documents.length === 0 ? "empty" : "ingested";
  }
}

/**
 * Cross references, to a fixed point: in strict mode a file rejected for an unresolved reference
 * takes its resources out of the known set, which may leave other files' references unresolved;
 * repeat until no file changes. Problems are added once, from the last round each file took part in.
 */
function checkReferences(
  root: string,
  files: CheckedFile[],
  current: ReadonlyMap<string, string>,
  strict: boolean,
): void {
  // When no document names another there is nothing to look up: skip the sets of every name.
  if (!files.some((f) => f.candidates.some((c) => c.references.length > 0))) return;
  const fromManaged = knownFromManagedPaths(root, current.keys());
  const definedIn = new Map<string, string>();
  for (const file of files)
    for (const c of file.candidates)
      if (c.report.kind && c.report.name) definedIn.set(`${c.report.kind}/${c.report.name}`, file.raw.path);
  let accepted = files.filter((f) => f.report.verdict === "ingested");
  const found = new Map<CheckedFile, Unresolved[]>();
  for (;;) {
    const known = new Set(fromManaged);
    for (const file of accepted)
      for (const c of file.candidates)
        if (c.report.kind && c.report.name) known.add(`${c.report.kind}/${c.report.name}`);
    for (const file of accepted) found.set(file, unresolvedReferences(file, known, definedIn, strict));
    const still = accepted.filter((f) => !strict || (found.get(f) ?? []).length === 0);
    if (still.length === accepted.length) break;
    accepted = still;
  }
  for (const unresolved of found.values())
    for (const { document, problem } of unresolved) document.problems.push(problem);
}

interface Unresolved {
  document: DocumentReport;
  problem: Problem;
}

function unresolvedReferences(
  file: CheckedFile,
  known: ReadonlySet<string>,
  definedIn: ReadonlyMap<string, string>,
  strict: boolean,
): Unresolved[] {
  const out: Unresolved[] = [];
  for (const [i, c] of file.candidates.entries()) {
    for (const ref of c.references) {
      const key = `${ref.kind}/${ref.name}`;
      if (known.has(key)) continue;
      const elsewhere = definedIn.get(key);
      const where =
        elsewhere && elsewhere !== file.raw.path
          ? `is defined in ${elsewhere}, which is rejected in this push`
          : "is neither in managed/ nor in this push";
      const problem: Problem = {
        level: unresolvedLevel(strict),
        code: "unresolved-reference",
        message: `${ref.kind} "${ref.name}" (${ref.path.join(".")}) ${where}`,
        hint: elsewhere
          ? `fix ${elsewhere} first`
          : strict
            ? "add it to raw/ or turn strict mode off"
            : "add it to raw/ if the fabric needs it",
        path: ref.path,
        ...file.positionOf(i, ref.path),
      };
      out.push({ document: c.report, problem });
    }
  }
  return out;
}
