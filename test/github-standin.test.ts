/**
 * Tests of the GitHub stand-in itself, driven with Probot's own Octokit (the client the app uses),
 * with results checked in the bare repository with real git.
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitIn, gitRawIn, pushFiles, type Standin, startStandin } from "./support/github-standin/index.js";

type Octo = InstanceType<typeof ProbotOctokit>;

const execFileAsync = promisify(execFile);

const OWNER = "acme";
const REPO = "fabric";
const APP_ID = 4242;
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/**
 * Probot's Octokit without retries and throttling (Probot's throttling spaces *writes* 1 s apart, and
 * Probot passes its own `throttle` instance option, so object defaults would be overridden: force it).
 */
const NoRetryOctokit = ProbotOctokit.defaults((options: Record<string, unknown> = {}) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object | undefined), enabled: false },
}));

function probotFor(gh: Standin, Octokit: typeof ProbotOctokit = NoRetryOctokit): Probot {
  return new Probot({ appId: APP_ID, privateKey, baseUrl: gh.apiUrl, Octokit, logLevel: "fatal" });
}

/** Status of a rejected Octokit call (or throws if it did not reject). */
async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    return (e as { status: number }).status;
  }
  throw new Error("expected the request to fail");
}

async function headOf(gh: Standin, branch = "main"): Promise<string> {
  return gitIn(gh, "rev-parse", `refs/heads/${branch}`);
}

let gh: Standin;
let octokit: Octo;
const repo = { owner: OWNER, repo: REPO };

beforeAll(async () => {
  gh = await startStandin({ owner: OWNER, repo: REPO, appId: APP_ID });
  octokit = await probotFor(gh).auth(gh.installationId);
});

afterAll(async () => {
  await gh?.close();
});

describe("auth", () => {
  it("issues an installation token for an app JWT, and repo endpoints accept only issued tokens", async () => {
    const probot = probotFor(gh);
    const app = await probot.auth();
    const { data: me } = await app.request("GET /app");
    expect(me).toMatchObject({ id: APP_ID, slug: "gitops-ingest" });
    const { data: inst } = await app.request("GET /repos/{owner}/{repo}/installation", repo);
    expect(inst).toMatchObject({
      id: 1,
      account: { login: OWNER },
      app_id: APP_ID,
      app_slug: "gitops-ingest",
    });

    gh.resetLog();
    const installation = await probot.auth(1);
    const { data } = await installation.rest.repos.get(repo);
    expect(data).toMatchObject({
      name: REPO,
      full_name: `${OWNER}/${REPO}`,
      default_branch: "main",
      private: false,
    });
    const tokenReq = gh.requests.find((r) => r.path === "/app/installations/1/access_tokens");
    expect(tokenReq).toMatchObject({ method: "POST", status: 201, auth: "jwt" });
    expect(gh.requests.find((r) => r.path === `/repos/${OWNER}/${REPO}`)).toMatchObject({
      status: 200,
      auth: "token",
    });

    // Raw requests: no auth, unknown token, malformed JWT, a JWT on a repo endpoint.
    const get = (path: string, authorization?: string) =>
      fetch(`${gh.apiUrl}${path}`, authorization ? { headers: { authorization } } : {});
    expect((await get(`/repos/${OWNER}/${REPO}`)).status).toBe(401);
    expect((await get(`/repos/${OWNER}/${REPO}`, "token ghs_not_issued")).status).toBe(401);
    expect((await get("/app", "Bearer not.a-jwt")).status).toBe(401);
    expect((await get("/app", "Bearer onlytwo.parts")).status).toBe(401);
    const jwt = (await app.auth({ type: "app" })) as { token: string };
    expect((await get("/app", `Bearer ${jwt.token}`)).status).toBe(200);
    expect((await get(`/repos/${OWNER}/${REPO}`, `Bearer ${jwt.token}`)).status).toBe(401);
    // Same data at the root (no /api/v3 prefix) too.
    const res = await fetch(`${gh.url}/app`, { headers: { authorization: `Bearer ${jwt.token}` } });
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("x-ratelimit-remaining")).toBe("4999");
    expect(res.headers.get("x-github-request-id")).toBeTruthy();
  });

  it("rejects a JWT whose issuer is another app", async () => {
    const other = new Probot({
      appId: 999,
      privateKey,
      baseUrl: gh.apiUrl,
      Octokit: NoRetryOctokit,
      logLevel: "fatal",
    });
    expect(await statusOf((await other.auth()).request("GET /app"))).toBe(401);
  });
});

