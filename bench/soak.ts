/**
 * `npm run soak` (not part of `npm test`): many pushes to many repositories, ingested by two app
 * instances sharing one Postgres, all through the GitHub stand-in (a real bare git repository per
 * repository behind one router URL; every request checked against GitHub's OpenAPI and GraphQL
 * descriptions).
 *
 * Each repository gets PUSHES pushes of 1–3 new raw VPC files, one after another with a short
 * random pause; repositories push in parallel. Each webhook goes to one instance chosen at random,
 * every 5th to both at once (a duplicate delivery). Then it waits until every push is covered by a
 * completed check run and the queue is empty, and checks with real git and SQL that every raw file
 * was ingested exactly once. Figures go to bench/soak-results.json; exit 1 if any check failed.
 *
 * Latency of a push: from its webhook to the first completed check run on its commit or on a later
 * pushed commit of the same repository (pushes that arrive while a job waits are merged into one
 * run, whose check run is on the head it ingested, and that head contains the earlier pushes).
 *
 *   DATABASE_URL=postgres://… npm run soak [-- --repos 20 --pushes 10 --pause 500 --seed 1 --reconcile 30]
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { SOURCE_TRAILER } from "../src/report/commit-message.js";
import { APP_ID, postWebhook, pushPayloadFor, SECRET } from "../test/support/e2e.js";
import { FABRIC_ROOT, RAW, vpcYaml } from "../test/support/fabric.js";
import {
  gitIn,
  pushFiles,
  type Standin,
  startRouter,
  startStandin,
} from "../test/support/github-standin/index.js";
import { type ServerProcess, startServerProcess, TEST_PRIVATE_KEY } from "../test/support/server-process.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const REPOS = arg("repos", 20);
const PUSHES = arg("pushes", 10);
const SEED = arg("seed", Date.now() % 100_000);
/** RECONCILE_INTERVAL of the instances (0: no sweep). */
const RECONCILE = arg("reconcile", 30);
/** Longest random pause between two pushes of one repository, in ms (the shortest is 50). */
const PAUSE_MS = arg("pause", 500);
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const DEADLINE_MS = 600_000;

/** mulberry32: a seeded generator, so a run can be repeated with --seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(SEED);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Push {
  repo: number;
  index: number;
  sha: string;
  files: number;
  at: number;
  duplicate: boolean;
  /** Webhook → first completed check covering it, in ms. */
  latencyMs?: number;
}

interface Repository {
  gh: Standin;
  githubId: number;
  vpcs: string[];
  pushes: Push[];
}

const failures: string[] = [];
const fail = (message: string) => {
  failures.push(message);
  console.error(`FAIL ${message}`);
};

/**
 * When a successful check run was first seen completed (polled), by commit. A run superseded by a
 * push that landed meanwhile ends neutral and ingests nothing: the next run covers its files.
 */
const completedAt = new Map<string, number>();
function watchChecks(repositories: Repository[]) {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const { gh } of repositories)
      for (const c of gh.checkRuns())
        if (c.conclusion === "success" && !completedAt.has(c.head_sha)) completedAt.set(c.head_sha, now);
  }, 50);
  return () => clearInterval(timer);
}

/** A push by someone else may land between read and write: pull and push again, like git does. */
async function pushWithRetry(gh: Standin, files: Record<string, string>, message: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pushFiles(gh, "main", files, message);
    } catch (error) {
      if (attempt >= 20 || !String(error).includes("moved while committing")) throw error;
    }
  }
}

async function pushAll(repository: Repository, r: number, apps: ServerProcess[], counter: { n: number }) {
  const { gh } = repository;
  for (let p = 1; p <= PUSHES; p++) {
    const count = 1 + Math.floor(rand() * 3);
    const files: Record<string, string> = {};
    for (let f = 1; f <= count; f++) {
      const k = repository.vpcs.length + 1;
      // Hedgehog VPC names are at most 11 characters.
      const name = `v${r}-${k}`;
      repository.vpcs.push(name);
      files[`${RAW}/p${p}-f${f}.yaml`] = vpcYaml(name, k, 1000 + k);
    }
    const sha = await pushWithRetry(gh, files, `push ${p} to ${gh.repo}`);
    const before = await gitIn(gh, "rev-parse", `${sha}^`);
    const payload = pushPayloadFor(gh, before, sha, Object.keys(files), {
      repositoryId: repository.githubId,
    });
    const duplicate = ++counter.n % 5 === 0;
    const targets = duplicate ? apps : [apps[Math.floor(rand() * apps.length)] as ServerProcess];
    const delivery = randomUUID();
    const push: Push = { repo: r, index: p, sha, files: count, at: Date.now(), duplicate };
    repository.pushes.push(push);
    const statuses = await Promise.all(
      targets.map(async (app) => {
        const response = await postWebhook(app.url, "push", payload, delivery);
        await response.text();
        return response.status;
      }),
    );
    if (statuses.some((s) => s !== 200))
      fail(`${gh.repo} push ${p}: webhook answered ${statuses.join(", ")}`);
    await sleep(50 + rand() * Math.max(0, PAUSE_MS - 50));
  }
}

