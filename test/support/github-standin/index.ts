/**
 * A stand-in for the parts of GitHub the app talks to (REST v3 + a little GraphQL), backed by a real
 * bare git repository; every git object is made and read by the `git` binary.
 *
 *   const gh = await startStandin({ owner: "acme", repo: "fabric" });
 *   await pushFiles(gh, "main", { "gitops/x/raw/a.yaml": "kind: VPC\n" }, "add a");
 *   // Probot: GHE_HOST=127.0.0.1:PORT (gh.url without "http://"), GHE_PROTOCOL=http → baseUrl gh.apiUrl
 *   ...
 *   expect(gh.requests.filter((r) => r.unhandled)).toEqual([]);
 *   await gh.close();
 *
 * Notes for users:
 * - REST is served under /api/v3 and at the root; GraphQL at /api/graphql and /graphql.
 * - App endpoints (/app, /app/installations/..., /repos/:o/:r/installation) need `Bearer <JWT>`
 *   (three base64url parts, JSON header and payload, numeric `exp`, `iss` = appId when appId was
 *   given; the signature is not checked). Everything else needs a token issued by
 *   POST /app/installations/:id/access_tokens (or one of `staticTokens`), as `token x` or `Bearer x`.
 * - Like GitHub: /git/* and /commits/* answer 409 "Git Repository is empty." until the repo has a
 *   ref; PATCH git/refs without force succeeds only for fast-forwards (422 "Update is not a fast
 *   forward"); `sha: null` for a path that does not exist in the tree → 422 "GitRPC::BadObjectState";
 *   base_tree must be a tree id (not a commit); > 50 annotations per check-run request → 422;
 *   GraphQL Blob.text is cut at `graphqlBlobTextLimit` (512 KiB) with isTruncated: true; blob and
 *   contents base64 is wrapped in 60-character lines.
 * - Recorded paths are percent-decoded (Octokit sends `git/refs/heads%2Fmain`); failNext and
 *   beforeNext match their regex against that decoded path, e.g. /\/git\/refs\/heads\/main$/.
 */
import { ZERO_SHA } from "./git.js";
import { internals } from "./server.js";
import type { Standin } from "./types.js";

export { type StandinRouter, startRouter } from "./router.js";
export { startStandin } from "./server.js";
export type {
  Annotation,
  CheckRunAction,
  CheckRunOutput,
  CheckRunRecord,
  FaultMatch,
  FaultResponse,
  RecordedRequest,
  RequestMatch,
  Standin,
  StandinOptions,
} from "./types.js";

function gitOf(standin: Standin) {
  const i = internals.get(standin);
  if (!i) throw new Error("not a stand-in started by startStandin()");
  return i.git;
}

export interface PushOptions {
  author?: { name: string; email: string };
  /** ISO 8601 date for author and committer (default: now). */
  date?: string;
  /**
   * Where a branch that does not exist yet starts: "default" (the default branch's head, when it
   * exists — the default), or "orphan" (a root commit).
   */
  from?: "default" | "orphan";
}

/**
 * Commit `files` on top of `branch` with real git (temporary index + commit-tree + update-ref with
 * the old value, i.e. like an external `git push`: it does not take the stand-in's write lock, and
 * fails if the branch moved meanwhile). A `null` value deletes that file (or directory). A branch
 * that does not exist is created from the default branch's head, or as a root commit in an empty
 * repository. Returns the new commit's sha.
 */
export async function pushFiles(
  standin: Standin,
  branch: string,
  files: Record<string, string | Uint8Array | null>,
  message: string,
  options: PushOptions = {},
): Promise<string> {
  const git = gitOf(standin);
  const ref = `refs/heads/${branch}`;
  const head = await git.resolve(ref, "commit");
  let parent = head;
  if (!parent && options.from !== "orphan" && branch !== standin.defaultBranch) {
    parent = await git.resolve(`refs/heads/${standin.defaultBranch}`, "commit");
  }

  const current = new Map<string, { mode: string; sha: string }>();
  if (parent)
    for (const e of await git.lsTree(parent, { recursive: true }))
      current.set(e.path, { mode: e.mode, sha: e.sha });
  const removeAt = (path: string) => {
    current.delete(path);
    for (const p of [...current.keys()]) if (p.startsWith(`${path}/`)) current.delete(p);
  };
  const writes = Object.entries(files).filter((e): e is [string, string | Uint8Array] => e[1] !== null);
  const shas = await git.writeBlobs(writes.map(([, c]) => c));
  for (const [path, content] of Object.entries(files)) {
    if (
      path.startsWith("/") ||
      path.endsWith("/") ||
      path.split("/").some((s) => s === "" || s === "." || s === ".." || s === ".git")
    ) {
      throw new Error(`pushFiles: bad path ${JSON.stringify(path)}`);
    }
    removeAt(path);
    if (content === null) continue;
    for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) current.delete(path.slice(0, i));
    current.set(path, { mode: "100644", sha: shas[writes.findIndex(([p]) => p === path)] as string });
  }
  const tree = await git.buildTree(
    null,
    [...current].map(([path, v]) => `${v.mode} ${v.sha}\t${path}`),
  );
  const when = options.date ? Date.parse(options.date) : Date.now();
  const ident = {
    name: options.author?.name ?? "Test Author",
    email: options.author?.email ?? "author@example.com",
    date: `${Math.floor(when / 1000)} +0000`,
  };
  const sha = await git.commitTree(
    tree,
    parent ? [parent] : [],
    message.endsWith("\n") ? message : `${message}\n`,
    ident,
    ident,
  );
  if (!(await git.updateRef(ref, sha, head ?? ZERO_SHA, `push: ${message.split("\n")[0]}`))) {
    throw new Error(`pushFiles: ${ref} moved while committing (push rejected)`);
  }
  return sha;
}

/** Run git in the bare repository; resolves to stdout with trailing whitespace removed. */
export async function gitIn(standin: Standin, ...args: string[]): Promise<string> {
  return (await gitOf(standin).text(args)).trimEnd();
}

/** Run git in the bare repository with optional stdin; resolves to stdout's exact bytes. */
export async function gitRawIn(
  standin: Standin,
  args: string[],
  input?: string | Uint8Array,
): Promise<Buffer> {
  return (await gitOf(standin).git(args, input === undefined ? {} : { input })).stdout;
}
