/**
 * A thin wrapper around the `git` binary for one bare repository. Every object the stand-in
 * creates or reads goes through real git plumbing (hash-object, cat-file, read-tree,
 * update-index, write-tree, commit-tree, update-ref), so what the app builds through the API
 * is exactly what git would build.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const ZERO_SHA = "0000000000000000000000000000000000000000";
export const EMPTY_TREE_SHA = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
export const SHA_RE = /^[0-9a-f]{40}$/;

export type ObjectType = "blob" | "tree" | "commit" | "tag";

export class GitError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "GitError";
  }
}

export interface RunOptions {
  /** Bytes written to git's stdin. */
  input?: string | Uint8Array;
  /** Extra environment (e.g. GIT_INDEX_FILE, GIT_AUTHOR_*). */
  env?: Record<string, string>;
  /** Exit codes that are not errors (the result carries the code). */
  okCodes?: readonly number[];
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

export interface TreeEntry {
  mode: string;
  type: ObjectType;
  sha: string;
  /** Blob size in bytes (absent for trees and gitlinks). */
  size?: number;
  path: string;
}

export interface CatFileResult {
  /** The name as asked (oid or `rev:path` expression). */
  name: string;
  sha: string;
  type: ObjectType;
  size: number;
  content: Buffer;
}

export interface PersonIdent {
  name: string;
  email: string;
  /** ISO 8601, UTC ("Z") when read; any format git accepts (e.g. "<epoch> +0000") when writing. */
  date: string;
}

export interface ParsedCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: PersonIdent;
  committer: PersonIdent;
  message: string;
}

/** Environment for every git call: no system/global config, no prompts, C locale, no inherited GIT_* vars. */
function baseEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("GIT_")) env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: join(home, ".gitconfig"),
    GIT_TERMINAL_PROMPT: "0",
    LC_ALL: "C",
    LANG: "C",
  };
}