/** The first completed check on the push's commit or on a later push's commit covers it. */
function coverage(repository: Repository): boolean {
  let covered = true;
  let earliest = Number.POSITIVE_INFINITY;
  for (const push of [...repository.pushes].reverse()) {
    earliest = Math.min(earliest, completedAt.get(push.sha) ?? Number.POSITIVE_INFINITY);
    if (Number.isFinite(earliest)) push.latencyMs = earliest - push.at;
    else covered = false;
  }
  return covered;
}

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Jobs other than the reconcile sweep, and imports still pending. */
async function outstanding(schema: string): Promise<{ jobs: number; pending: number }> {
  const [jobs] = await sql<{ n: string }>(
    `select count(*) as n from "${schema}_jobs"._private_jobs j join "${schema}_jobs"._private_tasks t on t.id = j.task_id where t.identifier <> 'reconcile'`,
  );
  const [pending] = await sql<{ n: string }>(
    `select count(*) as n from "${schema}".imports where status = 'pending'`,
  );
  return { jobs: Number(jobs?.n ?? 0), pending: Number(pending?.n ?? 0) };
}

async function verifyRepository(repository: Repository, schema: string) {
  const { gh } = repository;
  const head = await gitIn(gh, "rev-parse", "main");
  const tree = (await gitIn(gh, "ls-tree", "-r", "--name-only", head)).split("\n").filter(Boolean);
  const raw = tree.filter((p) => p.startsWith(`${RAW}/`));
  if (raw.join() !== `${RAW}/.gitkeep`) fail(`${gh.repo}: raw/ holds ${JSON.stringify(raw)}`);
  const managed = tree.filter((p) => p.startsWith(`${FABRIC_ROOT}/managed/`));
  const names = managed.map((p) => p.slice(p.lastIndexOf("/") + 1).replace(/\.yaml$/, "")).sort();
  const expected = [...repository.vpcs].sort();
  if (names.join() !== expected.join())
    fail(`${gh.repo}: managed/ holds ${managed.length} files for ${expected.length} VPCs`);
  for (const path of managed) {
    const touched = (await gitIn(gh, "log", "--format=%H", head, "--", path)).split("\n").filter(Boolean);
    if (touched.length !== 1) fail(`${gh.repo}: ${path} touched by ${touched.length} commits`);
  }
  if ((await gitIn(gh, "rev-list", "--merges", head)) !== "") fail(`${gh.repo}: merge commits in history`);
  const [created] = await sql<{ n: string }>(
    `select coalesce(sum(resources_created), 0) as n from "${schema}".imports where repository_id = $1 and status = 'committed'`,
    [repository.githubId],
  );
  if (Number(created?.n) !== expected.length)
    fail(`${gh.repo}: imports record ${created?.n} resources created for ${expected.length} VPCs`);
  let superseded = 0;
  for (const c of gh.checkRuns()) {
    if (c.status !== "completed") fail(`${gh.repo}: check run ${c.id} left ${c.status}`);
    else if (c.conclusion === "neutral" && c.output.title?.startsWith("Superseded")) superseded++;
    else if (c.conclusion !== "success")
      fail(`${gh.repo}: check run ${c.id} concluded ${c.conclusion}: ${c.output.title}`);
  }
  const bad = gh.requests.filter((r) => r.invalid || r.unhandled || r.error || r.status === 401);
  for (const r of bad.slice(0, 5))
    fail(`${gh.repo}: ${r.method} ${r.path} ${r.status} ${r.invalid?.join("; ") ?? r.error ?? ""}`);
  const ingestions = await gitIn(gh, "rev-list", "--count", `--grep=^${SOURCE_TRAILER}: `, head);
  return { ingestionCommits: Number(ingestions), superseded };
}

