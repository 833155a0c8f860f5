/** Repository, branches, contents and single-commit endpoints. */
import { repositoryObject } from "./auth.js";
import type { GitRepo, ParsedCommit, TreeEntry } from "./git.js";
import { isSafeRev } from "./git.js";
import { base64Lines, HttpError, notFound, ok, type RequestContext, type Route, repoRoute } from "./http.js";

function repoBase(ctx: RequestContext): { api: string; web: string } {
  const o = ctx.state.options;
  return { api: `${ctx.apiBase}/repos/${o.owner}/${o.repo}`, web: `${ctx.webBase}/${o.owner}/${o.repo}` };
}

/** The JSON GitHub returns for a git commit (as in `GET /git/commits/:sha`). */
export function gitCommitJson(ctx: RequestContext, c: ParsedCommit) {
  const { api, web } = repoBase(ctx);
  return {
    sha: c.sha,
    node_id: `C_${c.sha}`,
    url: `${api}/git/commits/${c.sha}`,
    html_url: `${web}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
    message: c.message,
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${api}/git/commits/${p}`,
      html_url: `${web}/commit/${p}`,
    })),
    verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

/** The JSON of a commit as the "repos" endpoints (branches, commits/:ref) give it. */
function repoCommitJson(ctx: RequestContext, c: ParsedCommit) {
  const { api, web } = repoBase(ctx);
  return {
    sha: c.sha,
    node_id: `C_${c.sha}`,
    commit: {
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      url: `${api}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: {
        verified: false,
        reason: "unsigned",
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    url: `${api}/commits/${c.sha}`,
    html_url: `${web}/commit/${c.sha}`,
    author: null,
    committer: null,
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${web}/commit/${p}` })),
  };
}

async function commitForRef(git: GitRepo, ref: string): Promise<ParsedCommit | null> {
  const sha = await git.resolve(ref, "commit");
  return sha ? git.readCommit(sha) : null;
}

function contentType(e: TreeEntry): "file" | "dir" | "symlink" | "submodule" {
  if (e.type === "tree") return "dir";
  if (e.type === "commit") return "submodule";
  if (e.mode === "120000") return "symlink";
  return "file";
}

function wantsRaw(ctx: RequestContext): boolean {
  const accept = ctx.headers.accept;
  const a = Array.isArray(accept) ? accept.join(",") : (accept ?? "");
  return /application\/vnd\.github(\.v3)?\.raw/.test(a);
}

async function contents(
  ctx: RequestContext,
  rawPath: string,
): Promise<{ status: number; body?: unknown; raw?: Buffer; headers?: Record<string, string> }> {
  const { git, options } = ctx.state;
  const ref = ctx.query.get("ref") || options.defaultBranch;
  const commit = await git.resolve(ref, "commit");
  if (!commit)
    throw new HttpError(404, `No commit found for the ref ${ref}`, {
      documentation_url: "https://docs.github.com/rest/repos/contents#get-repository-content",
    });
  const path = rawPath.replace(/^\/+|\/+$/g, "");
  if (/[\n\r\0]/.test(path) || path.split("/").some((s) => s === "." || s === "..")) throw notFound();
  const { api, web } = repoBase(ctx);
  const entryJson = (e: TreeEntry, fullPath: string) => {
    const type = contentType(e);
    const sizeOf = type === "file" || type === "symlink" ? (e.size ?? 0) : 0;
    const url = `${api}/contents/${fullPath}?ref=${encodeURIComponent(ref)}`;
    const gitUrl = type === "dir" ? `${api}/git/trees/${e.sha}` : `${api}/git/blobs/${e.sha}`;
    const htmlUrl = `${web}/${type === "dir" ? "tree" : "blob"}/${ref}/${fullPath}`;
    return {
      type,
      size: sizeOf,
      name: fullPath.split("/").pop() ?? fullPath,
      path: fullPath,
      sha: e.sha,
      url,
      git_url: gitUrl,
      html_url: htmlUrl,
      download_url: type === "file" ? `${web}/raw/${ref}/${fullPath}` : null,
      _links: { self: url, git: gitUrl, html: htmlUrl },
    };
  };
  const listDir = async (treeish: string, dirPath: string) => {
    const entries = await git.lsTree(treeish);
    return entries.map((e) => entryJson(e, dirPath ? `${dirPath}/${e.path}` : e.path));
  };
  if (path === "") return { status: 200, body: await listDir(commit, "") };
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "" : path.slice(0, slash);
  const name = slash < 0 ? path : path.slice(slash + 1);
  const [parent] = await git.batchCheck([`${commit}:${dir}`]);
  if (!parent?.sha || parent.type !== "tree") throw notFound();
  const entry = (await git.lsTree(parent.sha)).find((e) => e.path === name);
  if (!entry) throw notFound();
  if (entry.type === "tree") return { status: 200, body: await listDir(entry.sha, path) };
  const base = entryJson(entry, path);
  if (entry.type === "commit") return { status: 200, body: { ...base, submodule_git_url: null } };
  const bytes = await git.readBlob(entry.sha);
  if (!bytes) throw notFound();
  if (wantsRaw(ctx))
    return { status: 200, raw: bytes, headers: { "content-type": "text/plain; charset=utf-8" } };
  if (entry.mode === "120000") return { status: 200, body: { ...base, target: bytes.toString("utf8") } };
  return { status: 200, body: { ...base, content: base64Lines(bytes), encoding: "base64" } };
}

