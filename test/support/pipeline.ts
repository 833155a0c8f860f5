/** Helpers to run the pure pipeline on in-memory files, the way the shells do. */
import {
  discoverRoots,
  isCurrentFile,
  isLegacyUnmanagedFile,
  rootInputs,
} from "../../src/pipeline/discover.js";
import { gitBlobSha } from "../../src/pipeline/git-blob.js";
import { ingest } from "../../src/pipeline/ingest.js";
import type { IngestOptions, IngestResult } from "../../src/pipeline/types.js";

export const SOURCE = "0123456789abcdef0123456789abcdef01234567";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export type Tree = Record<string, string | Uint8Array>;

const bytesOf = (v: string | Uint8Array) => (typeof v === "string" ? encoder.encode(v) : v);

/** Runs discover + ingest over a whole tree (path → content), as the GitHub shell does. */
export function ingestTree(
  tree: Tree,
  options: IngestOptions & { roots?: string[] } = {},
  sourceCommit = SOURCE,
): IngestResult {
  const discovered = discoverRoots(Object.keys(tree), options.roots);
  const current = new Map<string, string>();
  const legacyUnmanaged = new Map<string, Uint8Array>();
  for (const [path, content] of Object.entries(tree)) {
    if (isCurrentFile(discovered, path)) current.set(path, gitBlobSha(bytesOf(content)));
    if (isLegacyUnmanagedFile(discovered, path)) legacyUnmanaged.set(path, bytesOf(content));
  }
  return ingest({
    sourceCommit,
    current,
    legacyUnmanaged,
    options,
    roots: rootInputs(discovered, (path) => {
      const bytes = bytesOf(tree[path] ?? "");
      return { path, bytes, blobSha: gitBlobSha(bytes) };
    }),
  });
}

/** The tree after a plan is committed (archive writes resolved from the originals). */
export function applyToTree(tree: Tree, result: IngestResult): Tree {
  const next: Tree = { ...tree };
  const bySha = new Map(Object.values(tree).map((v) => [gitBlobSha(bytesOf(v)), v]));
  for (const write of result.plan.writes) {
    const content = write.bytes ?? (write.blobSha ? bySha.get(write.blobSha) : undefined);
    if (content === undefined) throw new Error(`no content for ${write.path}`);
    next[write.path] = content;
  }
  for (const path of result.plan.deletes) delete next[path];
  return next;
}

export function text(content: string | Uint8Array | undefined): string {
  return content === undefined ? "" : typeof content === "string" ? content : decoder.decode(content);
}

export function writeText(result: IngestResult, path: string): string {
  const write = result.plan.writes.find((w) => w.path === path);
  if (!write?.bytes)
    throw new Error(`no write for ${path}; writes: ${result.plan.writes.map((w) => w.path).join(", ")}`);
  return decoder.decode(write.bytes);
}