export class GitRepo {
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    /** Path of the bare repository (its git dir). */
    readonly gitDir: string,
    /** Scratch directory: HOME for git, temporary index files, temporary blob files. */
    readonly scratchDir: string,
  ) {
    this.env = { ...baseEnv(join(scratchDir, "home")), GIT_DIR: gitDir };
  }

  static async init(gitDir: string, scratchDir: string, defaultBranch: string): Promise<GitRepo> {
    await mkdir(join(scratchDir, "home"), { recursive: true });
    await writeFile(
      join(scratchDir, "home", ".gitconfig"),
      "[user]\n\tname = GitHub Stand-in\n\temail = standin@example.invalid\n",
    );
    const repo = new GitRepo(gitDir, scratchDir);
    await run(["init", "--bare", "--quiet", `--initial-branch=${defaultBranch}`, gitDir], {
      env: baseEnv(join(scratchDir, "home")),
    });
    // Make the bare repo accept pushes from clones made by tests, and keep it strict.
    await repo.git(["config", "receive.fsckObjects", "true"]);
    await repo.git(["config", "core.logAllRefUpdates", "true"]);
    return repo;
  }

  /** Run git in this repository. Throws GitError on a non-zero exit (unless listed in okCodes). */
  git(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return run(args, { ...options, env: { ...this.env, ...options.env } as Record<string, string> });
  }

  async text(args: readonly string[], options: RunOptions = {}): Promise<string> {
    return (await this.git(args, options)).stdout.toString("utf8");
  }

  /** Resolve a revision expression to a sha of the given peeled type, or null. */
  async resolve(rev: string, peel?: ObjectType): Promise<string | null> {
    if (!isSafeRev(rev)) return null;
    const spec = peel ? `${rev}^{${peel}}` : rev;
    const r = await this.git(["rev-parse", "--verify", "--quiet", "--end-of-options", spec], {
      okCodes: [1, 128],
    });
    if (r.code !== 0) return null;
    const sha = r.stdout.toString("utf8").trim();
    return SHA_RE.test(sha) ? sha : null;
  }

  /** Type of an object, or null when it does not exist. */
  async typeOf(sha: string): Promise<ObjectType | null> {
    const [r] = await this.batchCheck([sha]);
    return r?.type ?? null;
  }

  /** `git cat-file --batch-check` for many names at once; missing ones come back with type null. */
  async batchCheck(
    names: readonly string[],
  ): Promise<Array<{ name: string; sha: string | null; type: ObjectType | null; size: number }>> {
    if (names.length === 0) return [];
    for (const n of names) if (/[\n\r]/.test(n)) throw new Error("object name contains a newline");
    const out = await this.text(["cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)"], {
      input: `${names.join("\n")}\n`,
    });
    const lines = out.split("\n");
    return names.map((name, i) => {
      const line = lines[i] ?? "";
      const m = /^([0-9a-f]{40}) (blob|tree|commit|tag) (\d+)$/.exec(line);
      if (!m) return { name, sha: null, type: null, size: 0 };
      return { name, sha: m[1] ?? null, type: m[2] as ObjectType, size: Number(m[3]) };
    });
  }

  /** `git cat-file --batch`: contents of many objects (oids or `rev:path` expressions) in one process. */
  async catFileBatch(names: readonly string[]): Promise<Array<CatFileResult | null>> {
    if (names.length === 0) return [];
    for (const n of names) if (/[\n\r]/.test(n)) throw new Error("object name contains a newline");
    const { stdout } = await this.git(["cat-file", "--batch"], { input: `${names.join("\n")}\n` });
    const results: Array<CatFileResult | null> = [];
    let pos = 0;
    for (const name of names) {
      const nl = stdout.indexOf(0x0a, pos);
      if (nl < 0) throw new Error("truncated cat-file --batch output");
      const header = stdout.subarray(pos, nl).toString("utf8");
      pos = nl + 1;
      const m = /^([0-9a-f]{40}) (blob|tree|commit|tag) (\d+)$/.exec(header);
      if (!m) {
        // "<name> missing" / "<name> ambiguous": no content follows.
        results.push(null);
        continue;
      }
      const size = Number(m[3]);
      const content = Buffer.from(stdout.subarray(pos, pos + size));
      pos += size + 1; // content is followed by a LF
      results.push({ name, sha: m[1] as string, type: m[2] as ObjectType, size, content });
    }
    return results;
  }

  async readBlob(sha: string): Promise<Buffer | null> {
    const [r] = await this.catFileBatch([sha]);
    return r && r.type === "blob" ? r.content : null;
  }

  /** Write one blob (`git hash-object -w --stdin`). */
  async writeBlob(content: Uint8Array | string): Promise<string> {
    return (await this.text(["hash-object", "-w", "--no-filters", "--stdin"], { input: content })).trim();
  }

  /**
   * Write many blobs in one `git fast-import` run (one pack instead of thousands of loose objects:
   * ~20x faster for big tree requests). Returns their ids in order.
   */
  async writeBlobs(contents: readonly (Uint8Array | string)[]): Promise<string[]> {
    if (contents.length === 0) return [];
    if (contents.length === 1) return [await this.writeBlob(contents[0] as Uint8Array | string)];
    const marks = join(this.scratchDir, `marks-${randomBytes(8).toString("hex")}`);
    const parts: Buffer[] = [];
    contents.forEach((c, i) => {
      const bytes = typeof c === "string" ? Buffer.from(c, "utf8") : Buffer.from(c);
      parts.push(Buffer.from(`blob\nmark :${i + 1}\ndata ${bytes.length}\n`), bytes, Buffer.from("\n"));
    });
    parts.push(Buffer.from("done\n"));
    try {
      await this.git(["fast-import", "--quiet", "--done", `--export-marks=${marks}`], {
        input: Buffer.concat(parts),
      });
      const shas: string[] = new Array(contents.length);
      for (const line of (await readFile(marks, "utf8")).split("\n")) {
        const m = /^:(\d+) ([0-9a-f]{40})$/.exec(line);
        if (m) shas[Number(m[1]) - 1] = m[2] as string;
      }
      if (shas.some((s) => s === undefined) || shas.length !== contents.length) {
        throw new Error("fast-import did not report every blob");
      }
      return shas;
    } finally {
      await rm(marks, { force: true });
    }
  }

  /** `git ls-tree` of a tree-ish: recursive lists blobs, gitlinks and (with trees) the subtrees too. */
  async lsTree(treeish: string, opts: { recursive?: boolean; trees?: boolean } = {}): Promise<TreeEntry[]> {
    const args = ["ls-tree", "-z", "-l", "--full-tree"];
    if (opts.recursive) args.push("-r");
    if (opts.recursive && opts.trees) args.push("-t");
    args.push("--end-of-options", treeish);
    const out = await this.text(args);
    const entries: TreeEntry[] = [];
    for (const rec of out.split("\0")) {
      if (rec.length === 0) continue;
      const tab = rec.indexOf("\t");
      const [mode, type, sha, size] = rec.slice(0, tab).split(/ +/);
      const e: TreeEntry = {
        mode: mode as string,
        type: type as ObjectType,
        sha: sha as string,
        path: rec.slice(tab + 1),
      };
      if (size !== undefined && size !== "-") e.size = Number(size);
      entries.push(e);
    }
    return entries;
  }

  async readCommit(sha: string): Promise<ParsedCommit | null> {
    const [r] = await this.catFileBatch([sha]);
    if (r?.type !== "commit") return null;
    return parseCommit(r.sha, r.content);
  }

  /** Is `ancestor` reachable from `descendant` (or equal to it)? */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const r = await this.git(["merge-base", "--is-ancestor", ancestor, descendant], { okCodes: [1] });
    return r.code === 0;
  }

  /**
   * Compare-and-swap a ref: `git update-ref <ref> <new> <old>`. `old` = ZERO_SHA means "must not
   * exist"; null means unconditional. Returns false when the ref did not hold `old`.
   */
  async updateRef(
    ref: string,
    newSha: string,
    old: string | null,
    reason = "github-standin",
  ): Promise<boolean> {
    const args = ["update-ref", "-m", reason, ref, newSha];
    if (old !== null) args.push(old);
    const r = await this.git(args, { okCodes: [1, 128] });
    return r.code === 0;
  }

  async deleteRef(ref: string, old: string): Promise<boolean> {
    const r = await this.git(["update-ref", "-d", ref, old], { okCodes: [1, 128] });
    return r.code === 0;
  }

  /** All refs (optionally under a prefix) with their object ids and types. */
  async listRefs(prefix = "refs/"): Promise<Array<{ ref: string; sha: string; type: ObjectType }>> {
    const out = await this.text(["for-each-ref", "--format=%(refname) %(objectname) %(objecttype)", prefix]);
    return out
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => {
        const [ref, sha, type] = l.split(" ");
        return { ref: ref as string, sha: sha as string, type: type as ObjectType };
      });
  }

  async checkRefFormat(ref: string): Promise<boolean> {
    const r = await this.git(["check-ref-format", ref], { okCodes: [1] });
    return r.code === 0;
  }

  /**
   * Build a tree with a temporary index: read `base` (or start empty), apply the index-info lines
   * (`<mode> <sha>\t<path>`, mode 0 removes), and write-tree.
   */
  async buildTree(base: string | null, indexInfo: readonly string[]): Promise<string> {
    const indexFile = join(this.scratchDir, `index-${randomBytes(8).toString("hex")}`);
    const env = { GIT_INDEX_FILE: indexFile };
    try {
      if (base) await this.git(["read-tree", base], { env });
      else await this.git(["read-tree", "--empty"], { env });
      if (indexInfo.length > 0) {
        await this.git(["update-index", "-z", "--index-info"], {
          env,
          input: `${indexInfo.join("\0")}\0`,
        });
      }
      return (await this.text(["write-tree"], { env })).trim();
    } finally {
      await rm(indexFile, { force: true });
      await rm(`${indexFile}.lock`, { force: true });
    }
  }

  /** `git commit-tree` with explicit identities and dates. */
  async commitTree(
    tree: string,
    parents: readonly string[],
    message: string,
    author: PersonIdent,
    committer: PersonIdent,
  ): Promise<string> {
    const args = ["commit-tree", tree];
    for (const p of parents) args.push("-p", p);
    args.push("-F", "-");
    const out = await this.text(args, {
      input: message,
      env: {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_AUTHOR_DATE: author.date,
        GIT_COMMITTER_NAME: committer.name,
        GIT_COMMITTER_EMAIL: committer.email,
        GIT_COMMITTER_DATE: committer.date,
      },
    });
    return out.trim();
  }
}

