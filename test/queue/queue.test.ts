import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import type { OpenedDatabase } from "../../src/db/connect.js";
import type { IngestJob } from "../../src/queue/jobs.js";
import { type JobContext, openJobEnqueuer, startQueue } from "../../src/queue/queue.js";
import { RetryLaterError } from "../../src/queue/retry-later.js";
import { gate, jobsLeft, type QueueDatabase, queueBackends, recordingLogger, waitFor } from "./support.js";

const push = (repositoryId: number, branch: string, n: number): IngestJob => ({
  installationId: 7,
  repositoryId,
  fullName: `acme/repo-${repositoryId}`,
  branch,
  headSha: `${String(n).padStart(2, "0")}`.repeat(20),
  trigger: "push",
  deliveryId: `delivery-${n}`,
});

// The embedded database alone takes 15–20 s to start on a loaded machine: more than vitest's 30 s default leaves.
const SLOW = { timeout: 120_000 };

/** Adds jobs to a test database's queue without running any, as the webhook handler does. */
const enqueuerOn = (database: QueueDatabase) =>
  openJobEnqueuer({
    connectionString: database.connectionString,
    workerSchema: database.workerSchema,
    log: recordingLogger(),
  });

const noBackfill = async () => {
  throw new Error("no backfill expected");
};

