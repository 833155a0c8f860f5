/**
 * What the CLI checks: a checkout (its inboxes, found by the root globs, with their managed/
 * trees), or loose YAML (files, folders without an inbox, standard input) checked together as the
 * raw/ of one virtual fabric root with an empty managed/ tree.
 */
import { readFile, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { CONFIG_FILE, type IngestConfig, parseConfig } from "../config.js";
import { type CheckoutEntry, listEntries, readCheckout } from "../local/checkout.js";
import { discoverRoots, isYamlPath } from "../pipeline/discover.js";
import type { IngestInput, IngestOptions, Report } from "../pipeline/types.js";
import { UsageError } from "./usage-error.js";

/** The virtual root of loose input; never shown (see displayReport). */
const LOOSE_ROOT = "(loose)";
const LOOSE_INBOX = `${LOOSE_ROOT}/raw/`;
/** How standard input is named in problems, as kubeconform names it. */
export const STDIN_NAME = "stdin";

export type Inputs =
  | { kind: "checkout"; base: string; input: IngestInput }
  | { kind: "loose"; input: IngestInput; names: string[] };

export interface InputOptions {
  rootGlobs?: string[];
  strict?: boolean;
  archive?: boolean;
  maxFileBytes?: number;
  commit?: string;
  /** Receives notices for stderr (an `_extends` that cannot be followed, loose input). */
  notice(message: string): void;
  stdin(): Promise<Uint8Array>;
}

export async function readInputs(paths: string[], options: InputOptions): Promise<Inputs> {
  const args = paths.length === 0 ? ["."] : paths;
  if (args.length === 1 && args[0] !== "-" && (await isDirectory(args[0] as string))) {
    const base = resolve(args[0] as string);
    const config = await readLocalConfig(base, options.notice);
    const globs = options.rootGlobs ?? config.roots;
    const entries = await listEntries(base);
    const files = entries.map((e) => e.path);
    const hasInbox = discoverRoots(files, globs).length > 0;
    // A git work tree or a configured repository is a checkout even when no inbox matches (an error).
    const checkout =
      hasInbox ||
      options.rootGlobs !== undefined ||
      files.includes(`.github/${CONFIG_FILE}`) ||
      (await exists(join(base, ".git")));
    if (checkout) {
      if (!hasInbox) throw new UsageError(`no inbox under ${base} matches ${globs.join(", ")}`);
      return {
        kind: "checkout",
        base,
        input: await readCheckoutInput(base, entries, globs, config, options),
      };
    }
  }
  return readLoose(args, options);
}

async function readCheckoutInput(
  base: string,
  entries: readonly CheckoutEntry[],
  globs: string[],
  config: IngestConfig,
  options: InputOptions,
): Promise<IngestInput> {
  return readCheckout(base, {
    entries,
    roots: globs,
    strict: options.strict ?? config.strict,
    archive: options.archive ?? config.archive,
    maxFileBytes: options.maxFileBytes ?? config.maxFileBytes,
    sourceCommit: options.commit ?? (await headCommit(base)),
  });
}

async function readLoose(args: string[], options: InputOptions): Promise<Inputs> {
  const raw: { path: string; bytes: Uint8Array }[] = [];
  const names: string[] = [];
  for (const arg of args) {
    if (arg === "-") {
      raw.push({ path: `${LOOSE_INBOX}${STDIN_NAME}`, bytes: await options.stdin() });
      names.push(STDIN_NAME);
      continue;
    }
    const kind = await stat(arg).then(
      (s) => (s.isDirectory() ? "folder" : "file"),
      () => {
        throw new UsageError(`${arg}: no such file or folder`);
      },
    );
    const found =
      kind === "file" ? [arg] : (await regularFiles(arg)).filter(isYamlPath).map((f) => join(arg, f));
    if (found.length === 0) {
      throw new UsageError(
        `${arg}: no inbox matches ${(options.rootGlobs ?? parseConfig(undefined).config.roots).join(", ")} and no .yaml/.yml file is in it`,
      );
    }
    for (const file of found) {
      const name = displayName(file);
      raw.push({ path: `${LOOSE_INBOX}${name}`, bytes: await readFile(file) });
      names.push(name);
    }
  }
  const ingestOptions: IngestOptions = {
    ...(options.strict !== undefined ? { strict: options.strict } : {}),
    ...(options.archive !== undefined ? { archive: options.archive } : {}),
    ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
  };
  return {
    kind: "loose",
    names,
    input: {
      roots: [{ root: LOOSE_ROOT, hasGitkeep: true, raw }],
      current: new Map(),
      sourceCommit: options.commit ?? "local",
      options: ingestOptions,
    },
  };
}

/** The path as the user would recognise it: relative to the current folder when below it. */
function displayName(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  const name = rel.startsWith("..") ? resolve(file) : rel;
  return name.split(sep).join("/");
}

/** The report with loose input's paths as the user gave them (no virtual root). */
export function displayReport(report: Report): Report {
  const strip = (path: string) => (path.startsWith(LOOSE_INBOX) ? path.slice(LOOSE_INBOX.length) : path);
  return {
    ...report,
    roots: report.roots.map((r) => ({
      ...r,
      root: r.root === LOOSE_ROOT ? "(files)" : r.root,
      ignored: r.ignored.map(strip),
      files: r.files.map((f) => ({ ...f, path: strip(f.path) })),
    })),
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * The checkout's `.github/gitops-ingest.yml`. `_extends` (an organization-wide config in another
 * repository, which the app follows) cannot be followed offline: it is dropped with a notice.
 */
export async function readLocalConfig(
  base: string,
  notice: (message: string) => void,
): Promise<IngestConfig> {
  const file = join(".github", CONFIG_FILE);
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(join(base, file), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return parseConfig(undefined).config;
    throw new UsageError(`${file}: ${(error as Error).message.split("\n")[0]}`);
  }
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw) && "_extends" in raw) {
    const { _extends: extended, ...own } = raw as Record<string, unknown>;
    notice(
      `${file}: _extends: ${String(extended)} is not followed offline; checking with this file's own settings`,
    );
    raw = own;
  }
  const parsed = parseConfig(raw);
  if (parsed.errors.length > 0) throw new UsageError(parsed.errors.map((e) => `${file}: ${e}`).join("\n"));
  return parsed.config;
}

/** HEAD of the checkout when it is a git work tree (read from .git, no git binary needed). */
async function headCommit(base: string): Promise<string> {
  try {
    const head = (await readFile(join(base, ".git", "HEAD"), "utf8")).trim();
    if (!head.startsWith("ref: ")) return head;
    return (await readFile(join(base, ".git", head.slice(5)), "utf8")).trim();
  } catch {
    return "local";
  }
}

/** Regular files of a folder given as loose input: symlinks and nested repositories are never followed. */
async function regularFiles(dir: string): Promise<string[]> {
  return (await listEntries(dir))
    .filter((e) => e.mode === "100644" || e.mode === "100755")
    .map((e) => e.path);
}