describe("repository, refs and contents", () => {
  it("serves refs, branches, commits and contents of a pushed branch", async () => {
    const sha = await pushFiles(
      gh,
      "main",
      { "README.md": "hello\n", ".github/gitops-ingest.yml": "roots:\n  - gitops/**\n" },
      "initial",
    );
    const { data: ref } = await octokit.rest.git.getRef({ ...repo, ref: "heads/main" });
    expect(ref).toMatchObject({ ref: "refs/heads/main", object: { sha, type: "commit" } });
    const { data: legacy } = await octokit.request("GET /repos/{owner}/{repo}/git/refs/{ref}", {
      ...repo,
      ref: "heads/main",
    });
    expect(legacy).toMatchObject({ ref: "refs/heads/main", object: { sha } });
    expect(await statusOf(octokit.rest.git.getRef({ ...repo, ref: "heads/nope" }))).toBe(404);

    const tree = await gitIn(gh, "rev-parse", `${sha}^{tree}`);
    const { data: branch } = await octokit.rest.repos.getBranch({ ...repo, branch: "main" });
    expect(branch).toMatchObject({ name: "main", commit: { sha, commit: { tree: { sha: tree } } } });

    const { data: commit } = await octokit.rest.git.getCommit({ ...repo, commit_sha: sha });
    expect(commit).toMatchObject({
      sha,
      tree: { sha: tree },
      parents: [],
      message: "initial\n",
      author: { name: "Test Author", email: "author@example.com" },
    });

    const { data: file } = await octokit.rest.repos.getContent({ ...repo, path: "README.md" });
    expect(file).toMatchObject({
      type: "file",
      encoding: "base64",
      path: "README.md",
      name: "README.md",
      size: 6,
    });
    expect(Buffer.from((file as { content: string }).content, "base64").toString()).toBe("hello\n");
    expect(await statusOf(octokit.rest.repos.getContent({ ...repo, path: "missing.txt" }))).toBe(404);
    expect(
      await statusOf(octokit.rest.repos.getContent({ owner: OWNER, repo: ".github", path: "README.md" })),
    ).toBe(404);
    const { data: dir } = await octokit.rest.repos.getContent({ ...repo, path: ".github" });
    expect(dir).toMatchObject([
      { type: "file", name: "gitops-ingest.yml", path: ".github/gitops-ingest.yml" },
    ]);

    // Probot's context.config path: raw media type, then YAML.
    const cfg = await octokit.config.get({ ...repo, path: ".github/gitops-ingest.yml" });
    expect(cfg.config).toEqual({ roots: ["gitops/**"] });
    const none = await octokit.config.get({ ...repo, path: ".github/other.yml" });
    expect(none.config).toEqual({});
  });

  it("fast-forwards a ref, refuses a non-fast-forward with 422, and allows it with force", async () => {
    const base = await headOf(gh);
    const baseTree = await gitIn(gh, "rev-parse", `${base}^{tree}`);
    const { data: child } = await octokit.rest.git.createCommit({
      ...repo,
      message: "child",
      tree: baseTree,
      parents: [base],
    });
    const { data: sibling } = await octokit.rest.git.createCommit({
      ...repo,
      message: "sibling",
      tree: baseTree,
      parents: [base],
    });

    const { data: updated } = await octokit.rest.git.updateRef({
      ...repo,
      ref: "heads/main",
      sha: child.sha,
      force: false,
    });
    expect(updated.object.sha).toBe(child.sha);
    expect(await headOf(gh)).toBe(child.sha);

    const err = await octokit.rest.git
      .updateRef({ ...repo, ref: "heads/main", sha: sibling.sha, force: false })
      .catch((e) => e);
    expect(err.status).toBe(422);
    expect(err.response.data.message).toBe("Update is not a fast forward");
    expect(await headOf(gh)).toBe(child.sha);
    // Going backwards is not a fast-forward either.
    expect(
      await statusOf(octokit.rest.git.updateRef({ ...repo, ref: "heads/main", sha: base, force: false })),
    ).toBe(422);
    expect(await headOf(gh)).toBe(child.sha);
    // Missing ref / missing object.
    expect(await statusOf(octokit.rest.git.updateRef({ ...repo, ref: "heads/nope", sha: child.sha }))).toBe(
      422,
    );
    expect(
      await statusOf(octokit.rest.git.updateRef({ ...repo, ref: "heads/main", sha: "1".repeat(40) })),
    ).toBe(422);

    await octokit.rest.git.updateRef({ ...repo, ref: "heads/main", sha: sibling.sha, force: true });
    expect(await headOf(gh)).toBe(sibling.sha);
    const reflog = await gitIn(gh, "reflog", "show", "--format=%H %gs", "refs/heads/main");
    expect(reflog.split("\n")[0]).toBe(`${sibling.sha} github-standin: PATCH refs/heads/main (force)`);
  });

  it("loses the race cleanly when the branch moves right before the PATCH (beforeNext)", async () => {
    const base = await headOf(gh);
    const baseTree = await gitIn(gh, "rev-parse", `${base}^{tree}`);
    const { data: mine } = await octokit.rest.git.createCommit({
      ...repo,
      message: "mine",
      tree: baseTree,
      parents: [base],
    });
    let pushed = "";
    gh.beforeNext({ method: "PATCH", path: /\/git\/refs\/heads\/main$/ }, async () => {
      pushed = await pushFiles(gh, "main", { "someone-else.txt": "x\n" }, "concurrent push");
    });
    expect(await statusOf(octokit.rest.git.updateRef({ ...repo, ref: "heads/main", sha: mine.sha }))).toBe(
      422,
    );
    expect(pushed).toMatch(/^[0-9a-f]{40}$/);
    expect(await headOf(gh)).toBe(pushed);
    // The hook ran once: the retry on top of the new head goes through.
    const { data: rebased } = await octokit.rest.git.createCommit({
      ...repo,
      message: "mine again",
      tree: baseTree,
      parents: [pushed],
    });
    await octokit.rest.git.updateRef({ ...repo, ref: "heads/main", sha: rebased.sha });
    expect(await headOf(gh)).toBe(rebased.sha);
  });

  it("lets exactly one of two concurrent fast-forwards from the same head win", async () => {
    const base = await headOf(gh);
    const baseTree = await gitIn(gh, "rev-parse", `${base}^{tree}`);
    const commits = await Promise.all(
      ["a", "b", "c", "d"].map((m) =>
        octokit.rest.git.createCommit({ ...repo, message: m, tree: baseTree, parents: [base] }),
      ),
    );
    const results = await Promise.allSettled(
      commits.map(({ data }) => octokit.rest.git.updateRef({ ...repo, ref: "heads/main", sha: data.sha })),
    );
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [commits[i]?.data.sha] : []));
    expect(won).toHaveLength(1);
    expect(
      results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.status),
    ).toEqual([422, 422, 422]);
    expect(await headOf(gh)).toBe(won[0]);
  });

  it("creates refs (201), refuses duplicates and bad names (422), deletes them", async () => {
    const head = await headOf(gh);
    const { status } = await octokit.rest.git.createRef({ ...repo, ref: "refs/heads/feature/x", sha: head });
    expect(status).toBe(201);
    expect(await headOf(gh, "feature/x")).toBe(head);
    expect(
      await statusOf(octokit.rest.git.createRef({ ...repo, ref: "refs/heads/feature/x", sha: head })),
    ).toBe(422);
    expect(await statusOf(octokit.rest.git.createRef({ ...repo, ref: "heads/y", sha: head }))).toBe(422);
    expect(
      await statusOf(octokit.rest.git.createRef({ ...repo, ref: "refs/heads/bad..name", sha: head })),
    ).toBe(422);
    expect(
      await statusOf(octokit.rest.git.createRef({ ...repo, ref: "refs/heads/z", sha: "2".repeat(40) })),
    ).toBe(422);
    const { data: got } = await octokit.rest.git.getRef({ ...repo, ref: "heads/feature/x" });
    expect(got.object.sha).toBe(head);
    await octokit.rest.git.deleteRef({ ...repo, ref: "heads/feature/x" });
    expect(await gitIn(gh, "for-each-ref", "refs/heads/feature")).toBe("");
  });
});