/** Error-level log lines of an instance (pino JSON, level ≥ 50). */
const errorLines = (app: ServerProcess) =>
  app
    .output()
    .split("\n")
    .filter((line) => /"level":(50|60)/.test(line));

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function main() {
  const schema = `soak_${randomUUID().slice(0, 8)}`;
  const cleanups: (() => Promise<unknown>)[] = [
    () => sql(`drop schema if exists "${schema}" cascade`),
    () => sql(`drop schema if exists "${schema}_jobs" cascade`),
  ];
  console.log(
    `soak: ${REPOS} repositories × ${PUSHES} pushes, two instances, schema ${schema}, seed ${SEED}`,
  );
  try {
    const repositories: Repository[] = [];
    for (let r = 1; r <= REPOS; r++) {
      const gh = await startStandin({
        owner: "netops",
        repo: `fabric-${r}`,
        installationId: 100 + r,
        appId: APP_ID,
      });
      cleanups.push(() => gh.close());
      await pushFiles(gh, "main", { [`${RAW}/.gitkeep`]: "" }, "raw/ folder");
      repositories.push({ gh, githubId: 9000 + r, vpcs: [], pushes: [] });
    }
    const router = await startRouter(repositories.map((r) => r.gh));
    cleanups.push(() => router.close());
    const env = {
      APP_ID: String(APP_ID),
      PRIVATE_KEY: TEST_PRIVATE_KEY,
      WEBHOOK_SECRET: SECRET,
      GHE_HOST: router.url.replace(/^http:\/\//, ""),
      GHE_PROTOCOL: "http",
      LOG_LEVEL: "info",
      DATABASE_URL,
      DATABASE_SCHEMA: schema,
      RECONCILE_INTERVAL: String(RECONCILE),
      QUEUE_HEARTBEAT: "2",
    };
    // Both at once, as two replicas of a deployment start.
    const apps = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    for (const app of apps) cleanups.push(() => app.stop());
    const stopWatching = watchChecks(repositories);

    const started = Date.now();
    const counter = { n: 0 };
    await Promise.all(repositories.map((repository, i) => pushAll(repository, i + 1, apps, counter)));
    const pushedSeconds = (Date.now() - started) / 1000;
    console.log(`pushed in ${pushedSeconds.toFixed(1)} s; waiting for the ingestions…`);

    let done = false;
    let left = { jobs: -1, pending: -1 };
    while (Date.now() - started < DEADLINE_MS) {
      const covered = repositories.every(coverage);
      if (covered) {
        left = await outstanding(schema);
        if (left.jobs === 0 && left.pending === 0) {
          done = true;
          break;
        }
      }
      await sleep(100);
    }
    const last = Math.max(...repositories.flatMap((r) => r.pushes.map((p) => p.at + (p.latencyMs ?? 0))));
    const totalSeconds = (last - started) / 1000;
    stopWatching();
    if (!done)
      fail(
        `not everything ingested after ${DEADLINE_MS / 1000} s (jobs ${left.jobs}, pending ${left.pending})`,
      );

    let ingestionCommits = 0;
    let superseded = 0;
    for (const repository of repositories) {
      const verified = await verifyRepository(repository, schema);
      ingestionCommits += verified.ingestionCommits;
      superseded += verified.superseded;
    }
    // How long each import ran (its check run's life, roughly), by how it ended.
    const statuses = await sql<{ status: string; n: string; median: number; max: number }>(
      `select status, count(*) as n,
         round(1000 * percentile_cont(0.5) within group (order by extract(epoch from ended_at - started_at))) as median,
         round(1000 * max(extract(epoch from ended_at - started_at))) as max
       from "${schema}".imports group by status order by status`,
    );
    const pushes = repositories.flatMap((r) => r.pushes);
    const slowest = pushes.reduce((a, b) => ((b.latencyMs ?? Infinity) > (a.latencyMs ?? Infinity) ? b : a));
    // What kept the slowest push waiting: every import of its repository, in order.
    const slowRepo = repositories[slowest.repo - 1] as Repository;
    const pushOf = new Map(slowRepo.pushes.map((p) => [p.sha, p]));
    const timeline = (
      await sql<{ source_commit: string; status: string; trigger: string; started: number; ended: number }>(
        `select source_commit, status, trigger,
           round(1000 * extract(epoch from started_at)) as started, round(1000 * extract(epoch from ended_at)) as ended
         from "${schema}".imports where repository_id = $1 order by started_at`,
        [slowRepo.githubId],
      )
    ).map((i) => ({
      push: pushOf.get(i.source_commit)?.index ?? i.source_commit.slice(0, 8),
      status: i.status,
      trigger: i.trigger,
      startedMs: Number(i.started) - started,
      endedMs: Number(i.ended) - started,
    }));
    const warnings: Record<string, number> = {};
    for (const app of apps)
      for (const line of app.output().split("\n"))
        if (/"level":40/.test(line)) {
          const msg = (/"msg":"([^"]*)"/.exec(line)?.[1] ?? "?").slice(0, 80);
          warnings[msg] = (warnings[msg] ?? 0) + 1;
        }
    for (const app of apps)
      for (const line of errorLines(app).slice(0, 5)) fail(`instance logged an error: ${line.slice(0, 400)}`);
    await Promise.all(apps.map((app) => app.stop()));
    const logs = apps.map((app, i) => {
      const file = join(tmpdir(), `${schema}-instance-${i + 1}.log`);
      writeFileSync(file, app.output());
      return file;
    });

    const files = pushes.reduce((n, p) => n + p.files, 0);
    const latencies = pushes.map((p) => p.latencyMs ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
    const requests = repositories.reduce((n, r) => n + r.gh.requests.length, 0);
    const results = {
      date: new Date().toISOString(),
      seed: SEED,
      repositories: REPOS,
      instances: apps.length,
      reconcileIntervalSeconds: RECONCILE,
      pauseMs: { min: 50, max: PAUSE_MS },
      pushes: pushes.length,
      duplicateDeliveries: pushes.filter((p) => p.duplicate).length,
      files,
      pushingSeconds: Number(pushedSeconds.toFixed(2)),
      totalSeconds: Number(totalSeconds.toFixed(2)),
      pushesPerSecond: Number((pushes.length / totalSeconds).toFixed(2)),
      filesPerSecond: Number((files / totalSeconds).toFixed(2)),
      latencyMs: {
        median: Math.round(percentile(latencies, 0.5)),
        p90: Math.round(percentile(latencies, 0.9)),
        max: Math.round(latencies.at(-1) ?? 0),
      },
      slowestPush: {
        repository: `fabric-${slowest.repo}`,
        push: slowest.index,
        commit: slowest.sha,
        ms: Math.round(slowest.latencyMs ?? -1),
        // Its repository's pushes and imports, in ms since the first push of the soak.
        repositoryPushes: slowRepo.pushes.map((p) => ({
          push: p.index,
          atMs: p.at - started,
          latencyMs: p.latencyMs,
        })),
        repositoryImports: timeline,
      },
      ingestionCommits,
      supersededChecks: superseded,
      imports: Object.fromEntries(
        statuses.map((s) => [
          s.status,
          { count: Number(s.n), medianMs: Number(s.median), maxMs: Number(s.max) },
        ]),
      ),
      instanceWarnings: warnings,
      githubRequests: requests,
      failures,
    };
    console.log(
      [
        `pushes ${results.pushes} (${results.duplicateDeliveries} delivered twice), files ${files}, repositories ${REPOS}`,
        `total ${results.totalSeconds} s (pushing ${results.pushingSeconds} s)`,
        `throughput ${results.pushesPerSecond} pushes/s, ${results.filesPerSecond} files/s`,
        `push → completed check: median ${results.latencyMs.median} ms, p90 ${results.latencyMs.p90} ms, slowest ${results.latencyMs.max} ms (${results.slowestPush.repository} push ${results.slowestPush.push})`,
        `ingestion commits ${ingestionCommits}, superseded check runs ${superseded}, imports ${JSON.stringify(results.imports)}`,
        `GitHub requests ${requests}`,
        `instance warnings ${JSON.stringify(warnings)}`,
        `instance logs ${logs.join(" ")}`,
        failures.length === 0 ? "all checks passed" : `${failures.length} checks FAILED`,
      ].join("\n"),
    );
    writeFileSync(join(import.meta.dirname, "soak-results.json"), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((e: unknown) => console.error(`cleanup: ${e}`));
  }
  if (failures.length > 0) process.exitCode = 1;
}

await main();
