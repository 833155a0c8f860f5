/**
 * Hand edits in a change: files under a root's managed/ or unmanaged/ that differ between two trees
 * (the pushed commit and its parent, or a PR head and its base), checked by the pure
 * checkManagedEdits. Shared by the push and the pull-request preview.
 */
import type { IngestConfig } from "../config.js";
import type { TreeEntry } from "../github/types.js";
import { checkManagedEdits } from "../pipeline/check-managed.js";
import { knownFromManagedPaths } from "../pipeline/crossref.js";
import { type DiscoveredRoot, isCurrentFile } from "../pipeline/discover.js";
import type { FileReport, RawFile, Report } from "../pipeline/types.js";

export interface ManagedChanges {
  edited: TreeEntry[];
  deleted: TreeEntry[];
  /** Managed files that stay; read only when something is deleted (to find references to it). */
  others: TreeEntry[];
}

/** Files under a root's managed/ or unmanaged/ that differ between the base and the head. */
export function managedChanges(
  discovered: readonly DiscoveredRoot[],
  head: readonly TreeEntry[],
  base: readonly TreeEntry[],
): ManagedChanges {
  const headByPath = new Map(head.filter((f) => isCurrentFile(discovered, f.path)).map((f) => [f.path, f]));
  const baseByPath = new Map(base.filter((f) => isCurrentFile(discovered, f.path)).map((f) => [f.path, f]));
  const edited = [...headByPath.values()].filter((f) => baseByPath.get(f.path)?.sha !== f.sha);
  const deleted = [...baseByPath.values()].filter((f) => !headByPath.has(f.path));
  const editedPaths = new Set(edited.map((f) => f.path));
  const others = deleted.length > 0 ? [...headByPath.values()].filter((f) => !editedPaths.has(f.path)) : [];
  return { edited, deleted, others };
}

/** Every hand edit of the change, checked root by root; blobs of the changed files must have been read. */
export function handEditReports(
  discovered: readonly DiscoveredRoot[],
  report: Report,
  head: readonly TreeEntry[],
  changes: ManagedChanges,
  rawFile: (entry: TreeEntry | undefined, path: string) => RawFile,
  config: Pick<IngestConfig, "strict" | "maxFileBytes">,
): FileReport[] {
  return discovered.flatMap((root) => rootHandEdits(root, report, head, changes, rawFile, config));
}

function rootHandEdits(
  root: DiscoveredRoot,
  report: Report,
  head: readonly TreeEntry[],
  changes: ManagedChanges,
  rawFile: (entry: TreeEntry | undefined, path: string) => RawFile,
  { strict, maxFileBytes }: Pick<IngestConfig, "strict" | "maxFileBytes">,
): FileReport[] {
  const inRoot = (e: TreeEntry) => e.path.startsWith(`${root.root}/`);
  const edited = changes.edited.filter(inRoot);
  const deleted = changes.deleted.filter(inRoot);
  if (edited.length === 0 && deleted.length === 0) return [];
  // What exists once the change lands: managed/ of the head plus what raw/ would add.
  const known = knownFromManagedPaths(
    root.root,
    head.map((f) => f.path),
  );
  for (const file of report.roots.find((r) => r.root === root.root)?.files ?? []) {
    if (file.verdict !== "ingested") continue;
    for (const d of file.documents) if (d.kind && d.name) known.add(`${d.kind}/${d.name}`);
  }
  return checkManagedEdits({
    root: root.root,
    edited: edited.map((e) => rawFile(e, e.path)),
    deleted: deleted.map((e) => rawFile(e, e.path)),
    others: changes.others.filter(inRoot).map((e) => rawFile(e, e.path)),
    known,
    strict,
    maxFileBytes,
  });
}
