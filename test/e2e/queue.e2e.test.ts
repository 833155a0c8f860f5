/**
 * Nothing missed, through the real path: signed webhooks over HTTP, the GitHub stand-in on a real
 * bare git repository, and the app's durable job queue, on the embedded database and on real
 * Postgres (DATABASE_URL). Installation backfill, a big push answered at once, a SIGKILL right
 * after the answer, a lost webhook found by the reconcile sweep, two instances sharing one
 * database, and a suspended installation.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listImports } from "../../src/db/imports.js";
import {
  APP_ID,
  gitIn,
  type Harness,
  INSTALLATION_ID,
  OWNER,
  postWebhook,
  pushPayloadFor,
  REPO,
  REPO_ID,
  SECRET,
  startHarness,
} from "../support/e2e.js";
import { FABRIC_ROOT, manyVpcFiles, RAW, sampleInbox, vpcYaml } from "../support/fabric.js";
import { pushFiles, type Standin, startStandin } from "../support/github-standin/index.js";
import { freshPostgresSchema } from "../support/postgres-schema.js";
import { type ServerProcess, startServerProcess, TEST_PRIVATE_KEY } from "../support/server-process.js";

const DATABASE_URL = process.env.DATABASE_URL;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Backend {
  name: string;
  /** Harness database options: a fresh schema on Postgres, a fresh embedded database otherwise. */
  database(): Promise<{ databaseUrl?: string; dataDir?: string; env: Record<string, string> }>;
}
const embedded: Backend = {
  name: "the embedded database",
  async database() {
    const dir = await mkdtemp(join(tmpdir(), "gitops-queue-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return { dataDir: join(dir, "pglite"), env: {} };
  },
};
const postgres: Backend = {
  name: "Postgres",
  async database() {
    const schema = await freshPostgresSchema(DATABASE_URL ?? "", cleanups);
    return { databaseUrl: DATABASE_URL, env: { DATABASE_SCHEMA: schema } };
  },
};
const backends = DATABASE_URL ? [embedded, postgres] : [embedded];

async function standin(): Promise<Standin> {
  const gh = await startStandin({ owner: OWNER, repo: REPO, installationId: INSTALLATION_ID, appId: APP_ID });
  cleanups.push(() => gh.close());
  return gh;
}

/** The environment of the app started as a process, as `npm start` runs it. */
function processEnv(
  gh: Standin,
  database: { databaseUrl?: string; dataDir?: string; env: Record<string, string> },
): Record<string, string> {
  return {
    APP_ID: String(APP_ID),
    PRIVATE_KEY: TEST_PRIVATE_KEY,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: gh.url.replace(/^http:\/\//, ""),
    GHE_PROTOCOL: "http",
    LOG_LEVEL: "info",
    RECONCILE_INTERVAL: "0",
    QUEUE_HEARTBEAT: "0.5",
    ...database.env,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : { DATA_DIR: database.dataDir ?? "" }),
  };
}

/**
 * Pushes files to an empty branch and delivers the webhook (answered 200); the app process gets
 * `signal` as its job writes the ingestion's tree, and GitHub holds that answer for `holdMs`.
 * Resolves with the pushed commit once the process has exited.
 */
async function pushAndSignalMidJob(
  gh: Standin,
  app: ServerProcess,
  files: Record<string, string>,
  signal: NodeJS.Signals,
  holdMs = 0,
): Promise<string> {
  const after = await pushFiles(gh, "main", files, `${Object.keys(files).length} files`);
  let exited: Promise<void> | undefined;
  gh.beforeNext({ method: "POST", path: /\/git\/trees$/ }, async () => {
    exited = app.kill(signal);
    await new Promise((r) => setTimeout(r, holdMs));
  });
  const response = await postWebhook(
    app.url,
    "push",
    pushPayloadFor(gh, "0".repeat(40), after, Object.keys(files)),
  );
  expect(response.status).toBe(200);
  for (let i = 0; i < 600 && !exited; i++) await new Promise((r) => setTimeout(r, 50));
  expect(exited).toBeDefined();
  await exited;
  return after;
}

async function harness(options: Parameters<typeof startHarness>[0]): Promise<Harness> {
  const h = await startHarness(options);
  cleanups.push(() => h.stop());
  return h;
}

const installation = { id: INSTALLATION_ID, account: { login: OWNER, id: 1, type: "Organization" } };
const repositories = [{ id: REPO_ID, name: REPO, full_name: `${OWNER}/${REPO}`, private: true }];

const lsTree = async (gh: Standin, treeish: string) =>
  (await gitIn(gh, "ls-tree", "-r", "--name-only", treeish)).split("\n").filter(Boolean);
/** The files waiting in raw/ (the app keeps the folder with a .gitkeep). */
const rawFiles = async (gh: Standin, treeish: string) =>
  (await lsTree(gh, treeish)).filter((p) => p.startsWith(`${RAW}/`) && !p.endsWith("/.gitkeep"));

describe.each(backends)("the job queue on $name", { timeout: 180_000 }, (backend) => {
  it("ingests files committed before the installation once it is created, with no push event", async () => {
    const gh = await standin();
    const waiting = await pushFiles(gh, "main", sampleInbox(), "files from before the app");
    const h = await harness({ gh, ...(await backend.database()) });

    const status = await h.deliver("installation", {
      action: "created",
      installation,
      repositories,
      sender: { login: "alice" },
    });
    expect(status).toBe(200);
    const [check] = await h.waitForChecks(waiting);
    expect(check).toMatchObject({
      conclusion: "success",
      output: { title: "Ingested 48 resources from 3 files" },
    });
    const head = await h.head();
    expect(await gitIn(h.gh, "rev-parse", `${head}^`)).toBe(waiting);
    expect(await rawFiles(h.gh, head)).toEqual([]);
    expect((await lsTree(h.gh, head)).filter((p) => p.startsWith(`${FABRIC_ROOT}/managed/`))).toHaveLength(
      48,
    );
    const imports = await listImports(h.app.database.db, { repo: REPO_ID });
    expect(imports.map((i) => [i.sourceCommit, i.status])).toEqual([[waiting, "committed"]]);
  });

  it("answers the webhook of a 300-file push within 1 s, and does the work after the answer", async () => {
    const h = await harness(await backend.database());
    const files = manyVpcFiles(300);
    const after = await pushFiles(h.gh, "main", files, "300 files");
    const started = Date.now();
    const response = await postWebhook(
      h.appUrl,
      "push",
      pushPayloadFor(h.gh, "0".repeat(40), after, Object.keys(files)),
      randomUUID(),
    );
    const answeredMs = Date.now() - started;
    expect(response.status).toBe(200);
    // Answered before the work: nothing committed and no check completed yet.
    expect(await h.head()).toBe(after);
    expect(h.checkRunsFor(after).filter((c) => c.status === "completed")).toEqual([]);
    expect(answeredMs).toBeLessThan(1_000);

    await h.idle();
    const [check] = await h.waitForChecks(after);
    expect(check?.output.title).toBe("Ingested 300 resources from 300 files");
    expect(await gitIn(h.gh, "rev-parse", "main^")).toBe(after);
  });

  it("ingests a push exactly once, with its check run completed, after a SIGKILL right after the answer", async () => {
    const gh = await standin();
    const database = await backend.database();
    const env = processEnv(gh, database);
    let app: ServerProcess = await startServerProcess(env);
    cleanups.push(() => app.stop());

    // The app dies as it writes the ingestion's tree: the job has begun, nothing has landed.
    const after = await pushAndSignalMidJob(gh, app, manyVpcFiles(20), "SIGKILL");
    expect((await gitIn(gh, "rev-parse", "main")).trim()).toBe(after);
    expect(gh.checkRuns().filter((c) => c.head_sha === after && c.status === "completed")).toEqual([]);

    app = await startServerProcess(env);
    for (let i = 0; i < 1200; i++) {
      if (gh.checkRuns().some((c) => c.head_sha === after && c.status === "completed")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const checks = gh.checkRuns().filter((c) => c.head_sha === after);
    expect(checks.every((c) => c.status === "completed")).toBe(true);
    expect(checks.at(-1)).toMatchObject({
      conclusion: "success",
      output: { title: "Ingested 20 resources from 20 files" },
    });
    // Exactly once: one ingestion commit on top of the push, and the raw files archived once.
    const head = (await gitIn(gh, "rev-parse", "main")).trim();
    expect((await gitIn(gh, "rev-parse", `${head}^`)).trim()).toBe(after);
    const tree = await lsTree(gh, head);
    expect(await rawFiles(gh, head)).toEqual([]);
    expect(tree.filter((p) => p.startsWith(`${FABRIC_ROOT}/managed/`))).toHaveLength(20);
    await app.stop();
  });

  it("finishes the running job on SIGTERM, then exits 0", async () => {
    const gh = await standin();
    const database = await backend.database();
    const app = await startServerProcess(processEnv(gh, database));
    cleanups.push(() => app.stop());
    // SIGTERM arrives while the job writes its tree, and GitHub is slow to answer that request.
    const after = await pushAndSignalMidJob(gh, app, manyVpcFiles(5), "SIGTERM", 1_500);
    expect(app.exitCode()).toBe(0);
    // The job was let finish: its commit landed and its check run is completed.
    const head = (await gitIn(gh, "rev-parse", "main")).trim();
    expect((await gitIn(gh, "rev-parse", `${head}^`)).trim()).toBe(after);
    expect(
      gh
        .checkRuns()
        .filter((c) => c.head_sha === after)
        .map((c) => [c.status, c.conclusion]),
    ).toEqual([["completed", "success"]]);
  });

  it("finds a push whose webhook never arrived within one reconcile interval, and later sweeps commit nothing", async () => {
    const database = await backend.database();
    const h = await harness({ ...database, env: { ...database.env, RECONCILE_INTERVAL: "2" } });
    // A first push with its webhook: the app now knows the repository.
    const first = await h.push({ [`${RAW}/a.yaml`]: vpcYaml("a", 1, 1001) });
    await h.waitForChecks(first.after);

    const lost = await pushFiles(h.gh, "main", { [`${RAW}/b.yaml`]: vpcYaml("b", 2, 1002) }, "webhook lost");
    const [check] = await h.waitForChecks(lost);
    expect(check?.output.title).toBe("Ingested 1 resource from 1 file");
    const head = await h.head();
    expect(await gitIn(h.gh, "rev-parse", `${head}^`)).toBe(lost);
    // The check is completed first, then the outcome recorded.
    await h.idle();
    const imports = await listImports(h.app.database.db, { repo: REPO_ID });
    expect(imports.map((i) => [i.sourceCommit, i.trigger, i.status])).toEqual([
      [lost, "reconcile", "committed"],
      [first.after, "push", "committed"],
    ]);

    // The next sweep reads the branch once more (the head moved to the app's commit, raw/ is empty),
    // and from then on the branch is idle: each sweep is one conditional read, answered 304.
    const ingested = h.gh.requests.length;
    await h.waitFor("an idle sweep", () => h.gh.requests.slice(ingested).some((r) => r.status === 304));
    const seen = h.gh.requests.length;
    await new Promise((r) => setTimeout(r, 6_500));
    await h.idle();
    expect(await h.head()).toBe(head);
    const later = h.gh.requests.slice(seen).filter((r) => !r.path.endsWith("/access_tokens"));
    expect(later.length).toBeGreaterThanOrEqual(2);
    expect(later.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(
      later.map(() => `GET /repos/${OWNER}/${REPO}/git/ref/heads/main 304`),
    );
  });

  it("does no work for a suspended installation, and catches up once it is unsuspended", async () => {
    const h = await harness(await backend.database());
    const first = await h.push({ [`${RAW}/a.yaml`]: vpcYaml("a", 1, 1001) });
    await h.waitForChecks(first.after);
    const suspend = { installation, sender: { login: "alice" } };
    expect(await h.deliver("installation", { action: "suspend", ...suspend })).toBe(200);

    const pushed = await h.push({ [`${RAW}/b.yaml`]: vpcYaml("b", 2, 1002) });
    expect(pushed.status).toBe(200);
    await h.idle();
    expect(await h.head()).toBe(pushed.after);
    expect(h.checkRunsFor(pushed.after)).toEqual([]);
    expect(await lsTree(h.gh, pushed.after)).toContain(`${RAW}/b.yaml`);

    expect(await h.deliver("installation", { action: "unsuspend", ...suspend })).toBe(200);
    const [check] = await h.waitForChecks(pushed.after);
    expect(check?.output.title).toBe("Ingested 1 resource from 1 file");
    expect(await gitIn(h.gh, "rev-parse", "main^")).toBe(pushed.after);
  });
});

describe.runIf(DATABASE_URL)("two instances on one Postgres", { timeout: 300_000 }, () => {
  it("ingest every raw file of ten pushes, each delivered to both at once, exactly once and in a linear history", async () => {
    const database = await postgres.database();
    const one = await harness(database);
    const two = await harness({ ...database, gh: one.gh });
    const gh = one.gh;
    for (let i = 1; i <= 10; i++) {
      // The repository is empty before the first push.
      const before = i === 1 ? "0".repeat(40) : (await gitIn(gh, "rev-parse", "main")).trim();
      const file = { [`${RAW}/vpc-${i}.yaml`]: vpcYaml(`vpc-${i}`, i, 1000 + i) };
      const after = await pushFiles(gh, "main", file, `push ${i}`);
      const payload = pushPayloadFor(gh, before, after, Object.keys(file));
      const delivery = randomUUID();
      const statuses = await Promise.all([
        one.deliver("push", payload, delivery, { wait: false }),
        two.deliver("push", payload, delivery, { wait: false }),
      ]);
      expect(statuses).toEqual([200, 200]);
    }
    await one.idle();
    await two.idle();

    const head = (await gitIn(gh, "rev-parse", "main")).trim();
    const tree = await lsTree(gh, head);
    expect(await rawFiles(gh, head)).toEqual([]);
    const managed = tree.filter((p) => p.startsWith(`${FABRIC_ROOT}/managed/`));
    expect(managed).toHaveLength(10);
    // Linear: no merge commit, and every commit has at most one parent.
    expect((await gitIn(gh, "rev-list", "--merges", "main")).trim()).toBe("");
    // Each resource was created once and never rewritten: one commit touched each managed file.
    for (const path of managed) {
      const touched = (await gitIn(gh, "log", "--format=%H", "main", "--", path)).trim().split("\n");
      expect(touched).toHaveLength(1);
    }
    const imports = await listImports(one.app.database.db, { repo: REPO_ID, limit: 100 });
    // What landed: the committed imports (a run the branch moved under records "superseded").
    const created = imports
      .filter((i) => i.status === "committed")
      .reduce((sum, i) => sum + i.resourcesCreated, 0);
    expect(created).toBe(10);
    expect(imports.every((i) => i.status !== "pending")).toBe(true);
  });
});
