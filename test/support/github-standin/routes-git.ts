/** The Git database API: refs, commits, trees, blobs — all backed by real git plumbing. */
import type { ObjectType, PersonIdent } from "./git.js";
import { isSafeRev, SHA_RE, ZERO_SHA } from "./git.js";
import {
  base64Lines,
  bodyObject,
  HttpError,
  isRecord,
  notFound,
  ok,
  type RequestContext,
  type Route,
  repoRoute,
  unprocessable,
} from "./http.js";
import { gitCommitJson } from "./routes-repo.js";

function urls(ctx: RequestContext) {
  const o = ctx.state.options;
  return { api: `${ctx.apiBase}/repos/${o.owner}/${o.repo}`, web: `${ctx.webBase}/${o.owner}/${o.repo}` };
}

function refJson(ctx: RequestContext, ref: string, sha: string, type: ObjectType) {
  const { api } = urls(ctx);
  const objectUrl = type === "tag" ? `${api}/git/tags/${sha}` : `${api}/git/${type}s/${sha}`;
  return {
    ref,
    node_id: `REF_${Buffer.from(ref).toString("base64url")}`,
    url: `${api}/git/${ref}`,
    object: { sha, type, url: objectUrl },
  };
}

/** "heads/main" (from the URL) → "refs/heads/main", or null when it is not a sane ref name. */
function fullRef(name: string): string | null {
  const ref = name.startsWith("refs/") ? name : `refs/${name}`;
  return isSafeRev(ref) && !ref.endsWith("/") ? ref : null;
}

async function readRef(ctx: RequestContext, ref: string) {
  const refs = await ctx.state.git.listRefs(ref);
  return refs.find((r) => r.ref === ref) ?? null;
}

function requireString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== "string") throw unprocessable(`Invalid request.\n\n"${key}" wasn't supplied.`);
  return v;
}

// ---------------------------------------------------------------------------------------------- refs

async function getRef(ctx: RequestContext, name: string, legacyPrefix: boolean) {
  const ref = fullRef(name);
  if (!ref) throw notFound();
  const refs = await ctx.state.git.listRefs(ref);
  const exact = refs.find((r) => r.ref === ref);
  if (exact) return ok(refJson(ctx, exact.ref, exact.sha, exact.type));
  if (legacyPrefix) {
    // Old `GET /git/refs/:prefix` behaviour: an array of the refs under that prefix.
    const under = refs.filter((r) => r.ref.startsWith(`${ref}/`));
    if (under.length > 0) return ok(under.map((r) => refJson(ctx, r.ref, r.sha, r.type)));
  }
  throw notFound();
}

async function updateRef(ctx: RequestContext, name: string) {
  const body = bodyObject(ctx);
  const ref = fullRef(name);
  if (!ref) throw unprocessable("Reference does not exist");
  const sha = requireString(body, "sha");
  const force = body.force === true;
  const git = ctx.state.git;
  return ctx.state.writeLock.run(async () => {
    if (!SHA_RE.test(sha)) throw unprocessable("Object does not exist");
    const type = await git.typeOf(sha);
    if (!type) throw unprocessable("Object does not exist");
    if (ref.startsWith("refs/heads/") && type !== "commit") throw unprocessable("Object is not a commit");
    // Compare-and-swap; retried when someone else (a test's `git push`) moved the ref under us.
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await readRef(ctx, ref);
      if (!current) throw unprocessable("Reference does not exist");
      if (!force && current.sha !== sha) {
        const ff = current.type === "commit" && type === "commit" && (await git.isAncestor(current.sha, sha));
        if (!ff) throw unprocessable("Update is not a fast forward");
      }
      if (
        await git.updateRef(ref, sha, current.sha, `github-standin: PATCH ${ref}${force ? " (force)" : ""}`)
      ) {
        return ok(refJson(ctx, ref, sha, type));
      }
    }
    throw unprocessable("Update is not a fast forward");
  });
}

