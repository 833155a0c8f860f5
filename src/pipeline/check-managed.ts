/**
 * A guarded managed/: people edit app-owned files by hand (a quick fix, a deletion, a rename).
 * Every changed file under managed/ or unmanaged/ is checked with the same schemas, rules and
 * reference checks as raw/ input, and a file whose content names another resource than its path
 * is an error. The app never rewrites a hand edit: it only says what is wrong. Pure, like the rest.
 */
import { checkDocument } from "./check-document.js";
import { referencesOf, unresolvedLevel } from "./crossref.js";
import { DEFAULT_MAX_FILE_BYTES, decodeYamlText } from "./decode.js";
import { type LoadedDocument, type YamlLoader, yamlLoader } from "./parse.js";
import { isLegacyUnmanagedPath, managedPath, unmanagedPath } from "./paths.js";
import type { FileReport, Problem, RawFile } from "./types.js";

export interface ManagedEditsInput {
  root: string;
  /** Files under `${root}/managed/` or `${root}/unmanaged/` that the change added or modified. */
  edited: readonly RawFile[];
  /** Managed files the change deleted, with their last content (to know what they defined). */
  deleted: readonly RawFile[];
  /** "Kind/name" of every resource that exists once the change lands (managed/ plus what raw/ adds). */
  known: ReadonlySet<string>;
  /**
   * Managed files that stay, read only when the change deletes something: references to a deleted
   * resource are found in them (and in the edited files).
   */
  others: readonly RawFile[];
  strict?: boolean;
  maxFileBytes?: number;
}

/** One FileReport per edited file ("ingested" = valid as it stands, "rejected" = invalid), plus warnings on deletions. */
export function checkManagedEdits(input: ManagedEditsInput, loader: YamlLoader = yamlLoader): FileReport[] {
  const gone = deletedResources(input, loader);
  const edited = new Set(input.edited.map((f) => f.path));
  return [
    ...input.edited.map((file) => checkEditedFile(input, file, gone, loader)),
    ...input.others
      .filter((file) => !edited.has(file.path))
      .flatMap((file) => referencesToDeleted(input.root, file, gone, input.maxFileBytes, loader)),
  ];
}

function checkEditedFile(
  input: ManagedEditsInput,
  file: RawFile,
  gone: ReadonlyMap<string, string>,
  loader: YamlLoader,
): FileReport {
  const report: FileReport = {
    path: file.path,
    root: input.root,
    verdict: "ingested",
    problems: [],
    documents: [],
  };
  const decoded = decodeYamlText(file.bytes, input.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, file.size);
  if ("problem" in decoded) return reject(report, decoded.problem);
  const loaded = loader.load(decoded.text);
  report.problems.push(...loaded.problems);
  if (loaded.problems.length === 0 && loaded.documents.length !== 1) {
    report.problems.push({
      level: "error",
      code: "managed-one-document",
      message: `a file under managed/ or unmanaged/ holds exactly one resource; this one has ${loaded.documents.length}`,
      hint: "put each resource in its own file, or add the YAML to raw/ and let the app split it",
      line: loaded.documents[1]?.start.line ?? 1,
      column: 1,
    });
  }
  const underManaged = file.path.startsWith(`${input.root}/managed/`);
  for (const doc of loaded.documents) {
    const checked = checkDocument(doc);
    const problems = [...checked.problems];
    const classified = checked.classified;
    if (classified?.target === "managed") {
      const expected = managedPath(input.root, classified.hedgehog, classified.identity.name);
      if (!underManaged || expected !== file.path) {
        problems.push({
          level: "error",
          code: "managed-path-mismatch",
          message: `this file defines ${classified.identity.kind} "${classified.identity.name}", whose managed file is ${expected}`,
          hint: "rename the file to match the resource, or change metadata.name back",
          ...doc.positionOf(["metadata", "name"]),
        });
      }
      problems.push(...deletedReferences(classified.hedgehog.kind, classified.object, gone, doc));
      for (const ref of referencesOf(classified.hedgehog.kind, classified.object)) {
        const key = `${ref.kind}/${ref.name}`;
        if (input.known.has(key) || gone.has(key)) continue;
        problems.push({
          level: unresolvedLevel(input.strict ?? false),
          code: "unresolved-reference",
          message: `${ref.kind} "${ref.name}" (${ref.path.join(".")}) is not in managed/ once this change lands`,
          path: ref.path,
          ...doc.positionOf(ref.path),
        });
      }
    } else if (classified?.target === "unmanaged" && underManaged) {
      problems.push({
        level: "error",
        code: "managed-not-hedgehog",
        message: `${checked.kind} is not a Hedgehog kind: managed/ holds Hedgehog resources only`,
        hint: "move it under unmanaged/, or add it to raw/ and let the app place it",
        ...doc.start,
      });
    } else if (
      classified?.target === "unmanaged" &&
      unmanagedPath(input.root, classified.identity) !== file.path &&
      !isLegacyUnmanagedPath(input.root, file.path)
    ) {
      problems.push({
        level: "error",
        code: "managed-path-mismatch",
        message: `this file defines ${classified.identity.kind} "${classified.identity.name}", whose file is ${unmanagedPath(input.root, classified.identity)}`,
        hint: "rename the file to match the object, or change it back",
        ...doc.positionOf(["metadata", "name"]),
      });
    }
    report.documents.push({
      index: doc.index,
      line: doc.start.line,
      ...(checked.apiVersion ? { apiVersion: checked.apiVersion } : {}),
      ...(checked.kind ? { kind: checked.kind } : {}),
      ...(checked.name ? { name: checked.name } : {}),
      problems,
    });
  }
  const rejected = [...report.problems, ...report.documents.flatMap((d) => d.problems)].some(
    (p) => p.level === "error",
  );
  report.verdict = rejected ? "rejected" : "ingested";
  return report;
}

