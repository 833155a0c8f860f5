/**
 * Discover step: which folders of a tree are fabric inboxes, and which files wait in them.
 * Pure: it sees only paths, so the shells can decide what to download before anything is read.
 */
import picomatch from "picomatch";
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
  const roots = new Map<string, DiscoveredRoot>();
  for (const path of paths) {
    const inbox = inboxOf(path, isInbox);
    if (!inbox) continue;
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

function inboxOf(path: string, isInbox: (p: string) => boolean): string | undefined {
  const segments = path.split("/");
  for (let i = 1; i < segments.length - 1; i++) {
    // Inside a root's own output (archive/<sha>/x/raw/…): archived files are never re-ingested.
    if (
      APP_FOLDERS.has(segments[i - 1] ?? "") &&
      i >= 2 &&
      isInbox(`${segments.slice(0, i - 1).join("/")}/raw`)
    ) {
      return undefined;
    }
    if (segments[i] !== "raw") continue;
    const folder = segments.slice(0, i + 1).join("/");
    if (isInbox(folder)) return folder;
  }
  return undefined;
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