/** Reject revision strings that could be taken as options or that contain control characters. */
export function isSafeRev(rev: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  return rev.length > 0 && !rev.startsWith("-") && !/[\x00-\x1f\x7f]/.test(rev);
}

function parseIdent(line: string): PersonIdent {
  const m = /^(.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!m) return { name: line, email: "", date: new Date(0).toISOString() };
  const date = new Date(Number(m[3]) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return { name: m[1] as string, email: m[2] as string, date };
}

export function parseCommit(sha: string, raw: Buffer): ParsedCommit {
  const text = raw.toString("utf8");
  const split = text.indexOf("\n\n");
  const header = split < 0 ? text : text.slice(0, split);
  const message = split < 0 ? "" : text.slice(split + 2);
  let tree = "";
  const parents: string[] = [];
  let author: PersonIdent = { name: "", email: "", date: "" };
  let committer: PersonIdent = { name: "", email: "", date: "" };
  for (const line of header.split("\n")) {
    const sp = line.indexOf(" ");
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === "tree") tree = value;
    else if (key === "parent") parents.push(value);
    else if (key === "author") author = parseIdent(value);
    else if (key === "committer") committer = parseIdent(value);
  }
  return { sha, tree, parents, author, committer, message };
}

function run(args: readonly string[], options: Omit<RunOptions, "env"> & { env?: NodeJS.ProcessEnv }) {
  return new Promise<RunResult>((resolve, reject) => {
    const child = execFile(
      "git",
      args as string[],
      { env: options.env, encoding: "buffer", maxBuffer: 1024 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        const stderrText = stderr.toString("utf8");
        if (code === 0 || (code !== null && options.okCodes?.includes(code))) {
          resolve({ stdout, stderr: stderrText, code: code ?? 0 });
          return;
        }
        reject(
          new GitError(
            `git ${args.join(" ")} failed (${code}): ${stderrText.trim()}`,
            args,
            code,
            stderrText,
          ),
        );
      },
    );
    child.stdin?.on("error", () => {
      // git may exit before reading all of stdin (e.g. on a bad argument); the exit code tells.
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