/** "Kind/name" → deleted file, for the resources the change deletes and nothing re-adds. */
function deletedResources(input: ManagedEditsInput, loader: YamlLoader): Map<string, string> {
  const gone = new Map<string, string>();
  for (const file of input.deleted) {
    const decoded = decodeYamlText(file.bytes, input.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, file.size);
    if ("problem" in decoded) continue;
    for (const doc of loader.load(decoded.text).documents) {
      const { kind, name } = checkDocument(doc);
      if (kind && name && !input.known.has(`${kind}/${name}`)) gone.set(`${kind}/${name}`, file.path);
    }
  }
  return gone;
}

/** A warning on a file that still names a deleted resource. */
function referencesToDeleted(
  root: string,
  file: RawFile,
  gone: ReadonlyMap<string, string>,
  maxFileBytes: number | undefined,
  loader: YamlLoader,
): FileReport[] {
  if (gone.size === 0) return [];
  const decoded = decodeYamlText(file.bytes, maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, file.size);
  if ("problem" in decoded) return [];
  const problems: Problem[] = [];
  for (const doc of loader.load(decoded.text).documents) {
    const classified = checkDocument(doc).classified;
    if (classified?.target === "managed")
      problems.push(...deletedReferences(classified.hedgehog.kind, classified.object, gone, doc));
  }
  return problems.length > 0 ? [{ path: file.path, root, verdict: "ingested", problems, documents: [] }] : [];
}

function deletedReferences(
  kind: string,
  object: Record<string, unknown>,
  gone: ReadonlyMap<string, string>,
  doc: LoadedDocument,
): Problem[] {
  const problems: Problem[] = [];
  for (const ref of referencesOf(kind, object)) {
    const deletedFrom = gone.get(`${ref.kind}/${ref.name}`);
    if (!deletedFrom) continue;
    problems.push({
      level: "warning",
      code: "deleted-still-referenced",
      message: `${ref.kind} "${ref.name}" is deleted (${deletedFrom}) but ${ref.path.join(".")} still names it`,
      hint: "change or delete this resource too, or keep the deleted one",
      path: ref.path,
      ...doc.positionOf(ref.path),
    });
  }
  return problems;
}

function reject(report: FileReport, problem: Problem): FileReport {
  report.problems.push(problem);
  report.verdict = "rejected";
  return report;
}