describe("real git clients", () => {
  it("accepts a `git push` from a clone, and the API sees it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "standin-clone-"));
    const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: dir, GIT_TERMINAL_PROMPT: "0" };
    const git = (...args: string[]) =>
      execFileAsync("git", ["-c", "user.name=Pusher", "-c", "user.email=pusher@example.com", ...args], {
        cwd: join(dir, "clone"),
        env,
      });
    try {
      await execFileAsync("git", ["clone", "--quiet", gh.bareRepoPath, join(dir, "clone")], { env });
      await writeFile(join(dir, "clone", "pushed.txt"), "via git push\n");
      await git("add", "pushed.txt");
      await git("commit", "--quiet", "-m", "pushed with git");
      await git("push", "--quiet", "origin", "HEAD:refs/heads/main");
      const { stdout } = await git("rev-parse", "HEAD");
      const { data } = await octokit.rest.repos.getContent({ ...repo, path: "pushed.txt", ref: "main" });
      expect(Buffer.from((data as { content: string }).content, "base64").toString()).toBe("via git push\n");
      expect((await octokit.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha).toBe(
        stdout.trim(),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("git database", () => {
  it("creates a tree on a base: nested replace, new subdir, deletions, blob reuse, file/dir swap", async () => {
    const start = await pushFiles(
      gh,
      "trees",
      {
        "a/b/c.yaml": "c: 1\n",
        "a/b/d.yaml": "d: 1\n",
        "keep/x.txt": "x\n",
        "del/only.yaml": "only\n",
        "top.txt": "top\n",
        swap: "I am a file\n",
        "dir/one.txt": "1\n",
        "dir/sub/two.txt": "2\n",
      },
      "tree base",
      { from: "orphan" },
    );
    const baseTree = await gitIn(gh, "rev-parse", `${start}^{tree}`);
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10]);
    const { data: blob } = await octokit.rest.git.createBlob({
      ...repo,
      content: bytes.toString("base64"),
      encoding: "base64",
    });
    const subtree = await gitIn(gh, "rev-parse", `${start}:a/b`);

    const { data: tree, status } = await octokit.rest.git.createTree({
      ...repo,
      base_tree: baseTree,
      tree: [
        { path: "a/b/c.yaml", mode: "100644", type: "blob", content: "c: 2\n" },
        { path: "a/b/new/e.yaml", mode: "100644", type: "blob", content: "e: 1\n" },
        { path: "del/only.yaml", mode: "100644", type: "blob", sha: null },
        { path: "top.txt", mode: "100644", type: "blob", sha: null },
        { path: "reused/r.bin", mode: "100644", type: "blob", sha: blob.sha },
        { path: "exec.sh", mode: "100755", type: "blob", content: "#!/bin/sh\n" },
        { path: "swap/inner.txt", mode: "100644", type: "blob", content: "now a dir\n" },
        { path: "dir", mode: "040000", type: "tree", sha: null },
        { path: "copy/of/b", mode: "040000", type: "tree", sha: subtree },
      ],
    });
    expect(status).toBe(201);
    expect(tree.tree.map((e) => e.path)).toEqual(["a", "copy", "exec.sh", "keep", "reused", "swap"]);
    expect(gh.requests.at(-1)).toMatchObject({
      method: "POST",
      path: `/repos/${OWNER}/${REPO}/git/trees`,
      entryCount: 9,
    });

    const listing = await gitIn(gh, "ls-tree", "-r", "--full-tree", tree.sha);
    const lines = listing.split("\n").map((l) => {
      const [meta, path] = l.split("\t");
      const [mode, type] = (meta ?? "").split(" ");
      return `${mode} ${type} ${path}`;
    });
    expect(lines).toEqual([
      "100644 blob a/b/c.yaml",
      "100644 blob a/b/d.yaml",
      "100644 blob a/b/new/e.yaml",
      "100644 blob copy/of/b/c.yaml",
      "100644 blob copy/of/b/d.yaml",
      "100755 blob exec.sh",
      "100644 blob keep/x.txt",
      "100644 blob reused/r.bin",
      "100644 blob swap/inner.txt",
    ]);
    expect(await gitIn(gh, "cat-file", "-p", `${tree.sha}:a/b/c.yaml`)).toBe("c: 2");
    expect(await gitIn(gh, "cat-file", "-p", `${tree.sha}:copy/of/b/c.yaml`)).toBe("c: 1");
    expect(await gitIn(gh, "rev-parse", `${tree.sha}:reused/r.bin`)).toBe(blob.sha);
    expect(await gitRawIn(gh, ["cat-file", "blob", blob.sha])).toEqual(bytes);
    expect(await gitIn(gh, "rev-parse", `${tree.sha}:keep`)).toBe(
      await gitIn(gh, "rev-parse", `${baseTree}:keep`),
    );

    // The same content committed by plain git has the very same tree id.
    const expected = await pushFiles(
      gh,
      "expected-tree",
      {
        "a/b/c.yaml": "c: 2\n",
        "a/b/d.yaml": "d: 1\n",
        "a/b/new/e.yaml": "e: 1\n",
        "copy/of/b/c.yaml": "c: 1\n",
        "copy/of/b/d.yaml": "d: 1\n",
        "keep/x.txt": "x\n",
        "reused/r.bin": bytes,
        "swap/inner.txt": "now a dir\n",
      },
      "expected",
      { from: "orphan" },
    );
    const expectedTree = await gitIn(gh, "rev-parse", `${expected}^{tree}`);
    // (exec.sh is 100755 there, pushFiles writes 100644: compare without it)
    const { data: withoutExec } = await octokit.rest.git.createTree({
      ...repo,
      base_tree: tree.sha,
      tree: [{ path: "exec.sh", mode: "100755", type: "blob", sha: null }],
    });
    expect(withoutExec.sha).toBe(expectedTree);

    // GET the tree back, recursively, by sha and by branch name.
    const { data: got } = await octokit.rest.git.getTree({ ...repo, tree_sha: tree.sha, recursive: "1" });
    expect(got.truncated).toBe(false);
    const all = (await gitIn(gh, "ls-tree", "-r", "-t", "--full-tree", tree.sha)).split("\n");
    expect(got.tree.map((e) => `${e.mode} ${e.type} ${e.sha}\t${e.path}`)).toEqual(all);
    expect(got.tree.find((e) => e.path === "reused/r.bin")?.size).toBe(bytes.length);
    const { data: byName } = await octokit.rest.git.getTree({ ...repo, tree_sha: "trees" });
    expect(byName.sha).toBe(baseTree);
    expect(byName.tree.map((e) => e.path)).toEqual(["a", "del", "dir", "keep", "swap", "top.txt"]);
  });

  it("rejects bad tree requests with 422", async () => {
    const baseTree = await gitIn(gh, "rev-parse", "refs/heads/trees^{tree}");
    const bad = async (tree: unknown[], base: string | undefined = baseTree) => {
      const r = await fetch(`${gh.apiUrl}/repos/${OWNER}/${REPO}/git/trees`, {
        method: "POST",
        headers: {
          authorization: `token ${((await octokit.auth({ type: "installation" })) as { token: string }).token}`,
        },
        body: JSON.stringify({ base_tree: base, tree }),
      });
      return r.status;
    };
    expect(await bad([{ path: "x", mode: "100644", type: "blob", sha: "3".repeat(40) }])).toBe(422); // missing blob
    expect(await bad([{ path: "x", mode: "100644", type: "blob", sha: baseTree }])).toBe(422); // a tree, not a blob
    expect(await bad([{ path: "nope.txt", mode: "100644", type: "blob", sha: null }])).toBe(422); // delete missing
    expect(await bad([{ path: "../x", mode: "100644", type: "blob", content: "x" }])).toBe(422);
    expect(await bad([{ path: "a//x", mode: "100644", type: "blob", content: "x" }])).toBe(422);
    expect(await bad([{ path: ".git/config", mode: "100644", type: "blob", content: "x" }])).toBe(422);
    expect(await bad([{ path: "x", mode: "100600", type: "blob", content: "x" }])).toBe(422);
    expect(await bad([{ path: "x", mode: "040000", type: "blob", content: "x" }])).toBe(422);
    expect(await bad([{ path: "x", mode: "100644", type: "blob" }])).toBe(422);
    expect(await bad([{ path: "x", mode: "100644", type: "blob", content: "x", sha: "4".repeat(40) }])).toBe(
      422,
    );
    expect(await bad([{ path: "x", mode: "100644", type: "blob", content: "x" }], "5".repeat(40))).toBe(422);
    expect(
      await bad([{ path: "x", mode: "100644", type: "blob", content: "x" }], await headOf(gh, "trees")),
    ).toBe(422);
  });

  it("answers 409 on the git database while the repository is empty, like GitHub; limits entries per tree request", async () => {
    const small = await startStandin({
      owner: OWNER,
      repo: REPO,
      maxTreeEntries: 3,
      staticTokens: ["static-token"],
    });
    try {
      const client = new NoRetryOctokit({ auth: { token: "static-token" }, baseUrl: small.apiUrl });
      const entries = (n: number) =>
        Array.from({ length: n }, (_, i) => ({
          path: `f${i}`,
          mode: "100644" as const,
          type: "blob" as const,
          content: `${i}`,
        }));
      const empty = await client.rest.git.createTree({ ...repo, tree: entries(1) }).catch((e) => e);
      expect(empty.status).toBe(409);
      expect(empty.response.data.message).toBe("Git Repository is empty.");
      expect(await statusOf(client.rest.git.getRef({ ...repo, ref: "heads/main" }))).toBe(409);
      await pushFiles(small, "main", { "README.md": "first\n" }, "first commit");
      small.resetLog();

      const { data } = await client.rest.git.createTree({ ...repo, tree: entries(3) });
      expect(await gitIn(small, "ls-tree", "--name-only", data.sha)).toBe("f0\nf1\nf2");
      expect(await statusOf(client.rest.git.createTree({ ...repo, tree: entries(4) }))).toBe(422);
      expect(small.requests.map((r) => [r.status, r.entryCount])).toEqual([
        [201, 3],
        [422, 4],
      ]);
    } finally {
      await small.close();
    }
  });

  it("handles a multi-megabyte tree request in one go", async () => {
    const payload = "x".repeat(1000);
    const tree = Array.from({ length: 4000 }, (_, i) => ({
      path: `bulk/d${i % 40}/f${i}.yaml`,
      mode: "100644" as const,
      type: "blob" as const,
      content: `${i}: ${payload}\n`,
    }));
    const { data } = await octokit.rest.git.createTree({ ...repo, tree });
    const count = await gitIn(gh, "ls-tree", "-r", "--name-only", data.sha);
    expect(count.split("\n")).toHaveLength(4000);
    expect(await gitIn(gh, "cat-file", "-p", `${data.sha}:bulk/d7/f1207.yaml`)).toBe(`1207: ${payload}`);
  });

  it("creates commits with git commit-tree (identity, date, parents) and validates them", async () => {
    const parent = await headOf(gh);
    const tree = await gitIn(gh, "rev-parse", `${parent}^{tree}`);
    const { data, status } = await octokit.rest.git.createCommit({
      ...repo,
      message: "ingest: 2 files\n\nbody",
      tree,
      parents: [parent],
      author: { name: "Ingest Bot", email: "bot@example.com", date: "2024-05-06T07:08:09Z" },
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      tree: { sha: tree },
      parents: [{ sha: parent }],
      message: "ingest: 2 files\n\nbody",
    });
    const raw = await gitIn(gh, "cat-file", "commit", data.sha);
    expect(raw).toContain("author Ingest Bot <bot@example.com> 1714979289 +0000");
    expect(raw).toContain("committer Ingest Bot <bot@example.com> 1714979289 +0000");
    const { data: back } = await octokit.rest.git.getCommit({ ...repo, commit_sha: data.sha });
    expect(back.author).toEqual({
      name: "Ingest Bot",
      email: "bot@example.com",
      date: "2024-05-06T07:08:09Z",
    });

    const { data: bot } = await octokit.rest.git.createCommit({ ...repo, message: "m", tree, parents: [] });
    expect(bot.author.name).toBe("gitops-ingest[bot]");
    expect(bot.parents).toEqual([]);

    expect(
      await statusOf(
        octokit.rest.git.createCommit({ ...repo, message: "m", tree: "6".repeat(40), parents: [parent] }),
      ),
    ).toBe(422);
    expect(
      await statusOf(
        octokit.rest.git.createCommit({ ...repo, message: "m", tree, parents: ["7".repeat(40)] }),
      ),
    ).toBe(422);
    expect(
      await statusOf(octokit.rest.git.createCommit({ ...repo, message: "m", tree: parent, parents: [] })),
    ).toBe(422);
    expect(await statusOf(octokit.rest.git.getCommit({ ...repo, commit_sha: "8".repeat(40) }))).toBe(404);
  });

  it("creates and reads blobs (utf-8 and base64)", async () => {
    const { data: text, status } = await octokit.rest.git.createBlob({
      ...repo,
      content: "héllo\n",
      encoding: "utf-8",
    });
    expect(status).toBe(201);
    expect(text.sha).toBe((await gitRawIn(gh, ["hash-object", "--stdin"], "héllo\n")).toString().trim());
    expect((await gitRawIn(gh, ["cat-file", "blob", text.sha])).toString()).toBe("héllo\n");
    const { data: got } = await octokit.rest.git.getBlob({ ...repo, file_sha: text.sha });
    expect(got).toMatchObject({ sha: text.sha, size: 7, encoding: "base64" });
    expect(Buffer.from(got.content, "base64").toString()).toBe("héllo\n");
    expect(await statusOf(octokit.rest.git.getBlob({ ...repo, file_sha: "9".repeat(40) }))).toBe(404);
    const big = Buffer.alloc(200_000, 7);
    const { data: b } = await octokit.rest.git.createBlob({
      ...repo,
      content: big.toString("base64"),
      encoding: "base64",
    });
    const { data: bigBack } = await octokit.rest.git.getBlob({ ...repo, file_sha: b.sha });
    expect(bigBack.content).toContain("\n"); // GitHub wraps base64 in lines
    expect(Buffer.from(bigBack.content, "base64").equals(big)).toBe(true);
  });
});

describe("graphql", () => {
  it("reads a batch of blobs by oid and by expression, exactly", async () => {
    const utf8 = "name: ünïcødé ✓\nlist:\n  - a\n";
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]);
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]); // "café\n" in Latin-1: not UTF-8
    const sha = await pushFiles(
      gh,
      "gql",
      { "docs/a.yaml": utf8, "docs/b.png": binary, "docs/c.txt": latin1, "docs/empty": "" },
      "gql",
      {
        from: "orphan",
      },
    );
    const aSha = await gitIn(gh, "rev-parse", `${sha}:docs/a.yaml`);
    gh.resetLog();
    const result = await octokit.graphql<{
      repository: Record<
        string,
        null | { oid: string; byteSize: number; isBinary: boolean; isTruncated: boolean; text: string | null }
      >;
      rateLimit: { cost: number; remaining: number };
    }>(`query ReadBlobs {
      repository(owner: "${OWNER}", name: "${REPO}") {
        f0: object(oid: "${aSha}") { ... on Blob { oid byteSize isBinary isTruncated text } }
        f1: object(expression: "gql:docs/b.png") { ... on Blob { oid byteSize isBinary isTruncated text } }
        f2: object(expression: "${sha}:docs/c.txt") { ...B }
        f3: object(expression: "gql:docs/missing.yaml") { ...B }
        f4: object(expression: "gql:docs/empty") { ...B }
        f5: object(expression: "gql:docs") { ...B }
      }
      rateLimit { cost remaining }
    }
    fragment B on Blob { oid byteSize isBinary isTruncated text }`);
    const r = result.repository;
    expect(r.f0).toEqual({
      oid: aSha,
      byteSize: Buffer.byteLength(utf8),
      isBinary: false,
      isTruncated: false,
      text: utf8,
    });
    expect(r.f1).toMatchObject({ byteSize: 7, isBinary: true, text: null });
    expect(r.f2).toMatchObject({ byteSize: 5, isBinary: true, text: null });
    expect(r.f3).toBeNull();
    expect(r.f4).toMatchObject({ byteSize: 0, isBinary: false, text: "" });
    expect(r.f5).toEqual({}); // a tree: the Blob fragment does not apply
    expect(result.rateLimit).toEqual({ cost: 1, remaining: 4999 });
    expect(gh.requests).toHaveLength(1);
    expect(gh.requests[0]).toMatchObject({ method: "POST", path: "/graphql", status: 200, objectCount: 6 });
  });

  it("supports variables, __typename, tree entries, errors for unknown fields and repos", async () => {
    const { repository } = await octokit.graphql<{
      repository: {
        dir: { __typename: string; entries: Array<{ name: string; type: string; object: { text: string } }> };
      };
    }>(
      `query($owner: String!, $name: String!, $expr: String!) {
        repository(owner: $owner, name: $name) {
          dir: object(expression: $expr) { __typename ... on Tree { entries { name type object { ... on Blob { text } } } } }
        }
      }`,
      { owner: OWNER, name: REPO, expr: "gql:docs" },
    );
    expect(repository.dir.__typename).toBe("Tree");
    expect(repository.dir.entries.find((e) => e.name === "a.yaml")?.object.text).toContain("ünïcødé");

    await expect(
      octokit.graphql(
        `{ repository(owner: "${OWNER}", name: "${REPO}") { f0: object(expression: "gql:docs/a.yaml") { ... on Blob { nope } } } }`,
      ),
    ).rejects.toThrow(/Cannot query field "nope" on type "Blob"/);
    await expect(
      octokit.graphql(`{ repository(owner: "${OWNER}", name: "other") { name } }`),
    ).rejects.toThrow(/Could not resolve to a Repository/);
    await expect(octokit.graphql("{ repository(owner: ")).rejects.toThrow(/Syntax Error/);
    // Each of those is one GitHub would reject: the stand-in recorded it as invalid (not the unknown repository).
    expect(gh.requests.filter((r) => r.invalid).length).toBeGreaterThanOrEqual(2);
  });

  it("truncates long text like GitHub (isTruncated) at the configured limit", async () => {
    const small = await startStandin({
      owner: OWNER,
      repo: REPO,
      graphqlBlobTextLimit: 10,
      staticTokens: ["t"],
    });
    try {
      await pushFiles(small, "main", { "long.txt": "0123456789abcdef", "multi.txt": "ééééééé" }, "long");
      const client = new NoRetryOctokit({ auth: { token: "t" }, baseUrl: small.apiUrl });
      const { repository } = await client.graphql<{
        repository: Record<string, { text: string; isTruncated: boolean; byteSize: number }>;
      }>(
        `{ repository(owner: "${OWNER}", name: "${REPO}") {
          a: object(expression: "main:long.txt") { ... on Blob { text isTruncated byteSize } }
          b: object(expression: "main:multi.txt") { ... on Blob { text isTruncated byteSize } }
        } }`,
      );
      expect(repository.a).toEqual({ text: "0123456789", isTruncated: true, byteSize: 16 });
      expect(repository.b).toEqual({ text: "ééééé", isTruncated: true, byteSize: 14 });
    } finally {
      await small.close();
    }
  });
});

