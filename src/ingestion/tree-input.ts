/**
 * A commit's tree as pipeline input, the same way for a push and for a pull-request preview:
 * which fabric roots it holds, which blobs must be downloaded, and the IngestInput built from them.
 */
import type { IngestConfig } from "../config.js";
import type { CommitTree } from "../github/tree.js";
import type { TreeEntry } from "../github/types.js";
import {
  type DiscoveredRoot,
  discoverRoots,
  isCurrentFile,
  isLegacyUnmanagedFile,
  rootInputs,
} from "../pipeline/discover.js";
import type { IngestInput, RawFile } from "../pipeline/types.js";

export function discoverTree(tree: CommitTree, globs: readonly string[]): DiscoveredRoot[] {
  const gitlinks = new Set(tree.gitlinks.map((g) => g.path));
  return discoverRoots(
    [...tree.files, ...tree.gitlinks].map((e) => e.path),
    globs,
    (path) => gitlinks.has(path),
  );
}

/** Blobs the pipeline reads: raw files within the size limit (over it, the size alone rejects them) and old-layout unmanaged files to move. */
export function blobsToRead(
  tree: CommitTree,
  discovered: readonly DiscoveredRoot[],
  maxFileBytes: number,
): TreeEntry[] {
  const byPath = new Map(tree.files.map((f) => [f.path, f]));
  const raw = discovered
    .flatMap((d) => d.rawPaths)
    .flatMap((path) => byPath.get(path) ?? [])
    .filter((e) => (e.size ?? 0) <= maxFileBytes);
  return [...raw, ...tree.files.filter((f) => isLegacyUnmanagedFile(discovered, f.path))];
}

/** A tree entry as a RawFile: bytes from the blobs read, mode and size from the listing. */
export function rawFileOf(
  entry: TreeEntry | undefined,
  path: string,
  blobs: ReadonlyMap<string, Uint8Array>,
): RawFile {
  return {
    path,
    bytes: (entry && entry.type === "blob" && blobs.get(entry.sha)) || new Uint8Array(),
    ...(entry?.sha && entry.type === "blob" ? { blobSha: entry.sha } : {}),
    ...(entry?.size !== undefined ? { size: entry.size } : {}),
    ...(entry?.mode ? { mode: entry.mode } : {}),
  };
}

export interface TreeInput {
  /** The tree whose raw/ inboxes are ingested. */
  tree: CommitTree;
  discovered: readonly DiscoveredRoot[];
  blobs: ReadonlyMap<string, Uint8Array>;
  sourceCommit: string;
  config: Pick<IngestConfig, "archive" | "strict" | "maxFileBytes">;
  /** The tree whose managed/ the plan is made against (default: the same tree; a PR's base otherwise). */
  against?: CommitTree;
}

export function treeIngestInput(input: TreeInput): IngestInput {
  const { tree, discovered, blobs, config } = input;
  const entries = new Map([...tree.files, ...tree.gitlinks].map((e) => [e.path, e]));
  const current = new Map<string, string>();
  const legacyUnmanaged = new Map<string, Uint8Array>();
  for (const file of (input.against ?? tree).files) {
    if (!isCurrentFile(discovered, file.path)) continue;
    current.set(file.path, file.sha);
    const bytes = isLegacyUnmanagedFile(discovered, file.path) ? blobs.get(file.sha) : undefined;
    if (bytes) legacyUnmanaged.set(file.path, bytes);
  }
  return {
    sourceCommit: input.sourceCommit,
    current,
    legacyUnmanaged,
    options: { archive: config.archive, strict: config.strict, maxFileBytes: config.maxFileBytes },
    roots: rootInputs(discovered, (path) => rawFileOf(entries.get(path), path, blobs)),
  };
}