async function createRef(ctx: RequestContext) {
  const body = bodyObject(ctx);
  const ref = requireString(body, "ref");
  const sha = requireString(body, "sha");
  const git = ctx.state.git;
  if (
    !ref.startsWith("refs/") ||
    ref.split("/").length < 3 ||
    !isSafeRev(ref) ||
    !(await git.checkRefFormat(ref))
  ) {
    throw unprocessable("Reference name is not valid");
  }
  return ctx.state.writeLock.run(async () => {
    if (!SHA_RE.test(sha)) throw unprocessable("Object does not exist");
    const type = await git.typeOf(sha);
    if (!type) throw unprocessable("Object does not exist");
    if (ref.startsWith("refs/heads/") && type !== "commit") throw unprocessable("Object is not a commit");
    // Refuse D/F conflicts (refs/heads/a vs refs/heads/a/b) like git does.
    if (!(await git.updateRef(ref, sha, ZERO_SHA, `github-standin: POST ${ref}`))) {
      throw unprocessable("Reference already exists");
    }
    return ok(refJson(ctx, ref, sha, type), 201);
  });
}

async function deleteRef(ctx: RequestContext, name: string) {
  const ref = fullRef(name);
  if (!ref) throw unprocessable("Reference does not exist");
  return ctx.state.writeLock.run(async () => {
    const current = await readRef(ctx, ref);
    if (!current || !(await ctx.state.git.deleteRef(ref, current.sha)))
      throw unprocessable("Reference does not exist");
    return { status: 204 };
  });
}

// ------------------------------------------------------------------------------------------- commits

function toGitDate(value: unknown, fallback: Date): string {
  if (value === undefined || value === null) return `${Math.floor(fallback.getTime() / 1000)} +0000`;
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) {
    throw unprocessable(`Invalid request.\n\n${JSON.stringify(value)} is not a valid date-time.`);
  }
  return `${Math.floor(Date.parse(value) / 1000)} +0000`;
}

function ident(
  value: unknown,
  key: string,
  fallback: { name: string; email: string },
  now: Date,
): PersonIdent {
  if (value === undefined || value === null) return { ...fallback, date: toGitDate(undefined, now) };
  if (!isRecord(value) || typeof value.name !== "string" || typeof value.email !== "string") {
    throw unprocessable(`Invalid request.\n\n"name", "email" weren't supplied for "${key}".`);
  }
  if (/[<>\n]/.test(value.name) || /[<>\n]/.test(value.email)) throw unprocessable(`Invalid ${key}`);
  return { name: value.name, email: value.email, date: toGitDate(value.date, now) };
}

async function createCommit(ctx: RequestContext) {
  const body = bodyObject(ctx);
  const message = requireString(body, "message");
  const tree = requireString(body, "tree");
  const parentsRaw = body.parents ?? [];
  if (!Array.isArray(parentsRaw) || parentsRaw.some((p) => typeof p !== "string")) {
    throw unprocessable('Invalid request.\n\nFor "parents", must be an array of strings.');
  }
  const parents = parentsRaw as string[];
  const git = ctx.state.git;
  const checks = await git.batchCheck([tree, ...parents].map((s) => (SHA_RE.test(s) ? s : ZERO_SHA)));
  if (checks[0]?.type !== "tree") throw unprocessable("Tree SHA does not exist");
  if (checks.slice(1).some((c) => c.type !== "commit")) {
    throw unprocessable("Parent SHA does not exist or is not a commit object");
  }
  const o = ctx.state.options;
  const bot = { name: `${o.appSlug}[bot]`, email: `${o.appId}+${o.appSlug}[bot]@users.noreply.github.com` };
  const now = new Date();
  const author = ident(body.author, "author", bot, now);
  // Like GitHub: the committer defaults to the author.
  const committer =
    body.committer === undefined || body.committer === null
      ? author
      : ident(body.committer, "committer", bot, now);
  const sha = await git.commitTree(tree, parents, message, author, committer);
  const c = await git.readCommit(sha);
  if (!c) throw new HttpError(500, "commit vanished");
  return ok(gitCommitJson(ctx, c), 201);
}

// --------------------------------------------------------------------------------------------- trees

const MODES: Record<string, ObjectType> = {
  "100644": "blob",
  "100755": "blob",
  "120000": "blob",
  "040000": "tree",
  "160000": "commit",
};