describe("check runs", () => {
  const annotation = (i: number) => ({
    path: `gitops/raw/f${i}.yaml`,
    start_line: i + 1,
    end_line: i + 1,
    annotation_level: "failure" as const,
    message: `problem ${i}`,
  });

  it("creates, updates (annotations accumulate), lists and validates check runs", async () => {
    const head = await headOf(gh);
    const { data: created, status } = await octokit.rest.checks.create({
      ...repo,
      name: "gitops-ingest",
      head_sha: head,
      status: "in_progress",
      external_id: "run-1",
      output: {
        title: "Ingesting",
        summary: "working",
        annotations: Array.from({ length: 50 }, (_, i) => annotation(i)),
      },
    });
    expect(status).toBe(201);
    expect(created).toMatchObject({
      name: "gitops-ingest",
      head_sha: head,
      status: "in_progress",
      conclusion: null,
      app: { slug: "gitops-ingest" },
    });
    expect(created.output.annotations_count).toBe(50);

    // 51 annotations in one request: 422, nothing changes.
    expect(
      await statusOf(
        octokit.rest.checks.update({
          ...repo,
          check_run_id: created.id,
          output: { summary: "s", annotations: Array.from({ length: 51 }, (_, i) => annotation(i)) },
        }),
      ),
    ).toBe(422);
    // Malformed annotations: 422.
    const badAnnotations: unknown[] = [
      { ...annotation(0), annotation_level: "error" },
      { ...annotation(0), message: undefined },
      { ...annotation(0), start_line: 0 },
      { ...annotation(0), end_line: 5, start_line: 1, start_column: 2 },
    ];
    for (const bad of badAnnotations) {
      expect(
        await statusOf(
          octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
            ...repo,
            check_run_id: created.id,
            output: { summary: "s", annotations: [bad] as never },
          }),
        ),
      ).toBe(422);
    }
    expect(await statusOf(octokit.rest.checks.create({ ...repo, name: "x", head_sha: "a".repeat(40) }))).toBe(
      422,
    );
    expect(
      await statusOf(
        octokit.rest.checks.create({
          ...repo,
          name: "x",
          head_sha: head,
          output: { title: "t", summary: "s".repeat(65536) },
        }),
      ),
    ).toBe(422);

    const { data: updated } = await octokit.rest.checks.update({
      ...repo,
      check_run_id: created.id,
      conclusion: "failure",
      output: {
        title: "2 problems",
        summary: "done",
        text: "details",
        annotations: [annotation(50), annotation(51)],
      },
      actions: [{ label: "Retry", description: "Run the ingest again", identifier: "retry" }],
    });
    expect(updated).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "2 problems", summary: "done", annotations_count: 52 },
    });
    expect(updated.completed_at).toBeTruthy();

    const [run] = gh.checkRuns().filter((r) => r.id === created.id);
    expect(run?.annotations).toHaveLength(52);
    expect(run?.annotations.at(-1)?.message).toBe("problem 51");
    expect(run?.history.map((h) => h.method)).toEqual(["POST", "PATCH"]);
    expect(run?.actions).toEqual([
      { label: "Retry", description: "Run the ingest again", identifier: "retry" },
    ]);
    expect(run?.external_id).toBe("run-1");

    const { data: one } = await octokit.rest.checks.get({ ...repo, check_run_id: created.id });
    expect(one.conclusion).toBe("failure");
    const list = await octokit.rest.checks.listForRef({ ...repo, ref: head });
    expect(list.data.total_count).toBe(1);
    expect(list.data.check_runs[0]?.id).toBe(created.id);
    const byBranch = await octokit.rest.checks.listForRef({
      ...repo,
      ref: "main",
      check_name: "gitops-ingest",
    });
    expect(byBranch.data.check_runs.map((c) => c.id)).toEqual([created.id]);
    const annotations = await octokit.paginate(octokit.rest.checks.listAnnotations, {
      ...repo,
      check_run_id: created.id,
      per_page: 20,
    });
    expect(annotations).toHaveLength(52);
  });
});