describe.each(queueBackends)("job queue on $name", (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(): Promise<QueueDatabase> {
    const database = await backend.open();
    cleanups.push(() => database.close());
    return database;
  }

  async function start(
    database: QueueDatabase | OpenedDatabase,
    base: QueueDatabase,
    options: Partial<Parameters<typeof startQueue>[0]>,
  ) {
    const queue = await startQueue({
      connectionString: base.connectionString,
      workerSchema: base.workerSchema,
      db: database.db,
      log: recordingLogger(),
      pollIntervalMs: 100,
      handlers: { ingest: async () => {}, backfill: noBackfill },
      ...options,
    });
    cleanups.push(() => queue.stop({ timeoutMs: 5_000 }));
    return queue;
  }

  it(
    "runs ten pushes to one branch made while the first waits as one job, with the newest push",
    SLOW,
    async () => {
      const database = await open();
      const enqueuer = await enqueuerOn(database);
      const added = [];
      for (let n = 1; n <= 10; n++) added.push(await enqueuer.enqueueIngest(push(11, "main", n)));
      await enqueuer.enqueueIngest(push(11, "lab", 11));
      await enqueuer.close();
      expect(added.map((a) => a.coalesced)).toEqual([
        false,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
      ]);
      expect(new Set(added.map((a) => a.jobId)).size).toBe(1);

      const runs: IngestJob[] = [];
      await start(database, database, {
        handlers: { ingest: async (job) => void runs.push(job), backfill: noBackfill },
      });
      await waitFor("both branches ingested", () => runs.length === 2);
      await waitFor("the jobs to be deleted", async () => (await jobsLeft(database)) === 0);
      const main = runs.filter((job) => job.branch === "main");
      expect(main).toEqual([push(11, "main", 10)]);
      expect(runs.map((job) => job.branch).sort()).toEqual(["lab", "main"]);
    },
  );

  it(
    "a waiting job that takes in newer pushes keeps the first push's before and every changed path",
    SLOW,
    async () => {
      const database = await open();
      const enqueuer = await enqueuerOn(database);
      const first = { ...push(12, "main", 1), beforeSha: "a".repeat(40), changedPaths: ["x/raw/1.yaml"] };
      const second = {
        ...push(12, "main", 2),
        beforeSha: push(12, "main", 1).headSha,
        changedPaths: ["x/raw/2.yaml"],
      };
      // A sweep's job for the same branch adds nothing to a waiting push.
      const sweep: IngestJob = { ...push(12, "main", 3), trigger: "reconcile" };
      delete sweep.headSha;
      for (const job of [first, second, sweep]) await enqueuer.enqueueIngest(job);
      await enqueuer.close();

      const runs: IngestJob[] = [];
      await start(database, database, {
        handlers: { ingest: async (job) => void runs.push(job), backfill: noBackfill },
      });
      await waitFor("the branch ingested", () => runs.length === 1);
      expect(runs).toEqual([
        { ...push(12, "main", 2), beforeSha: "a".repeat(40), changedPaths: ["x/raw/1.yaml", "x/raw/2.yaml"] },
      ]);
    },
  );

  it(
    "runs one job per repository at a time across two instances, different repositories in parallel",
    SLOW,
    async () => {
      const database = await open();
      const peer = await database.openPeer();
      cleanups.push(() => peer.close());
      const running = new Map<number, number>();
      const ran: { repositoryId: number; instance: string }[] = [];
      let overlaps = 0;
      // Every job waits until three repositories run at once: with two workers per instance this
      // is only reached if both instances take jobs and different repositories run in parallel.
      const allThree = gate();
      const handler = (instance: string) => async (job: IngestJob) => {
        const now = (running.get(job.repositoryId) ?? 0) + 1;
        running.set(job.repositoryId, now);
        if (now > 1) overlaps++;
        if ([...running.values()].filter((count) => count > 0).length >= 3) allThree.open();
        await allThree.promise;
        // Let the other workers look for work while this repository is busy.
        await new Promise((resolve) => setTimeout(resolve, 150));
        ran.push({ repositoryId: job.repositoryId, instance });
        running.set(job.repositoryId, (running.get(job.repositoryId) ?? 1) - 1);
      };
      const a = await start(database, database, {
        concurrency: 2,
        handlers: { ingest: handler("a"), backfill: noBackfill },
      });
      await start(peer, database, {
        concurrency: 2,
        handlers: { ingest: handler("b"), backfill: noBackfill },
      });
      for (const repositoryId of [21, 22, 23]) {
        for (const branch of ["main", "lab", "edge"]) await a.enqueueIngest(push(repositoryId, branch, 1));
      }
      await waitFor("nine runs", () => ran.length === 9, 30_000);
      expect(overlaps).toBe(0);
      expect(new Set(ran.map((r) => r.instance))).toEqual(new Set(["a", "b"]));
      expect(ran.filter((r) => r.repositoryId === 22)).toHaveLength(3);
    },
  );

  it.runIf(backend.name === "postgres")(
    "keeps its workers, and says nothing of a database failure, when another deployment's schema in the same database is migrated",
    SLOW,
    async () => {
      const database = await open();
      const log = recordingLogger();
      const ran: number[] = [];
      const queue = await start(database, database, {
        log,
        handlers: { ingest: async (job) => void ran.push(job.repositoryId), backfill: noBackfill },
      });
      const exitCode = process.exitCode;
      cleanups.push(async () => {
        process.exitCode = exitCode;
      });
      // A second deployment (its own DATABASE_SCHEMA) starts for the first time: graphile-worker
      // installs its schema, breaking migrations included, and notifies every listener in the database.
      const other = await open();
      await start(other, other, {});
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await queue.enqueueIngest(push(41, "main", 1));
      await waitFor("the job run", () => ran.length === 1);
      expect(log.lines.filter((l) => l.level === "error").map((l) => l.msg)).toEqual([]);
      // graphile-worker sets exit code 57 when it stops a pool for a breaking migration.
      expect(process.exitCode).toBe(exitCode);
    },
  );

  it(
    "puts a job back until the time GitHub asked for, without holding other repositories up",
    SLOW,
    async () => {
      const database = await open();
      const runs: { job: IngestJob; attempt: number }[] = [];
      const log = recordingLogger();
      const queue = await start(database, database, {
        log,
        handlers: {
          ingest: async (job: IngestJob, context: JobContext) => {
            runs.push({ job, attempt: context.attempt });
            if (job.repositoryId === 31 && !job.retries) throw new RetryLaterError(2, "secondary rate limit");
          },
          backfill: noBackfill,
        },
      });
      const thrownAt = new Date();
      await queue.enqueueIngest(push(31, "main", 1));
      await waitFor("the put-back", () => log.lines.some((line) => line.msg.includes("put back until")));
      await queue.enqueueIngest(push(32, "main", 2));
      await waitFor("the other repository", () => runs.some((run) => run.job.repositoryId === 32));

      // A push to the waiting branch is absorbed and does not jump the wait.
      const { rows: before } = await sql<{
        runAt: Date;
      }>`select run_at from ${sql.id(database.workerSchema, "jobs")} where key = 'ingest:31:main'`.execute(
        database.db,
      );
      expect(before).toHaveLength(1);
      expect(before[0]?.runAt.getTime()).toBeGreaterThan(thrownAt.getTime() + 1000);
      expect((await queue.enqueueIngest(push(31, "main", 3))).coalesced).toBe(true);
      const { rows: after } = await sql<{
        runAt: Date;
      }>`select run_at from ${sql.id(database.workerSchema, "jobs")} where key = 'ingest:31:main'`.execute(
        database.db,
      );
      expect(after[0]?.runAt).toEqual(before[0]?.runAt);
      expect(runs.filter((run) => run.job.repositoryId === 31)).toHaveLength(1);

      await waitFor(
        "the put-back to run",
        () => runs.filter((run) => run.job.repositoryId === 31).length === 2,
      );
      const rerun = runs.filter((run) => run.job.repositoryId === 31)[1];
      // The newest push's payload, run once, and not counted as a failed attempt.
      expect(rerun?.job).toMatchObject({ deliveryId: "delivery-3", headSha: push(31, "main", 3).headSha });
      expect(rerun?.attempt).toBe(1);
      await waitFor("the jobs to be deleted", async () => (await jobsLeft(database)) === 0);
    },
  );

  it(
    "runs a failed job again with backoff, as its next attempt (a backfill, queued twice)",
    SLOW,
    async () => {
      const database = await open();
      const backfill = {
        installationId: 7,
        repositoryId: 71,
        fullName: "acme/repo-71",
        deliveryId: "install-1",
      };
      const enqueuer = await enqueuerOn(database);
      const queued = [await enqueuer.enqueueBackfill(backfill), await enqueuer.enqueueBackfill(backfill)];
      await enqueuer.close();
      expect(queued.map((q) => q.coalesced)).toEqual([false, true]);

      const runs: { job: object; attempt: number }[] = [];
      await start(database, database, {
        handlers: {
          ingest: async () => {},
          backfill: async (job, context) => {
            runs.push({ job, attempt: context.attempt });
            if (context.attempt === 1) throw new Error("GitHub answered 502");
          },
        },
      });
      await waitFor("the second attempt", () => runs.length === 2);
      await waitFor("the job to be deleted", async () => (await jobsLeft(database)) === 0);
      expect(runs).toEqual([
        { job: backfill, attempt: 1 },
        { job: backfill, attempt: 2 },
      ]);
    },
  );

  it(
    "runs the reconcile sweep every interval, one at a time across instances, also after a failed sweep",
    SLOW,
    async () => {
      const database = await open();
      const peer = await database.openPeer();
      cleanups.push(() => peer.close());
      let running = 0;
      let overlaps = 0;
      const sweeps: string[] = [];
      const reconcile = (instance: string) => async () => {
        running += 1;
        if (running > 1) overlaps += 1;
        sweeps.push(instance);
        await new Promise((resolve) => setTimeout(resolve, 200));
        running -= 1;
        if (sweeps.length === 1) throw new Error("GitHub is down");
      };
      const handlers = (instance: string) => ({
        ingest: async () => {},
        backfill: noBackfill,
        reconcile: reconcile(instance),
      });
      await start(database, database, { reconcileIntervalSeconds: 1, handlers: handlers("a") });
      await start(peer, database, { reconcileIntervalSeconds: 1, handlers: handlers("b") });
      await waitFor("three sweeps", () => sweeps.length >= 3);
      expect(overlaps).toBe(0);
      // Never more than the running sweep and the next one.
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.id(database.workerSchema, "jobs")} where task_identifier = 'reconcile'`.execute(
        database.db,
      );
      expect(rows[0]?.n).toBeLessThanOrEqual(2);
    },
  );

  it("stop() lets the running job finish and takes no new one", SLOW, async () => {
    const database = await open();
    const release = gate();
    const started: number[] = [];
    const finished: number[] = [];
    const queue = await start(database, database, {
      handlers: {
        ingest: async (job) => {
          started.push(job.repositoryId);
          await release.promise;
          finished.push(job.repositoryId);
        },
        backfill: noBackfill,
      },
    });
    await queue.enqueueIngest(push(41, "main", 1));
    await waitFor("the first job to start", () => started.length === 1);
    let stopped = false;
    const stopping = queue.stop({ timeoutMs: 20_000 }).then(() => {
      stopped = true;
    });
    const enqueuer = await enqueuerOn(database);
    await enqueuer.enqueueIngest(push(42, "main", 2));
    await enqueuer.close();
    expect(stopped).toBe(false);
    release.open();
    await stopping;
    expect(finished).toEqual([41]);
    expect(started).toEqual([41]);
    // The job added during the stop waits for the next instance.
    expect(await jobsLeft(database)).toBe(1);
  });

  it(
    "stop() gives up on a job that outlasts its wait: it is aborted and runs again later",
    SLOW,
    async () => {
      const database = await open();
      let aborted = false;
      const queue = await start(database, database, {
        shutdownTimeoutMs: 300,
        handlers: {
          ingest: (_job, context) =>
            new Promise<void>(() => {
              context.signal.addEventListener("abort", () => {
                aborted = true;
              });
            }),
          backfill: noBackfill,
        },
      });
      await queue.enqueueIngest(push(51, "main", 1));
      await waitFor("the job to start", async () => {
        const { rows } = await sql<{
          n: number;
        }>`select count(*)::int as n from ${sql.id(database.workerSchema, "jobs")} where locked_at is not null`.execute(
          database.db,
        );
        return rows[0]?.n === 1;
      });
      await queue.stop({ timeoutMs: 1_000 });
      expect(aborted).toBe(true);
      const { rows } = await sql<{
        lockedBy: string | null;
        attempts: number;
      }>`select locked_by, attempts from ${sql.id(database.workerSchema, "jobs")}`.execute(database.db);
      expect(rows).toEqual([{ lockedBy: null, attempts: 1 }]);
    },
  );
});