function treeEntriesJson(
  ctx: RequestContext,
  entries: Awaited<ReturnType<RequestContext["state"]["git"]["lsTree"]>>,
) {
  const { api } = urls(ctx);
  return entries.map((e) => {
    const j: Record<string, unknown> = { path: e.path, mode: e.mode, type: e.type, sha: e.sha };
    if (e.type === "blob") j.size = e.size ?? 0;
    if (e.type !== "commit") j.url = `${api}/git/${e.type}s/${e.sha}`;
    return j;
  });
}

async function getTree(ctx: RequestContext, treeish: string) {
  const git = ctx.state.git;
  const sha = await git.resolve(treeish, "tree");
  if (!sha) throw notFound();
  // Like GitHub: *any* value of `recursive` (even "0" or "false") turns recursion on.
  const recursive = ctx.query.has("recursive");
  const entries = await git.lsTree(sha, { recursive, trees: true });
  const { api } = urls(ctx);
  return ok({ sha, url: `${api}/git/trees/${sha}`, tree: treeEntriesJson(ctx, entries), truncated: false });
}

function checkPath(path: unknown, i: number): string {
  if (typeof path !== "string" || path.length === 0) {
    throw unprocessable(`Invalid request.\n\n"path" wasn't supplied for tree entry ${i}.`);
  }
  const segs = path.split("/");
  if (
    /\0/.test(path) ||
    segs.some((s) => s === "" || s === "." || s === ".." || s.toLowerCase() === ".git")
  ) {
    throw unprocessable(`tree.path contains a malformed path component`, [
      { resource: "Tree", field: "path", code: "invalid", value: path },
    ]);
  }
  return path;
}

type Op =
  | { kind: "delete"; path: string }
  | { kind: "set"; path: string; mode: string; sha: string }
  | { kind: "content"; path: string; mode: string; content: string }
  | { kind: "subtree"; path: string; sha: string };