export const repoRoutes: Route[] = [
  repoRoute("GET", "", async (ctx) => ok(repositoryObject(ctx.state, ctx.apiBase, ctx.webBase))),

  repoRoute("GET", "/branches", async (ctx) => {
    const refs = await ctx.state.git.listRefs("refs/heads/");
    const { api } = repoBase(ctx);
    return ok(
      refs.map((r) => {
        const name = r.ref.slice("refs/heads/".length);
        return { name, commit: { sha: r.sha, url: `${api}/commits/${r.sha}` }, protected: false };
      }),
    );
  }),

  repoRoute("GET", "/branches/(.+)", async (ctx, [branch]) => {
    const name = branch as string;
    if (!isSafeRev(name))
      throw new HttpError(404, "Branch not found", {
        documentation_url: "https://docs.github.com/rest/branches/branches#get-a-branch",
      });
    const c = await commitForRef(ctx.state.git, `refs/heads/${name}`);
    if (!c)
      throw new HttpError(404, "Branch not found", {
        documentation_url: "https://docs.github.com/rest/branches/branches#get-a-branch",
      });
    const { api, web } = repoBase(ctx);
    return ok({
      name,
      commit: repoCommitJson(ctx, c),
      _links: { self: `${api}/branches/${name}`, html: `${web}/tree/${name}` },
      protected: false,
      protection: {
        enabled: false,
        required_status_checks: { enforcement_level: "off", contexts: [], checks: [] },
      },
      protection_url: `${api}/branches/${name}/protection`,
    });
  }),

  repoRoute("GET", "/contents", async (ctx) => contents(ctx, "")),
  repoRoute("GET", "/contents/(.*)", async (ctx, [path]) => contents(ctx, path ?? "")),

  // Compare two commits (`base...head`), with real git: status, counts and the commits head has on
  // top of base, oldest first (250 by default, `per_page`/`page` up to 100 per page when given).
  repoRoute("GET", "/compare/(.+)", async (ctx, [basehead]) => {
    const git = ctx.state.git;
    const m = /^(.+?)\.\.\.(.+)$/.exec(basehead as string);
    if (!m) throw notFound();
    const [base, head] = [await commitForRef(git, m[1] as string), await commitForRef(git, m[2] as string)];
    if (!base || !head) throw notFound();
    const aheadShas = (await git.text(["rev-list", "--reverse", "--topo-order", `${base.sha}..${head.sha}`]))
      .split("\n")
      .filter(Boolean);
    const behindBy = Number(await git.text(["rev-list", "--count", `${head.sha}..${base.sha}`]));
    const status =
      aheadShas.length === 0 && behindBy === 0
        ? "identical"
        : behindBy === 0
          ? "ahead"
          : aheadShas.length === 0
            ? "behind"
            : "diverged";
    const mergeBase = (await git.text(["merge-base", base.sha, head.sha]).catch(() => "")).trim();
    const paged = ctx.query.has("per_page") || ctx.query.has("page");
    const perPage = paged ? Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 30) || 30)) : 250;
    const pageNo = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
    const pageShas = aheadShas.slice((pageNo - 1) * perPage, pageNo * perPage);
    const commits = [];
    for (const sha of pageShas) {
      const c = await git.readCommit(sha);
      if (c) commits.push(repoCommitJson(ctx, c));
    }
    const headers: Record<string, string> = {};
    const last = Math.max(1, Math.ceil(aheadShas.length / perPage));
    if (paged && pageNo < last) {
      const q = new URLSearchParams(ctx.query);
      q.set("per_page", String(perPage));
      q.set("page", String(pageNo + 1));
      headers.link = `<${ctx.apiBase}${ctx.path}?${q.toString()}>; rel="next"`;
    }
    const mb = mergeBase ? await git.readCommit(mergeBase) : null;
    return ok(
      {
        url: `${repoBase(ctx).api}/compare/${basehead}`,
        status,
        ahead_by: aheadShas.length,
        behind_by: behindBy,
        total_commits: aheadShas.length,
        base_commit: repoCommitJson(ctx, base),
        merge_base_commit: mb ? repoCommitJson(ctx, mb) : null,
        commits,
        files: [],
      },
      200,
      headers,
    );
  }),

  // Single commit, with the files it changed against its first parent.
  repoRoute("GET", "/commits/([^/]+)", async (ctx, [ref]) => {
    const git = ctx.state.git;
    const c = await commitForRef(git, ref as string);
    if (!c)
      throw new HttpError(422, `No commit found for SHA: ${ref}`, {
        documentation_url: "https://docs.github.com/rest/commits/commits#get-a-commit",
      });
    const args = ["diff-tree", "-r", "-z", "--no-commit-id", "--raw", "--no-renames"];
    if (c.parents.length === 0) args.push("--root", c.sha);
    else args.push(c.parents[0] as string, c.sha);
    const out = await git.text(args);
    const parts = out.split("\0");
    const files: Array<{ filename: string; status: string; sha: string }> = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const meta = (parts[i] as string).split(" ");
      const letter = (meta[4] ?? "M").charAt(0);
      const status = letter === "A" ? "added" : letter === "D" ? "removed" : "modified";
      files.push({
        filename: parts[i + 1] as string,
        status,
        sha: status === "removed" ? (meta[2] as string) : (meta[3] as string),
      });
    }
    return ok({
      ...repoCommitJson(ctx, c),
      files,
      stats: { total: files.length, additions: 0, deletions: 0 },
    });
  }),
];