describe("fault injection and the request log", () => {
  it("fails the next matching requests with the given status, body and headers", async () => {
    gh.resetLog();
    gh.failNext({ method: "GET", path: /\/git\/ref\/heads\/main$/, times: 2 }, { status: 502 });
    expect(await statusOf(octokit.rest.git.getRef({ ...repo, ref: "heads/main" }))).toBe(502);
    expect(await statusOf(octokit.rest.git.getRef({ ...repo, ref: "heads/main" }))).toBe(502);
    expect((await octokit.rest.git.getRef({ ...repo, ref: "heads/main" })).status).toBe(200);
    expect(gh.requests.map((r) => [r.status, r.injected ?? false])).toEqual([
      [502, true],
      [502, true],
      [200, false],
    ]);

    gh.failNext({ method: "POST", path: /\/git\/trees$/ }, { status: 422, body: { message: "custom" } });
    const err = await octokit.rest.git.createTree({ ...repo, tree: [] }).catch((e) => e);
    expect(err.status).toBe(422);
    expect(err.response.data).toEqual({ message: "custom" });
  });

  it("drives Octokit's throttling (retry-after) and retry plugins", async () => {
    const { token } = (await octokit.auth({ type: "installation" })) as { token: string };
    // Plain ProbotOctokit: retries a secondary rate limit after `retry-after`, and a 500.
    const client = new ProbotOctokit({
      auth: { token },
      baseUrl: gh.apiUrl,
      throttle: { fallbackSecondaryRateRetryAfter: 0 },
    });
    gh.resetLog();
    gh.failNext(
      { method: "GET", path: /\/branches\/main$/ },
      { status: 403, headers: { "retry-after": "0" } },
    );
    gh.failNext({ method: "GET", path: /\/branches\/main$/ }, { status: 500 });
    const { data } = await client.rest.repos.getBranch({ ...repo, branch: "main" });
    expect(data.name).toBe("main");
    expect(gh.requests.map((r) => [r.status, r.injected ?? false])).toEqual([
      [403, true],
      [500, true],
      [200, false],
    ]);

    // A client made by Probot itself (its default options): secondary rate limits are only logged, not retried.
    const probotClient = await probotFor(gh, ProbotOctokit).auth(1);
    gh.failNext(
      { method: "GET", path: /\/branches\/main$/ },
      { status: 403, headers: { "retry-after": "0" } },
    );
    expect(await statusOf(probotClient.rest.repos.getBranch({ ...repo, branch: "main" }))).toBe(403);
  }, 20_000);

  it("answers 404 for unknown endpoints and other repositories, and records them", async () => {
    gh.resetLog();
    expect(await statusOf(octokit.request("GET /repos/{owner}/{repo}/pulls", repo))).toBe(404);
    expect(
      await statusOf(octokit.request("GET /repos/{owner}/{repo}", { owner: OWNER, repo: "elsewhere" })),
    ).toBe(404);
    expect(gh.requests.map((r) => [r.path, r.status, r.unhandled ?? false])).toEqual([
      [`/repos/${OWNER}/${REPO}/pulls`, 404, true],
      [`/repos/${OWNER}/elsewhere`, 404, false],
    ]);
  });
});