async function createTree(ctx: RequestContext) {
  const body = bodyObject(ctx);
  const git = ctx.state.git;
  const items = body.tree;
  if (!Array.isArray(items)) throw unprocessable(`Invalid request.\n\n"tree" wasn't supplied.`);
  ctx.record.entryCount = items.length;
  const max = ctx.state.options.maxTreeEntries;
  if (items.length > max) {
    throw unprocessable(
      `Invalid request.\n\nA tree may contain at most ${max} entries per request; ${items.length} were supplied.`,
    );
  }

  // Base tree.
  let base: string | null = null;
  if (body.base_tree !== undefined && body.base_tree !== null) {
    if (typeof body.base_tree !== "string" || !SHA_RE.test(body.base_tree))
      throw unprocessable("base_tree is not a valid tree oid");
    if ((await git.typeOf(body.base_tree)) !== "tree")
      throw unprocessable("base_tree is not a valid tree oid");
    base = body.base_tree;
  }

  // Validate the entries and turn them into operations.
  const ops: Op[] = [];
  for (const [i, item] of items.entries()) {
    if (!isRecord(item)) throw unprocessable(`Invalid request.\n\nTree entry ${i} is not an object.`);
    const path = checkPath(item.path, i);
    const mode = item.mode;
    const type = item.type;
    if (typeof mode !== "string" || !(mode in MODES))
      throw unprocessable(`Invalid tree info: mode ${JSON.stringify(mode)} at ${path}`);
    if (type !== undefined && type !== MODES[mode])
      throw unprocessable(
        `Invalid tree info: type ${JSON.stringify(type)} does not match mode ${mode} at ${path}`,
      );
    const hasContent = item.content !== undefined && item.content !== null;
    const hasSha = "sha" in item;
    if (hasContent && hasSha && item.sha !== null) {
      throw unprocessable(
        "Must supply either tree.sha or tree.content. Request will be rejected if both are present.",
      );
    }
    if (hasSha && item.sha === null) {
      if (hasContent)
        throw unprocessable(
          "Must supply either tree.sha or tree.content. Request will be rejected if both are present.",
        );
      ops.push({ kind: "delete", path });
    } else if (hasContent) {
      if (typeof item.content !== "string")
        throw unprocessable(`Invalid request.\n\n"content" must be a string at ${path}.`);
      if (MODES[mode] !== "blob")
        throw unprocessable(`Invalid tree info: content given for a ${MODES[mode]} at ${path}`);
      ops.push({ kind: "content", path, mode, content: item.content });
    } else if (typeof item.sha === "string") {
      if (!SHA_RE.test(item.sha))
        throw unprocessable(`Invalid tree info: sha ${JSON.stringify(item.sha)} at ${path}`);
      if (MODES[mode] === "tree") ops.push({ kind: "subtree", path, sha: item.sha });
      else ops.push({ kind: "set", path, mode, sha: item.sha });
    } else {
      throw unprocessable(
        "Must supply either tree.sha or tree.content. Request will be rejected if both are present.",
      );
    }
  }

  // Objects referenced by sha must exist with the right type (gitlinks excepted).
  const mustExist: Array<{ sha: string; type: ObjectType; path: string }> = [];
  for (const op of ops) {
    if (op.kind === "subtree") mustExist.push({ sha: op.sha, type: "tree", path: op.path });
    else if (op.kind === "set" && MODES[op.mode] === "blob")
      mustExist.push({ sha: op.sha, type: "blob", path: op.path });
  }
  const found = await git.batchCheck(mustExist.map((m) => m.sha));
  for (const [i, m] of mustExist.entries()) {
    if (found[i]?.type !== m.type) {
      throw unprocessable("GitRPC::BadObjectState", [
        { resource: "Tree", field: "sha", code: "invalid", value: m.sha, path: m.path },
      ]);
    }
  }

  // New blobs, written in one hash-object run.
  const contentOps = ops.filter((op): op is Extract<Op, { kind: "content" }> => op.kind === "content");
  const blobShas = await git.writeBlobs(contentOps.map((op) => op.content));
  const blobFor = new Map<Op, string>(contentOps.map((op, i) => [op, blobShas[i] as string]));

  // Apply the operations, in order, to the base's file list (files and gitlinks; trees are implied).
  const files = new Map<string, { mode: string; sha: string }>();
  const dirCount = new Map<string, number>();
  const addFile = (path: string, v: { mode: string; sha: string }) => {
    if (!files.has(path)) {
      for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) {
        const d = path.slice(0, i);
        dirCount.set(d, (dirCount.get(d) ?? 0) + 1);
      }
    }
    files.set(path, v);
  };
  const removeFile = (path: string) => {
    if (!files.delete(path)) return false;
    for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) {
      const d = path.slice(0, i);
      const n = (dirCount.get(d) ?? 1) - 1;
      if (n === 0) dirCount.delete(d);
      else dirCount.set(d, n);
    }
    return true;
  };
  const removeUnder = (dir: string) => {
    if (!dirCount.has(dir)) return false;
    const prefix = `${dir}/`;
    for (const p of [...files.keys()]) if (p.startsWith(prefix)) removeFile(p);
    return true;
  };
  /** Make room for a new entry at `path`: drop what is there and any file standing where a parent dir must be. */
  const clear = (path: string) => {
    removeFile(path);
    removeUnder(path);
    for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) removeFile(path.slice(0, i));
  };

  const baseFiles = base ? await git.lsTree(base, { recursive: true }) : [];
  for (const e of baseFiles) addFile(e.path, { mode: e.mode, sha: e.sha });
  const baseMap = new Map(baseFiles.map((e) => [e.path, `${e.mode} ${e.sha}`]));

  for (const op of ops) {
    if (op.kind === "delete") {
      const removed = removeFile(op.path) || removeUnder(op.path);
      if (!removed) {
        throw unprocessable("GitRPC::BadObjectState", [
          { resource: "Tree", field: "path", code: "missing", value: op.path },
        ]);
      }
    } else if (op.kind === "subtree") {
      clear(op.path);
      for (const e of await git.lsTree(op.sha, { recursive: true }))
        addFile(`${op.path}/${e.path}`, { mode: e.mode, sha: e.sha });
    } else {
      clear(op.path);
      addFile(op.path, { mode: op.mode, sha: op.kind === "content" ? (blobFor.get(op) as string) : op.sha });
    }
  }

  // Index-info lines: removals first (so file↔directory swaps never conflict), then additions.
  const removals: string[] = [];
  const additions: string[] = [];
  for (const path of baseMap.keys()) if (!files.has(path)) removals.push(`0 ${ZERO_SHA}\t${path}`);
  for (const [path, v] of files) {
    const line = `${v.mode} ${v.sha}`;
    if (baseMap.get(path) !== line) additions.push(`${line}\t${path}`);
  }
  const sha = await git.buildTree(base, [...removals, ...additions]);
  const { api } = urls(ctx);
  const top = await git.lsTree(sha);
  return ok({ sha, url: `${api}/git/trees/${sha}`, tree: treeEntriesJson(ctx, top), truncated: false }, 201);
}

