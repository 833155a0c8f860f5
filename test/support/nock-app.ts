/**
 * The app under Probot with GitHub played by nock: one signing key for every test, a fresh Probot
 * per test (Probot caches tokens and the app caches its own login per instance), webhook payloads,
 * and the standard GitHub replies, built from a map path → content so every blob SHA, tree and
 * GraphQL text is consistent. Every request nock answers is recorded with its body.
 */
import { createHash, generateKeyPairSync, randomUUID } from "node:crypto";
import type { EmitterWebhookEvent } from "@octokit/webhooks";
import nock from "nock";
import pino from "pino";
import { Probot } from "probot";
import { gitopsIngest } from "../../src/app.js";
import { appOctokit, type OctokitTuning } from "../../src/github/octokit.js";
import type { ImportRecorder } from "../../src/ingestion/recorder.js";
import { gitBlobSha } from "../../src/pipeline/git-blob.js";

export const API = "https://api.github.com";
export const OWNER = "netops";
export const REPO = "fabric";
export const FULL_NAME = `${OWNER}/${REPO}`;
export const INSTALLATION_ID = 1;
export const APP_SLUG = "gitops-ingest";
export const CONFIG_PATH = ".github%2Fgitops-ingest.yml";

/** One RSA key for every test app (Probot signs its JWTs with it; generating one per test is slow). */
const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;

const encoder = new TextEncoder();

/** A realistic 40-hex SHA named after a label, so tests can say which commit or tree they mean. */
export const sha = (label: string): string => createHash("sha1").update(label).digest("hex");

export const blobSha = (text: string): string => gitBlobSha(encoder.encode(text));

/** `/repos/netops/fabric` + rest. */
export const repoPath = (rest: string): string => `/repos/${OWNER}/${REPO}${rest}`;

/**
 * A fresh Probot with the app loaded, talking to api.github.com (nock), logging nothing. Waits are
 * shrunk (a retry-after "second" is 1 ms, no gap between writes); the retry policy is production's
 * unless `tuning` says otherwise.
 */
export async function startApp(recorder: ImportRecorder, tuning: OctokitTuning = {}): Promise<Probot> {
  const probot = new Probot({
    appId: 123,
    privateKey,
    Octokit: appOctokit({ retryAfterBaseValue: 1, ...tuning }),
    log: pino({ level: "silent" }),
  });
  await probot.load(gitopsIngest({ recorder, checkStartAfterMs: 0 }));
  return probot;
}

type EventName = "push" | "check_run" | "check_suite";

/** Delivers a webhook the way Probot's middleware would after verifying its signature. */
export async function deliver(probot: Probot, name: EventName, payload: object, id = randomUUID()) {
  await probot.receive({ id, name, payload } as unknown as EmitterWebhookEvent);
  return id;
}

/** The repository's GraphQL node id, as payloads carry it. */
export const REPO_NODE_ID = "R_kgDOtest";

/** A GraphQL request body: is it the branch's compare-and-swap mutation? */
const isUpdateRefs = (body: unknown) =>
  JSON.stringify(typeof body === "string" ? JSON.parse(body) : body).includes("updateRefs(");

/** What GET /app answers: the app these tests run as. */
export const OWN_APP = { id: 123, slug: APP_SLUG };

export interface CheckEventOptions {
  action?: "rerequested" | "requested_action";
  name?: string;
  /** The app that owns the check (default: this one). */
  app?: { id: number; slug: string };
  headBranch?: string;
  headSha?: string;
  requestedAction?: string;
}

/** A check_run event on one of `app`'s check runs, in the suite of `headBranch`. */
export function checkRunEvent(repoId: number, o: CheckEventOptions = {}) {
  const headSha = o.headSha ?? sha("check-event-head");
  return {
    action: o.action ?? "rerequested",
    ...(o.requestedAction ? { requested_action: { identifier: o.requestedAction } } : {}),
    check_run: {
      id: 7,
      name: o.name ?? "gitops-ingest",
      app: o.app ?? OWN_APP,
      head_sha: headSha,
      status: "completed",
      check_suite: { id: 8, head_branch: o.headBranch ?? "main", head_sha: headSha },
    },
    ...checkEventEnvelope(repoId),
  };
}

/** A check_suite "rerequested" event on `app`'s suite. */
export function checkSuiteEvent(repoId: number, o: CheckEventOptions = {}) {
  return {
    action: "rerequested",
    check_suite: {
      id: 8,
      head_branch: o.headBranch ?? "main",
      head_sha: o.headSha ?? sha("check-event-head"),
      app: o.app ?? OWN_APP,
    },
    ...checkEventEnvelope(repoId),
  };
}

