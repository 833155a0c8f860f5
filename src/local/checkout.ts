/** The local-checkout shell: reads a working tree into pipeline input, and applies a plan to it. */
import type { Dirent } from "node:fs";
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rm,
  rmdir,
  writeFile,
} from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { UsageError } from "../cli/usage-error.js";
import { rootGlobProblem } from "../config.js";
import { discoverRoots, isCurrentFile, isLegacyUnmanagedFile, rootInputs } from "../pipeline/discover.js";
import { gitBlobSha } from "../pipeline/git-blob.js";
import type { GitMode, IngestInput, IngestOptions, Plan, RawFile } from "../pipeline/types.js";
import { checkSourceCommit } from "./source-commit.js";

const SKIPPED_FOLDERS = new Set([".git", "node_modules"]);
/** Files written at once by applyPlan: enough to keep the disk busy, few enough for any file-handle limit. */
const WRITE_CONCURRENCY = 64;

/** A file of the working tree as git would record it: its path ("/" separated) and its git mode. */
export interface CheckoutEntry {
  path: string;
  mode: GitMode;
}

/**
 * Every file under dir as git sees it: regular files (100644; readCheckout looks up the executable
 * bit of raw files only), symlinks (120000, never followed) and nested repositories (160000: a folder
 * holding `.git`, not descended).
 * Only "/" separates path segments, so a name with a backslash is a name, as it is for git.
 */
export async function listEntries(folder: string): Promise<CheckoutEntry[]> {
  const dir = resolve(folder);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const relative = (entry: Dirent) =>
    join(entry.parentPath, entry.name)
      .slice(dir.length + 1)
      .split(sep);
  const submodules = new Set<string>();
  for (const entry of entries) {
    if (entry.name !== ".git") continue;
    const folder = relative(entry).slice(0, -1);
    if (folder.length > 0) submodules.add(folder.join("/"));
  }
  const insideSubmodule = (segments: string[]) =>
    segments.some((_, i) => i < segments.length - 1 && submodules.has(segments.slice(0, i + 1).join("/")));
  const out: CheckoutEntry[] = [...submodules]
    .filter((path) => !insideSubmodule(path.split("/")))
    .map((path) => ({ path, mode: "160000" }));
  for (const entry of entries) {
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const segments = relative(entry);
    if (segments.some((segment) => SKIPPED_FOLDERS.has(segment)) || insideSubmodule(segments)) continue;
    out.push({ path: segments.join("/"), mode: entry.isSymbolicLink() ? "120000" : "100644" });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function readCheckout(
  dir: string,
  options: IngestOptions & {
    roots?: readonly string[];
    sourceCommit?: string;
    /** The checkout's entries when the caller listed them already (listing a large tree twice is slow). */
    entries?: readonly CheckoutEntry[];
  },
): Promise<IngestInput> {
  const sourceCommit = checkSourceCommit(options.sourceCommit ?? "working-tree");
  for (const glob of options.roots ?? []) {
    const problem = rootGlobProblem(glob);
    if (problem) throw new UsageError(`root glob ${JSON.stringify(glob)}: ${problem}`);
  }
  const entries = options.entries ?? (await listEntries(dir));
  const modes = new Map(entries.map((e) => [e.path, e.mode]));
  const discovered = discoverRoots(
    entries.map((e) => e.path),
    options.roots,
    (path) => modes.get(path) === "160000",
  );
  const raw = new Map<string, RawFile>();
  for (const path of discovered.flatMap((d) => d.rawPaths))
    raw.set(path, await readRawEntry(dir, path, modes.get(path) ?? "100644"));
  const roots = rootInputs(discovered, (path) => raw.get(path) ?? { path, bytes: new Uint8Array() });
  const current = new Map<string, string>();
  const legacyUnmanaged = new Map<string, Uint8Array>();
  for (const { path, mode } of entries) {
    if (mode === "160000" || !isCurrentFile(discovered, path)) continue;
    const bytes = await readFile(join(dir, path));
    current.set(path, gitBlobSha(bytes));
    if (isLegacyUnmanagedFile(discovered, path)) legacyUnmanaged.set(path, bytes);
  }
  return { roots, current, sourceCommit, options, legacyUnmanaged };
}

/** A raw entry as git would store it: a symlink's bytes are its target, a submodule has none. */
async function readRawEntry(dir: string, path: string, mode: GitMode): Promise<RawFile> {
  const full = join(dir, path);
  if (mode === "160000") return { path, bytes: new Uint8Array(), mode };
  if (mode === "120000") return { path, bytes: new TextEncoder().encode(await readlink(full)), mode };
  const executable = ((await lstat(full)).mode & 0o111) !== 0;
  return { path, bytes: await readFile(full), mode: executable ? "100755" : "100644" };
}

/**
 * Writes the plan into the working tree; changes files only, never commits. Every path must stay
 * inside dir, also through symlinked folders: anything else is refused before a byte is written.
 * Each folder is created once and files are written with bounded concurrency (50,000 files: see notes).
 */
export async function applyPlan(dir: string, plan: Plan): Promise<void> {
  const base = resolve(dir);
  const inside = (path: string) => {
    const full = resolve(base, path);
    if (path.startsWith("/") || !full.startsWith(base + sep))
      throw new UsageError(`refusing to write outside the checkout: ${JSON.stringify(path)}`);
    return full;
  };
  const writes = plan.writes.map((write) => {
    // Local raw files carry no blob SHA, so every planned write has its bytes.
    if (!write.bytes) throw new Error(`planned write ${write.path} has no bytes`);
    return { full: inside(write.path), bytes: write.bytes, executable: write.mode === "100755" };
  });
  const deletes = plan.deletes.map(inside);
  const realBase = await realpath(base);
  const folders = [...new Set(writes.map((w) => dirname(w.full)))].sort();
  for (const folder of folders) {
    await mkdir(folder, { recursive: true });
    const real = await realpath(folder);
    if (real !== realBase && !real.startsWith(realBase + sep))
      throw new UsageError(`refusing to write through a symlink that leaves the checkout: ${folder}`);
  }
  await eachLimited(writes, WRITE_CONCURRENCY, async (w) => {
    await writeFile(w.full, w.bytes);
    if (w.executable) await chmod(w.full, 0o755);
  });
  await eachLimited(deletes, WRITE_CONCURRENCY, (full) => rm(full, { force: true }));
  await removeEmptyFolders(base, deletes);
}

/** Folders a delete left empty go too (git does not keep empty folders, so the checkout matches a clone). */
async function removeEmptyFolders(base: string, deleted: readonly string[]): Promise<void> {
  const folders = new Set<string>();
  for (const full of deleted)
    for (let folder = dirname(full); folder.startsWith(base + sep); folder = dirname(folder))
      folders.add(folder);
  // Deepest first, so a parent is tried after its children.
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    if ((await readdir(folder).catch(() => ["?"])).length === 0) await rmdir(folder);
  }
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