// --------------------------------------------------------------------------------------------- blobs

async function getBlob(ctx: RequestContext, sha: string) {
  const [r] = await ctx.state.git.catFileBatch([sha]);
  if (!r) throw notFound();
  if (r.type !== "blob") throw unprocessable("Object is not a blob");
  const { api } = urls(ctx);
  return ok({
    sha: r.sha,
    node_id: `B_${r.sha}`,
    size: r.size,
    url: `${api}/git/blobs/${r.sha}`,
    content: base64Lines(r.content),
    encoding: "base64",
  });
}

async function createBlob(ctx: RequestContext) {
  const body = bodyObject(ctx);
  const content = requireString(body, "content");
  const encoding = body.encoding ?? "utf-8";
  let bytes: Buffer;
  if (encoding === "utf-8" || encoding === "utf8") bytes = Buffer.from(content, "utf8");
  else if (encoding === "base64") bytes = Buffer.from(content, "base64");
  else throw unprocessable(`Invalid request.\n\nencoding must be "utf-8" or "base64".`);
  const sha = await ctx.state.git.writeBlob(bytes);
  const { api } = urls(ctx);
  return ok({ sha, url: `${api}/git/blobs/${sha}` }, 201);
}

export const gitRoutes: Route[] = [
  repoRoute("GET", "/git/ref/(.+)", (ctx, [name]) => getRef(ctx, name as string, false)),
  repoRoute("GET", "/git/refs/(.+)", (ctx, [name]) => getRef(ctx, name as string, true)),
  repoRoute("GET", "/git/refs", async (ctx) => {
    const refs = await ctx.state.git.listRefs();
    return ok(refs.map((r) => refJson(ctx, r.ref, r.sha, r.type)));
  }),
  repoRoute("GET", "/git/matching-refs/(.*)", async (ctx, [name]) => {
    const prefix = `refs/${name ?? ""}`;
    const refs = await ctx.state.git.listRefs();
    return ok(refs.filter((r) => r.ref.startsWith(prefix)).map((r) => refJson(ctx, r.ref, r.sha, r.type)));
  }),
  repoRoute("POST", "/git/refs", (ctx) => createRef(ctx)),
  repoRoute("PATCH", "/git/refs/(.+)", (ctx, [name]) => updateRef(ctx, name as string)),
  repoRoute("DELETE", "/git/refs/(.+)", (ctx, [name]) => deleteRef(ctx, name as string)),

  repoRoute("GET", "/git/commits/([^/]+)", async (ctx, [sha]) => {
    if (!SHA_RE.test(sha as string)) throw notFound();
    const c = await ctx.state.git.readCommit(sha as string);
    if (!c) throw notFound();
    return ok(gitCommitJson(ctx, c));
  }),
  repoRoute("POST", "/git/commits", (ctx) => createCommit(ctx)),

  repoRoute("GET", "/git/trees/(.+)", (ctx, [treeish]) => getTree(ctx, treeish as string)),
  repoRoute("POST", "/git/trees", (ctx) => createTree(ctx)),

  repoRoute("GET", "/git/blobs/([^/]+)", async (ctx, [sha]) => {
    if (!SHA_RE.test(sha as string)) throw notFound();
    return getBlob(ctx, sha as string);
  }),
  repoRoute("POST", "/git/blobs", (ctx) => createBlob(ctx)),
];
