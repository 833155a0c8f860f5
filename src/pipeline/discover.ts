/**
 * Discover step: which folders of a tree are fabric inboxes, and which files wait in them.
 * Pure: it sees only paths, so the shells can decide what to download before anything is read.
 */
import picomatch from "picomatch";
import { isLegacyUnmanagedPath } from "./paths.js";
import type { RawFile, RootInput } from "./types.js";

/** Default glob for inbox folders: any `raw/` under `gitops/`; the root is its parent. */
export const DEFAULT_ROOT_GLOBS: readonly string[] = ["gitops/**/raw"];

export const GITKEEP = ".gitkeep";

/** Folders the app writes inside a root; an inbox found below one of them is the app's own output. */
const APP_FOLDERS = new Set(["managed", "unmanaged", "archive"]);

export interface DiscoveredRoot {
  root: string;
  /** YAML files waiting in raw/ (any depth), sorted. */
  rawPaths: string[];
  /** Other files in raw/ we leave alone (not .yaml/.yml), except .gitkeep. */
  ignoredPaths: string[];
  hasGitkeep: boolean;
}

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * Groups tree paths into fabric roots. The shortest matching ancestor folder wins.
 * A submodule (gitlink) in raw/ is a raw entry whatever its name, so the pipeline can say what it is.
 */
export function discoverRoots(
  paths: Iterable<string>,
  globs: readonly string[] = DEFAULT_ROOT_GLOBS,
  isSubmodule: (path: string) => boolean = () => false,
): DiscoveredRoot[] {
  const isInbox = picomatch(globs as string[], { dot: false });
  const candidates: { path: string; inbox: string }[] = [];
  // Folders that hold app output (`<folder>/managed/…`): a root even when its raw/ is gone.
  const withOutput = new Set<string>();
  for (const path of paths) {
    const inbox = inboxOf(path, isInbox);
    if (inbox) {
      candidates.push({ path, inbox });
      continue;
    }
    const segments = path.split("/");
    segments.forEach((segment, i) => {
      if (i > 0 && (segment === "managed" || segment === "unmanaged"))
        withOutput.add(segments.slice(0, i).join("/"));
    });
  }
  // Only a real root's own output is skipped: `gitops/archive/raw/` is a fabric of its own unless
  // `gitops/` is a root (its raw/ exists, or it has managed/ output), whose archive folder it then is.
  const inboxes = new Set(candidates.map((c) => c.inbox));
  const isRoot = (folder: string) =>
    inboxes.has(`${folder}/raw`) || (withOutput.has(folder) && isInbox(`${folder}/raw`));
  const roots = new Map<string, DiscoveredRoot>();
  for (const { path, inbox } of candidates) {
    if (insideAppFolder(inbox, isRoot)) continue;
    const root = inbox.slice(0, inbox.lastIndexOf("/"));
    let entry = roots.get(root);
    if (!entry) {
      entry = { root, rawPaths: [], ignoredPaths: [], hasGitkeep: false };
      roots.set(root, entry);
    }
    const inside = path.slice(inbox.length + 1);
    if (inside === GITKEEP) entry.hasGitkeep = true;
    else if (isYamlPath(path) || isSubmodule(path)) entry.rawPaths.push(path);
    else entry.ignoredPaths.push(path);
  }
  const result = [...roots.values()].sort((a, b) => compare(a.root, b.root));
  for (const r of result) {
    r.rawPaths.sort(compare);
    r.ignoredPaths.sort(compare);
  }
  return result;
}

/** The shortest ancestor folder named raw/ that the globs accept. */
function inboxOf(path: string, isInbox: (p: string) => boolean): string | undefined {
  const segments = path.split("/");
  for (let i = 1; i < segments.length - 1; i++) {
    if (segments[i] !== "raw") continue;
    const folder = segments.slice(0, i + 1).join("/");
    if (isInbox(folder)) return folder;
  }
  return undefined;
}

/** Whether an inbox lies below `<root>/managed|unmanaged|archive/` of a root whose own inbox exists. */
function insideAppFolder(inbox: string, isRoot: (folder: string) => boolean): boolean {
  const segments = inbox.split("/");
  for (let i = 1; i < segments.length - 1; i++) {
    if (APP_FOLDERS.has(segments[i] ?? "") && isRoot(segments.slice(0, i).join("/"))) return true;
  }
  return false;
}

/** Byte-order comparison, so results never depend on the machine's locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Pairs each discovered root with its raw files, which the shell has read. */
export function rootInputs(
  discovered: readonly DiscoveredRoot[],
  rawFile: (path: string) => RawFile,
): RootInput[] {
  return discovered.map((d) => ({
    root: d.root,
    hasGitkeep: d.hasGitkeep,
    ignored: d.ignoredPaths,
    raw: d.rawPaths.map(rawFile),
  }));
}

/** Whether a path is app output (managed/ or unmanaged/) of one of the roots: the planner's "current" files. */
export function isCurrentFile(discovered: readonly DiscoveredRoot[], path: string): boolean {
  return discovered.some(
    (d) => path.startsWith(`${d.root}/managed/`) || path.startsWith(`${d.root}/unmanaged/`),
  );
}

/** Whether a path is an old-layout unmanaged file of one of the roots: the shell passes its bytes (legacyUnmanaged). */
export function isLegacyUnmanagedFile(discovered: readonly DiscoveredRoot[], path: string): boolean {
  return discovered.some((d) => isLegacyUnmanagedPath(d.root, path));
}
