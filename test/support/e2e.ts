/**
 * End-to-end harness: the GitHub stand-in (a real bare git repository behind HTTP) plus the app
 * started the way `npm start` starts it, talking over HTTP. Webhooks are signed and POSTed.
 */
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer } from "node:net";
import type { Started } from "../../src/server.js";
import { start } from "../../src/server.js";
import { type CheckRunRecord, gitIn, pushFiles, type Standin, startStandin } from "./github-standin/index.js";

export const OWNER = "netops";
export const REPO = "fabric";
export const REPO_ID = 4242;
export const INSTALLATION_ID = 1;
export const SECRET = "webhook-secret-for-tests";
export const APP_ID = 12345;

/** One RSA key for every test app (Probot signs its JWTs with it; generating one per test is slow). */
const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Harness {
  gh: Standin;
  app: Started;
  appUrl: string;
  /**
   * Commits files with real git on the branch (null deletes), POSTs the signed push, and (unless
   * `wait: false`) waits until the app's queue has run what the push queued.
   */
  push(
    files: Record<string, string | Uint8Array | null>,
    message?: string,
    options?: { branch?: string; wait?: boolean },
  ): Promise<PushResult>;
  /** Waits until no job runs or is due (see push). */
  idle(): Promise<void>;
  /**
   * POSTs a signed webhook; resolves with the HTTP status once the app has answered and (unless
   * `wait: false`) its queue has run what the delivery queued.
   */
  deliver(event: string, payload: unknown, delivery?: string, options?: { wait?: boolean }): Promise<number>;
  pushPayload(
    before: string,
    after: string,
    files: string[],
    options?: { branch?: string; sender?: string; message?: string },
  ): unknown;
  checkRunsFor(sha: string): CheckRunRecord[];
  /** The completed check runs on a commit, waiting (bounded) for the app to finish. */
  waitForChecks(sha: string, count?: number): Promise<CheckRunRecord[]>;
  head(branch?: string): Promise<string>;
  /** Waits (bounded) until the predicate holds. */
  waitFor(what: string, predicate: () => boolean | Promise<boolean>): Promise<void>;
  /** The branch compare-and-swaps (GraphQL updateRefs) the app sent: each ref update, in order. */
  refUpdates(): Array<{ name: string; beforeOid: string; afterOid: string; force?: boolean }>;
  stop(): Promise<void>;
}

export interface PushResult {
  before: string;
  after: string;
  status: number;
  delivery: string;
}