function checkEventEnvelope(repoId: number) {
  return {
    repository: repositoryPayload(repoId),
    installation: { id: INSTALLATION_ID },
    sender: { login: "dev", type: "User" },
  };
}

export function repositoryPayload(repoId: number) {
  return {
    id: repoId,
    node_id: REPO_NODE_ID,
    name: REPO,
    full_name: FULL_NAME,
    private: true,
    owner: { login: OWNER, type: "Organization" },
    default_branch: "main",
  };
}

export interface PushOptions {
  repoId: number;
  after: string;
  before?: string;
  ref?: string;
  /** Paths the pushed commit added. */
  added?: string[];
  sender?: string;
  message?: string;
  deleted?: boolean;
}

export function pushPayload(o: PushOptions) {
  const commit = {
    id: o.after,
    tree_id: sha(`tree-of-${o.after}`),
    message: o.message ?? "Add fabric files",
    timestamp: "2025-01-01T00:00:00Z",
    author: { name: "Dev", email: "dev@example.com" },
    committer: { name: "Dev", email: "dev@example.com" },
    added: o.added ?? [],
    modified: [],
    removed: [],
  };
  return {
    ref: o.ref ?? "refs/heads/main",
    before: o.before ?? sha(`before-${o.after}`),
    after: o.deleted ? "0000000000000000000000000000000000000000" : o.after,
    created: false,
    deleted: o.deleted ?? false,
    forced: false,
    commits: o.deleted ? [] : [commit],
    head_commit: o.deleted ? null : commit,
    repository: repositoryPayload(o.repoId),
    installation: { id: INSTALLATION_ID },
    sender: { login: o.sender ?? "dev", type: o.sender?.endsWith("[bot]") ? "Bot" : "User" },
  };
}

/** One request nock answered. */
export interface Call {
  method: string;
  path: string;
  /** The JSON body, parsed; undefined when there was none. */
  body: unknown;
}

/** The files of a commit: path → text. */
export type Files = Record<string, string>;

/** What GitHub's GraphQL API gives for one blob. */
export interface GraphqlBlob {
  oid: string;
  isBinary: boolean;
  isTruncated: boolean;
  text: string;
}

/**
 * GitHub as nock plays it, for one test. Each method mocks one kind of request with the reply
 * GitHub would give; `calls` lists every request answered, in order, with its body.
 */
export class FakeGitHub {
  readonly scope: nock.Scope;
  readonly calls: Call[] = [];
  /** Requests no interceptor matched (nock refuses them: the app sees a network error). */
  readonly unmatched: string[] = [];
  /** Blob SHA → text of every blob in a tree served so far (for the GraphQL replies). */
  private readonly blobs = new Map<string, string>();
  private readonly onNoMatch = (req: { method?: string; path?: string; href?: string }) => {
    this.unmatched.push(`${req.method ?? "?"} ${req.path ?? req.href ?? "?"}`);
  };

  constructor() {
    this.scope = nock(API);
    this.scope.on("request", (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
      this.calls.push({ method: req.method, path: req.path, body: body ? JSON.parse(body) : undefined });
    });
    nock.emitter.on("no match", this.onNoMatch);
  }

  dispose(): void {
    nock.emitter.off("no match", this.onNoMatch);
  }

  /** "METHOD /path" of every answered request, in order. */
  sequence(): string[] {
    return this.calls.map((c) => `${c.method} ${c.path}`);
  }

  /** Bodies of the requests with this method and path (the path without its query), in order. */
  bodies<T = Record<string, unknown>>(method: string, path: string): T[] {
    return this.calls
      .filter((c) => c.method === method && c.path.split("?")[0] === path)
      .map((c) => c.body as T);
  }

  /** GET /app: the app's own slug (for its `<slug>[bot]` login). */
  appInfo(): this {
    this.scope.get("/app").reply(200, { ...OWN_APP, name: APP_SLUG });
    return this;
  }

  /** POST the installation token request. */
  token(): this {
    this.scope.post(`/app/installations/${INSTALLATION_ID}/access_tokens`).reply(201, {
      token: "ghs_test",
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      permissions: { checks: "write", contents: "write" },
      repository_selection: "all",
    });
    return this;
  }

  /** No `.github/gitops-ingest.yml` in the repository nor in the owner's `.github` repository. */
  noConfig(): this {
    this.scope
      .get(repoPath(`/contents/${CONFIG_PATH}`))
      .reply(404, { message: "Not Found" })
      .get(`/repos/${OWNER}/.github/contents/${CONFIG_PATH}`)
      .reply(404, { message: "Not Found" });
    return this;
  }

