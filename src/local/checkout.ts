/** The local-checkout shell: reads a working tree into pipeline input, and applies a plan to it. */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { discoverRoots, isCurrentFile, rootInputs } from "../pipeline/discover.js";
import { gitBlobSha } from "../pipeline/git-blob.js";
import type { IngestInput, IngestOptions, Plan } from "../pipeline/types.js";

const SKIPPED_FOLDERS = new Set([".git", "node_modules"]);

/** Every file path under dir, relative with "/" separators. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const rel = full
      .slice(dir.length)
      .replace(/^[/\\]+/, "")
      .split(/[\\/]/);
    if (rel.some((segment) => SKIPPED_FOLDERS.has(segment))) continue;
    out.push(rel.join("/"));
  }
  return out.sort();
}

export async function readCheckout(
  dir: string,
  options: IngestOptions & { roots?: readonly string[]; sourceCommit?: string },
): Promise<IngestInput> {
  const paths = await listFiles(dir);
  const discovered = discoverRoots(paths, options.roots);
  const raw = new Map<string, Uint8Array>();
  for (const path of discovered.flatMap((d) => d.rawPaths)) raw.set(path, await readFile(join(dir, path)));
  const roots = rootInputs(discovered, (path) => ({ path, bytes: raw.get(path) ?? new Uint8Array() }));
  const current = new Map<string, string>();
  for (const path of paths) {
    if (isCurrentFile(discovered, path)) current.set(path, gitBlobSha(await readFile(join(dir, path))));
  }
  return { roots, current, sourceCommit: options.sourceCommit ?? "working-tree", options };
}

/** Writes the plan into the working tree; changes files only, never commits. */
export async function applyPlan(dir: string, plan: Plan): Promise<void> {
  for (const write of plan.writes) {
    // Local raw files carry no blob SHA, so every planned write has its bytes.
    if (!write.bytes) throw new Error(`planned write ${write.path} has no bytes`);
    await mkdir(dirname(join(dir, write.path)), { recursive: true });
    await writeFile(join(dir, write.path), write.bytes);
  }
  for (const path of plan.deletes) await rm(join(dir, path), { force: true });
}