export interface HarnessOptions {
  /** Reuse a running stand-in (e.g. to restart the app on the same repository); stop() leaves it running. */
  gh?: Standin;
  /** Database: a DATABASE_URL, or the embedded one in memory (default). */
  databaseUrl?: string;
  dataDir?: string;
  env?: Record<string, string>;
  /** When the check run is shown in progress (default 0: at once, so request orders do not depend on timing). */
  checkStartAfterMs?: number;
  /** Start the app exactly as `npm start` does (production pacing, retry-after and check timing). */
  production?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const gh =
    options.gh ??
    (await startStandin({ owner: OWNER, repo: REPO, installationId: INSTALLATION_ID, appId: APP_ID }));
  const port = await freePort();
  const env: Record<string, string> = {
    APP_ID: String(APP_ID),
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: SECRET,
    PORT: String(port),
    HOST: "127.0.0.1",
    GHE_HOST: gh.url.replace(/^http:\/\//, ""),
    GHE_PROTOCOL: "http",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "fatal",
    NODE_ENV: "test",
    // Tests sweep when they mean to (RECONCILE_INTERVAL on, or the CLI), and notice a dead
    // instance in seconds rather than a minute.
    RECONCILE_INTERVAL: "0",
    QUEUE_HEARTBEAT: "0.5",
    ...options.env,
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else env.DATA_DIR = options.dataDir ?? "memory://";
  // Production waits 1 s between writes and whole seconds on retry-after; tests shrink both.
  const app = options.production
    ? await start({ env })
    : await start({
        env,
        octokit: { retryAfterBaseValue: 5 },
        checkStartAfterMs: options.checkStartAfterMs ?? 0,
      });
  const appUrl = `http://127.0.0.1:${port}`;

  const deliver = async (
    event: string,
    payload: unknown,
    delivery = randomUUID(),
    opts: { wait?: boolean } = {},
  ) => {
    const response = await postWebhook(appUrl, event, payload, delivery);
    await response.text();
    // Under heavy load the webhook middleware answers 202 once its timeout passes, while the handler
    // goes on: wait until the app has gone quiet towards GitHub, so callers see the finished run.
    if (response.status === 202) await quiet();
    if (opts.wait !== false) await idle();
    return response.status;
  };
  const quiet = async () => {
    for (let seen = -1; seen !== gh.requests.length; ) {
      seen = gh.requests.length;
      await new Promise((r) => setTimeout(r, 2_000));
    }
  };

  /** Until no job runs or is due (a job put back for later does not count), then GitHub is quiet. */
  const idle = async () => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const busy = await app.queue.busyJobs().catch(() => undefined);
      // The database is down: a job may still be talking to GitHub; wait until GitHub is quiet.
      if (busy === undefined) return quiet();
      if (busy === 0) break;
      if (Date.now() > deadline) throw new Error("the job queue was still busy after 120 s");
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const head = async (branch = "main") => (await gitIn(gh, "rev-parse", `refs/heads/${branch}`)).trim();

  const pushPayload: Harness["pushPayload"] = (before, after, files, opts = {}) =>
    pushPayloadFor(gh, before, after, files, opts);

  return {
    gh,
    app,
    appUrl,
    deliver,
    pushPayload,
    head,
    idle,
    async push(files, message = "add fabric files", opts = {}) {
      const branch = opts.branch ?? "main";
      const before = await gitIn(gh, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`).catch(() =>
        "0".repeat(40),
      );
      const after = await pushFiles(gh, branch, files, message);
      const delivery = randomUUID();
      const status = await deliver(
        "push",
        pushPayload(before || "0".repeat(40), after, Object.keys(files), { branch, message }),
        delivery,
        { wait: opts.wait ?? true },
      );
      return { before, after, status, delivery };
    },
    checkRunsFor(sha) {
      return gh.checkRuns().filter((c) => c.head_sha === sha);
    },
    async waitForChecks(sha, count = 1) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const done = gh.checkRuns().filter((c) => c.head_sha === sha && c.status === "completed");
        if (done.length >= count) return done;
        if (Date.now() > deadline) throw new Error(`no completed check run on ${sha} after 60 s`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async waitFor(what, predicate) {
      const deadline = Date.now() + 60_000;
      while (!(await predicate())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    refUpdates() {
      return gh.requests
        .filter((r) => r.path === "/graphql" && JSON.stringify(r.body).includes("updateRefs("))
        .flatMap(
          (r) =>
            (r.body as { variables: { input: { refUpdates: ReturnType<Harness["refUpdates"]> } } }).variables
              .input.refUpdates,
        );
    },
    async stop() {
      await app.stop();
      // Every request the app made was one GitHub would accept (OpenAPI description, GraphQL schema).
      const invalid = gh.requests.filter((r) => r.invalid);
      if (!options.gh) await gh.close();
      if (invalid.length > 0)
        throw new Error(
          `requests GitHub would reject:\n${invalid.map((r) => `${r.method} ${r.path}: ${r.invalid?.join("; ")}`).join("\n")}`,
        );
    },
  };
}

export { gitIn, pushFiles };

/**
 * A push of `n` raw files with two VPC documents each (distinct names, subnets and VLANs): the
 * shape of the request-count test and of bench/github-push.ts.
 */
export function twoDocumentFiles(n: number, raw = "gitops/hedgehog/fabric-1/raw"): Record<string, string> {
  const vpc = (k: number) =>
    [
      "apiVersion: vpc.githedgehog.com/v1beta1",
      "kind: VPC",
      "metadata:",
      `  name: v-${k}`,
      "  namespace: default",
      "spec:",
      "  subnets:",
      "    subnet-1:",
      `      subnet: 10.${Math.floor(k / 250)}.${k % 250}.0/24`,
      `      gateway: 10.${Math.floor(k / 250)}.${k % 250}.1`,
      `      vlan: ${1000 + k}`,
      "",
    ].join("\n");
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`${raw}/bulk/file-${i}.yaml`] = `${vpc(2 * i)}---\n${vpc(2 * i + 1)}`;
  return files;
}

/**
 * A push webhook payload as GitHub sends it for a push of `files` to the stand-in's repository: its
 * owner, name, node id and installation id. The repository id is REPO_ID unless given (the tests'
 * database queries use it).
 */
export function pushPayloadFor(
  gh: Standin,
  before: string,
  after: string,
  files: string[],
  opts: { branch?: string; sender?: string; message?: string; repositoryId?: number } = {},
): unknown {
  return {
    ref: `refs/heads/${opts.branch ?? "main"}`,
    before,
    after,
    created: before === "0".repeat(40),
    deleted: after === "0".repeat(40),
    forced: false,
    repository: {
      id: opts.repositoryId ?? REPO_ID,
      node_id: gh.repoNodeId,
      name: gh.repo,
      full_name: `${gh.owner}/${gh.repo}`,
      private: false,
      owner: { login: gh.owner, id: 1, type: "Organization" },
      default_branch: gh.defaultBranch,
    },
    installation: { id: gh.installationId, node_id: `I_${gh.installationId}` },
    sender: { login: opts.sender ?? "alice", id: 7, type: opts.sender?.endsWith("[bot]") ? "Bot" : "User" },
    pusher: { name: opts.sender ?? "alice", email: "alice@example.com" },
    commits: [
      { id: after, message: opts.message ?? "push", added: files, modified: [], removed: [], distinct: true },
    ],
    head_commit: { id: after, message: opts.message ?? "push", added: files, modified: [], removed: [] },
  };
}

/** POSTs a webhook signed with the test secret, as GitHub delivers it. */
export async function postWebhook(
  appUrl: string,
  event: string,
  payload: unknown,
  delivery: string = randomUUID(),
) {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
  return fetch(`${appUrl}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": delivery,
      "x-hub-signature-256": signature,
      "user-agent": "GitHub-Hookshot/test",
    },
    body,
  });
}