  /**
   * The repository's `.github/gitops-ingest.yml`. Probot asks for it with `Accept: …raw`, and
   * GitHub then answers with the file's bytes (not the base64 JSON of the default media type).
   */
  config(text: string): this {
    this.scope
      .get(repoPath(`/contents/${CONFIG_PATH}`))
      .reply(200, text, { "content-type": "application/vnd.github.raw; charset=utf-8" });
    return this;
  }

  /** GET the commit's recursive tree (asked for by commit SHA); returns the tree SHA. */
  commit(commitSha: string, files: Files): string {
    const entries = Object.entries(files).map(([path, text]) => {
      const oid = blobSha(text);
      this.blobs.set(oid, text);
      return { path, mode: "100644", type: "blob", sha: oid, size: encoder.encode(text).byteLength };
    });
    const treeSha = sha(`tree:${JSON.stringify(entries)}`);
    this.scope
      .get(repoPath(`/git/trees/${commitSha}`))
      .query({ recursive: "1" })
      .reply(200, { sha: treeSha, tree: entries, truncated: false });
    return treeSha;
  }

  /**
   * POST /graphql, `times` queries: each reply gives, for every aliased `bN: object(oid: "…")`
   * field of the query, the blob's text from the trees served so far (or what `answer` makes of it).
   */
  graphql(times = 1, answer: (blob: GraphqlBlob) => GraphqlBlob | null = (blob) => blob): this {
    this.scope
      .post("/graphql", (body) => !isUpdateRefs(body))
      .times(times)
      .reply(200, (_uri, body) => {
        const { query } = (typeof body === "string" ? JSON.parse(body) : body) as { query: string };
        const repository: Record<string, GraphqlBlob | null> = {};
        for (const [, alias = "", oid = ""] of query.matchAll(/(b\d+): object\(oid: "([0-9a-f]{40})"\)/g)) {
          const text = this.blobs.get(oid);
          repository[alias] =
            text === undefined ? null : answer({ oid, isBinary: false, isTruncated: false, text });
        }
        return { data: { repository } };
      });
    return this;
  }

  /** GET git/blobs/:sha (REST, base64) for a blob of a tree served before. */
  restBlob(oid: string): this {
    const text = this.blobs.get(oid);
    if (text === undefined) throw new Error(`no blob ${oid} in the trees served so far`);
    this.scope.get(repoPath(`/git/blobs/${oid}`)).reply(200, {
      sha: oid,
      size: encoder.encode(text).byteLength,
      encoding: "base64",
      content: Buffer.from(text).toString("base64"),
    });
    return this;
  }

  /** POST check-runs: the next created check run gets this id. */
  createCheck(id: number): this {
    this.scope.post(repoPath("/check-runs")).reply(201, (_uri, body) => ({
      id,
      ...(typeof body === "string" ? JSON.parse(body) : body),
    }));
    return this;
  }

  /** PATCH check-runs/:id, `times` times. */
  updateCheck(id: number, times = 1): this {
    this.scope
      .patch(repoPath(`/check-runs/${id}`))
      .times(times)
      .reply(200, { id });
    return this;
  }

  /** POST git/trees, answered with these tree SHAs in order. */
  createTrees(...shas: string[]): this {
    for (const s of shas) this.scope.post(repoPath("/git/trees")).reply(201, { sha: s, tree: [] });
    return this;
  }

  /** POST git/commits, answered with this commit SHA. */
  createCommit(commitSha: string): this {
    this.scope.post(repoPath("/git/commits")).reply(201, { sha: commitSha });
    return this;
  }

  /**
   * The branch's compare-and-swap (GraphQL `updateRefs` with `beforeOid`): applied, or refused
   * because the branch is no longer at `beforeOid` (a 200 with `errors`, as GraphQL answers).
   */
  updateRef(_branch: string, outcome: "ok" | "stale" = "ok"): this {
    this.scope.post("/graphql", isUpdateRefs).reply(
      200,
      outcome === "ok"
        ? { data: { updateRefs: { clientMutationId: null } } }
        : {
            data: { updateRefs: null },
            errors: [{ type: "UNPROCESSABLE", path: ["updateRefs"], message: "A ref update failed: stale" }],
          },
    );
    return this;
  }

  /** GET git/ref/heads%2F<branch>: the branch head. */
  getRef(branch: string, head: string): this {
    this.scope
      .get(repoPath(`/git/ref/heads%2F${branch}`))
      .reply(200, { ref: `refs/heads/${branch}`, object: { type: "commit", sha: head } });
    return this;
  }
}