describe("repository integrity", () => {
  it("passes git fsck --strict after everything above", async () => {
    const out = await gitRawIn(gh, ["fsck", "--strict", "--no-progress", "--no-dangling"]);
    expect(out.toString()).toBe("");
    expect(gh.requests.filter((r) => r.error)).toEqual([]);
  });
});

describe("what GitHub would reject, and GitHub's compare-and-swap", () => {
  it("answers 422 to a body GitHub's OpenAPI description rejects, and records it", async () => {
    const head = await pushFiles(gh, "main", { "v.txt": "v\n" }, "validation base");
    const { data: commit } = await octokit.rest.git.getCommit({ ...repo, commit_sha: head });
    const before = gh.requests.length;
    const status = await statusOf(
      octokit.request("POST /repos/{owner}/{repo}/git/trees", {
        ...repo,
        base_tree: commit.tree.sha,
        tree: [{ path: "x", mode: "100645", type: "blob", content: "x" }],
      } as never),
    );
    expect(status).toBe(422);
    expect(gh.requests.slice(before).map((r) => r.invalid)).toEqual([
      ["body/tree/0/mode: must be equal to one of the allowed values"],
    ]);
  });

  it("answers GraphQL errors to a query GitHub's schema rejects, and records it", async () => {
    const before = gh.requests.length;
    await expect(
      octokit.graphql('query { repository(owner: "acme", name: "fabric") { nope } }'),
    ).rejects.toThrow(/nope/);
    expect(gh.requests.slice(before)[0]?.invalid?.[0]).toMatch(/Cannot query field "nope"/);
  });

  it("refuses an updateRefs whose beforeOid is stale, though the same update is a fast-forward for REST", async () => {
    const base = await pushFiles(gh, "main", { "cas.txt": "1\n" }, "cas base");
    const rewound = await pushFiles(gh, "main", { "cas.txt": "2\n" }, "to be rewound");
    const { data: tree } = await octokit.rest.git.getTree({ ...repo, tree_sha: rewound });
    const { data: ours } = await octokit.rest.git.createCommit({
      ...repo,
      message: "ours",
      tree: tree.sha,
      parents: [rewound],
    });
    await gitIn(gh, "update-ref", "refs/heads/main", base); // the user force-pushes back
    const mutation = "mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }";
    const input = (beforeOid: string) => ({
      input: {
        repositoryId: gh.repoNodeId,
        refUpdates: [{ name: "refs/heads/main", beforeOid, afterOid: ours.sha, force: false }],
      },
    });
    await expect(octokit.graphql(mutation, input(rewound))).rejects.toThrow(/expected to point to/);
    expect(await headOf(gh)).toBe(base);
    // REST only demands a fast-forward: the rewound commit would come back.
    const { data } = await octokit.rest.git.updateRef({
      ...repo,
      ref: "heads/main",
      sha: ours.sha,
      force: false,
    });
    expect(data.object.sha).toBe(ours.sha);
    await gitIn(gh, "update-ref", "refs/heads/main", base);
    // With the right beforeOid, updateRefs moves the branch.
    const { data: t2 } = await octokit.rest.git.getTree({ ...repo, tree_sha: base });
    const { data: next } = await octokit.rest.git.createCommit({
      ...repo,
      message: "next",
      tree: t2.sha,
      parents: [base],
    });
    await octokit.graphql(mutation, {
      input: {
        ...input(base).input,
        refUpdates: [{ name: "refs/heads/main", beforeOid: base, afterOid: next.sha, force: false }],
      },
    });
    expect(await headOf(gh)).toBe(next.sha);
  });

  it("compares two commits with real git: status, counts and the commits on top, oldest first", async () => {
    const a = await pushFiles(gh, "main", { "cmp.txt": "a\n" }, "cmp a");
    const b = await pushFiles(gh, "main", { "cmp.txt": "b\n" }, "cmp b");
    const c = await pushFiles(gh, "main", { "cmp.txt": "c\n" }, "cmp c");
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${a}...main`,
    });
    expect([data.status, data.ahead_by, data.behind_by]).toEqual(["ahead", 2, 0]);
    expect(data.commits.map((x) => x.sha)).toEqual([b, c]);
    const { data: back } = await octokit.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${c}...${a}`,
    });
    expect([back.status, back.ahead_by, back.behind_by]).toEqual(["behind", 0, 2]);
    expect(
      await statusOf(octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${a}...gone` })),
    ).toBe(404);
  });
});
