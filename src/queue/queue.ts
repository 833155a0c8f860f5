/**
 * The durable job queue, on graphile-worker (why that library: see the README's queue section).
 *
 * - `openJobEnqueuer` only adds jobs: one insert, for the webhook handler and the CLI.
 * - `startQueue` also runs them: `concurrency` jobs at once, one per repository at a time across
 *   every instance sharing the database, a RetryLaterError puts the job back at the time GitHub
 *   asked for, other errors retry with graphile-worker's exponential backoff, jobs of a dead
 *   instance are freed by the orphan sweep (instances.ts), and `stop` drains gracefully.
 *
 * Works the same on Postgres and on the embedded server (src/db/embedded-server.ts).
 */
import { randomUUID } from "node:crypto";
import EventEmitter from "node:events";
import {
  type JobHelpers,
  Logger,
  makeWorkerUtils,
  type Runner,
  type RunnerOptions,
  run,
  type Task,
  type WorkerEvents,
  type WorkerPool,
  type WorkerUtils,
} from "graphile-worker";
import type { Kysely } from "kysely";
import pg from "pg";
import type { Database } from "../db/schema.js";
import { forgetSilentInstances, heartbeat, orphanedWorkers, removeInstance } from "./instances.js";
import {
  type BackfillJob,
  type IngestJob,
  InvalidJobError,
  jobKey,
  MAX_ATTEMPTS,
  mergePushes,
  parseJob,
  putBack,
  repositoryQueue,
  type TaskName,
} from "./jobs.js";
import { RetryLaterError } from "./retry-later.js";

/** The part of pino the queue logs through (Probot's logger fits). */
export interface QueueLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface JobContext {
  jobId: string;
  /** 1 on the first run; counts crashes and failures, not RetryLaterError put-backs. */
  attempt: number;
  /** Aborts when a stop() has waited long enough: wind up quickly (the job will run again). */
  signal: AbortSignal;
}

export interface JobHandlers {
  ingest(job: IngestJob, context: JobContext): Promise<void>;
  backfill(job: BackfillJob, context: JobContext): Promise<void>;
  /** One reconcile sweep; runs every `reconcileIntervalSeconds` on one instance at a time. */
  reconcile?(context: JobContext): Promise<void>;
}

export interface EnqueuerOptions {
  /** postgres:// URL of the database (the embedded server's URL on the embedded default). */
  connectionString: string;
  /** graphile-worker's schema (default `graphile_worker`); one per deployment sharing a database. */
  workerSchema?: string;
  log: QueueLogger;
}

export interface QueueOptions extends EnqueuerOptions {
  /** The app's database (same one), for the instance heartbeats. */
  db: Kysely<Database>;
  handlers: JobHandlers;
  /** Jobs run at once by this instance (default 4); never two of one repository. */
  concurrency?: number;
  /** RetryLaterError put-backs of a job before it is given up (default 10). */
  maxRetriesLater?: number;
  /** How often idle workers look for due jobs, in ms (default 1000); new jobs also wake them. */
  pollIntervalMs?: number;
  /** Heartbeat and orphan sweep period, in ms (default 10 s). */
  heartbeatMs?: number;
  /** An instance silent this long is dead and its jobs run again (default 60 s). */
  staleAfterMs?: number;
  /** How long stop() waits for running jobs by default (default 30 s). */
  shutdownTimeoutMs?: number;
  /** Seconds between reconcile sweeps (RECONCILE_INTERVAL); 0 or absent: this instance runs none. */
  reconcileIntervalSeconds?: number;
  /**
   * No other instance can share this database (the embedded one): at start, every job lock is an
   * earlier run's and is freed at once instead of after staleAfterMs.
   */
  singleInstance?: boolean;
}

export interface EnqueuedJob {
  jobId: string;
  /** Set when a job that was still waiting took this one in instead of a new job being added. */
  coalesced: boolean;
}

export interface JobEnqueuer {
  enqueueIngest(job: IngestJob): Promise<EnqueuedJob>;
  enqueueBackfill(job: BackfillJob): Promise<EnqueuedJob>;
}

export interface Queue extends JobEnqueuer {
  /** Jobs running or due now; not those waiting for a later retry, nor given-up ones. */
  busyJobs(): Promise<number>;
  /** Stops taking jobs, waits up to timeoutMs for running ones, then fails them (they run again later). */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

export const DEFAULT_WORKER_SCHEMA = "graphile_worker";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function graphileLogger(log: QueueLogger): Logger {
  return new Logger((scope) => (level, message) => {
    // Scope only (worker, task, job id): graphile's meta can carry whole job rows.
    const fields = { queue: scope };
    if (level === "error") log.error(fields, message);
    else if (level === "warning") log.warn(fields, message);
    // Its info lines are per job ("Completed task …"): debug for us, we log outcomes ourselves.
    else log.debug(fields, message);
  });
}

function newPool(connectionString: string, max: number): pg.Pool {
  // Bounded waits: a webhook that cannot reach the database must fail in seconds, not hang.
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: "gitops-ingest-queue",
    connectionTimeoutMillis: 5_000,
    query_timeout: 60_000,
  });
  // A dropped idle connection must not crash the process; the next checkout reconnects.
  pool.on("error", () => {});
  // A checked-out connection that dies fails its query; the client's own event needs a listener too.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  return pool;
}

// Named prepared statements live in the session, and every connection to the embedded server
// shares PGlite's one session: two clients preparing one name collide. Cheap to lose on Postgres.
const preset = { worker: { preparedStatements: false } };

type AddJob = WorkerUtils["addJob"];

/**
 * The payload of the ingest job still waiting under a key, if any. graphile-worker replaces a
 * waiting job's payload; we merge pushes ourselves (mergePushes). Two pushes of one branch
 * enqueued in the same instant may each miss the other's paths: that only words the check, files
 * are always read from the branch head.
 */
function waitingPayload(utils: WorkerUtils, workerSchema: string) {
  return (key: string): Promise<IngestJob | undefined> =>
    utils.withPgClient(async (client) => {
      const { rows } = await client.query<{ payload: unknown }>(
        `select payload from "${workerSchema}"._private_jobs where key = $1 and locked_at is null`,
        [key],
      );
      const payload = rows[0]?.payload;
      try {
        return payload === undefined ? undefined : parseJob("ingest", payload);
      } catch {
        return undefined;
      }
    });
}

function enqueuer(
  addJob: AddJob,
  waiting: (key: string) => Promise<IngestJob | undefined>,
  added: () => void = () => {},
): JobEnqueuer {
  const add = async (task: TaskName, payload: IngestJob | BackfillJob, key: string): Promise<EnqueuedJob> => {
    const job = await addJob(task, payload, {
      queueName: repositoryQueue(payload.repositoryId),
      jobKey: key,
      // A waiting job put back by RetryLaterError keeps its later run time: the push is absorbed,
      // the rate limit still honoured.
      jobKeyMode: "preserve_run_at",
      maxAttempts: MAX_ATTEMPTS,
    });
    added();
    // revision counts the times a waiting job was replaced under its key.
    return { jobId: job.id, coalesced: job.revision > 0 };
  };
  return {
    enqueueIngest: async (job) => {
      const key = jobKey("ingest", parseJob("ingest", job));
      const held = await waiting(key);
      // A waiting job already reads the branch head: a sweep's or backfill's job adds nothing to it.
      if (held && job.trigger !== "push") return add("ingest", held, key);
      return add("ingest", held ? mergePushes(held, job) : job, key);
    },
    enqueueBackfill: (job) => add("backfill", parseJob("backfill", job), jobKey("backfill", job)),
  };
}

const RECONCILE = "reconcile";

/**
 * preserve_run_at at start (a restart keeps the schedule), replace after a sweep (the next one).
 * The task never throws, so attempts only count sweeps cut short by a crash or a forced stop: those
 * run again rather than end the schedule.
 */
async function scheduleReconcile(addJob: AddJob, runAt: Date, mode: "preserve_run_at" | "replace") {
  await addJob(
    RECONCILE,
    {},
    { queueName: RECONCILE, jobKey: RECONCILE, jobKeyMode: mode, runAt, maxAttempts: MAX_ATTEMPTS },
  );
}

/** Adds jobs without running any (webhook handler in a web-only process, CLI). */
export async function openJobEnqueuer(
  options: EnqueuerOptions,
): Promise<JobEnqueuer & { close(): Promise<void> }> {
  const pgPool = newPool(options.connectionString, 2);
  const workerSchema = options.workerSchema ?? DEFAULT_WORKER_SCHEMA;
  const utils = await makeWorkerUtils({
    pgPool,
    schema: workerSchema,
    logger: graphileLogger(options.log),
    preset,
  });
  try {
    await utils.migrate();
  } catch (error) {
    await utils.release();
    await pgPool.end();
    throw error;
  }
  return {
    ...enqueuer(utils.addJob, waitingPayload(utils, workerSchema)),
    async close() {
      await utils.release();
      await pgPool.end();
    },
  };
}

export async function startQueue(options: QueueOptions): Promise<Queue> {
  const { db, handlers, log } = options;
  const workerSchema = options.workerSchema ?? DEFAULT_WORKER_SCHEMA;
  const concurrency = options.concurrency ?? 4;
  const maxRetriesLater = options.maxRetriesLater ?? 10;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const staleAfterMs = options.staleAfterMs ?? 60_000;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
  const instanceId = randomUUID();
  const reconcile =
    handlers.reconcile && options.reconcileIntervalSeconds
      ? { handler: handlers.reconcile, intervalSeconds: options.reconcileIntervalSeconds }
      : undefined;
  // graphile-worker 0.17 locks jobs in the name of the worker pool (locked_by = pool id).
  const lockIds: string[] = [];
  let workerPool: WorkerPool | undefined;

  // One connection per worker, one for LISTEN, one for adding jobs.
  const pgPool = newPool(options.connectionString, concurrency + 2);
  const logger = graphileLogger(log);
  const utils = await makeWorkerUtils({ pgPool, schema: workerSchema, logger, preset });

  const task =
    (name: TaskName): Task =>
    async (payload: unknown, helpers: JobHelpers) => {
      let job: IngestJob | BackfillJob;
      try {
        job = parseJob(name, payload);
      } catch (error) {
        // Retrying cannot fix a bad payload: log it and let the job go.
        if (error instanceof InvalidJobError) {
          log.error({ jobId: helpers.job.id, err: error }, "dropping a job with an invalid payload");
          return;
        }
        throw error;
      }
      const context = { jobId: helpers.job.id, attempt: helpers.job.attempts, signal: helpers.abortSignal };
      const fields = { jobId: context.jobId, task: name, repository: job.fullName, attempt: context.attempt };
      try {
        if (name === "ingest") await handlers.ingest(job as IngestJob, context);
        else await handlers.backfill(job, context);
      } catch (error) {
        if (!(error instanceof RetryLaterError)) {
          log.warn({ ...fields, err: error }, `${name} job failed`);
          throw error;
        }
        const retries = (job.retries ?? 0) + 1;
        if (retries > maxRetriesLater) {
          log.error({ ...fields, err: error }, `${name} job given up after ${maxRetriesLater} put-backs`);
          return;
        }
        const runAt = new Date(Date.now() + error.retryAfterSeconds * 1000);
        // A new job under the same key: this one (still locked) loses its key and completes. A push
        // that arrived meanwhile is merged into it, but runs no earlier than GitHub asked.
        await helpers.addJob(name, putBack(name, job, retries), {
          queueName: repositoryQueue(job.repositoryId),
          jobKey: jobKey(name, job),
          jobKeyMode: "replace",
          runAt,
          maxAttempts: MAX_ATTEMPTS,
        });
        log.warn({ ...fields, runAt, err: error }, `${name} job put back until ${runAt.toISOString()}`);
      }
    };

  // The sweep is itself a job that queues its next run: one key and one queue, so however many
  // instances run, one sweep runs at a time and the interval holds across restarts.
  const reconcileTask =
    (handler: NonNullable<JobHandlers["reconcile"]>, intervalSeconds: number): Task =>
    async (_payload: unknown, helpers: JobHelpers) => {
      try {
        await handler({ jobId: helpers.job.id, attempt: helpers.job.attempts, signal: helpers.abortSignal });
      } catch (error) {
        // Not retried: the next sweep comes soon enough and would do the same.
        log.warn({ jobId: helpers.job.id, err: error }, "reconcile sweep failed");
      }
      await scheduleReconcile(helpers.addJob, new Date(Date.now() + intervalSeconds * 1000), "replace");
    };

  /** Heartbeat, restart after database trouble, and freeing of locks older than `staleMs` no live instance claims. */
  const sweep = async (staleMs = staleAfterMs) => {
    try {
      await heartbeat(db, instanceId, lockIds);
      if (databaseTrouble !== undefined) {
        const reason = databaseTrouble;
        databaseTrouble = undefined;
        restartRunner(reason);
      }
      const sweepOptions = { db, workerSchema, instanceId, ownLockIds: lockIds, staleAfterMs: staleMs };
      const orphans = await orphanedWorkers(sweepOptions);
      if (orphans.length > 0) {
        await utils.forceUnlockWorkers(orphans);
        log.warn({ workers: orphans }, "freed the jobs of queue workers that stopped without finishing");
      }
      await forgetSilentInstances(sweepOptions);
    } catch (error) {
      log.error({ err: error }, "queue heartbeat failed");
    }
  };

  const events: WorkerEvents = new EventEmitter();
  events.on("pool:create", ({ workerPool: pool }) => {
    workerPool = pool;
    lockIds.push(pool.id);
  });

  let stopping: Promise<void> | undefined;
  const runOptions: RunnerOptions = {
    pgPool,
    schema: workerSchema,
    concurrency,
    pollInterval: options.pollIntervalMs ?? 1000,
    noHandleSignals: true,
    logger,
    events,
    // Completions and failures go through graphile-worker's batcher, whose failure (the database
    // went away as a job finished) stops the pool in an orderly way that supervise() sees; the
    // unbatched path would leave an unhandled rejection that ends the process.
    preset: { worker: { ...preset.worker, completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    // The abort signal fires when a stop has waited this long (see stop()).
    gracefulShutdownAbortTimeout: shutdownTimeoutMs,
    taskList: {
      ingest: task("ingest"),
      backfill: task("backfill"),
      ...(reconcile ? { reconcile: reconcileTask(reconcile.handler, reconcile.intervalSeconds) } : {}),
    },
  };

  /**
   * Starts the workers afresh: after they stopped on their own (a database failure while
   * completing a job), or after the database failed under them (graphile-worker's workers can stay
   * idle after a connection loss until a new pool is made). Running jobs of the old pool finish
   * first (bounded); then its locks are no longer claimed, so the sweep frees what it left.
   */
  let restarting: Promise<void> | undefined;
  const restartRunner = (reason: unknown) => {
    if (stopping || restarting) return;
    restarting = (async () => {
      const notice = migrationNotice;
      migrationNotice = undefined;
      if (notice && (await schemaRevision().catch(() => undefined)) === revision) {
        // Not our schema: nothing is unsafe, and the process has no reason to exit with 57.
        process.exitCode = notice.exitCode;
        log.info(
          { workerSchema },
          "another graphile-worker schema in this database was migrated (its notice reaches every schema): restarting the queue workers",
        );
      } else log.error({ err: reason }, "restarting the queue workers after a database failure");
      const old = runner;
      const oldPool = workerPool;
      await Promise.race([old.stop().catch(() => {}), sleep(shutdownTimeoutMs)]);
      const dead = lockIds.indexOf(oldPool?.id ?? "");
      if (dead >= 0) lockIds.splice(dead, 1);
      for (let delayMs = 1_000; !stopping; delayMs = Math.min(delayMs * 2, 60_000)) {
        try {
          runner = await run(runOptions);
          supervise(runner);
          log.info({}, "queue workers running again");
          return;
        } catch (error) {
          log.warn({ err: error, retryInMs: delayMs }, "queue workers could not start yet");
          await sleep(delayMs);
        }
      }
    })().finally(() => {
      restarting = undefined;
    });
  };
  const supervise = (current: Runner) => {
    const ended = (reason: unknown) => {
      if (current === runner) restartRunner(reason);
    };
    current.promise.then(() => ended(new Error("the worker pool stopped")), ended);
  };
  /**
   * graphile-worker stops its pool (and sets exit code 57) on a breaking-migration notice, but the
   * notice goes to every listener in the database whatever schema migrated: another deployment's
   * first start (its own DATABASE_SCHEMA) stops our workers too. Remembered so the restart can tell.
   */
  let migrationNotice: { exitCode: typeof process.exitCode } | undefined;
  events.on("pool:listen:notification", ({ message }) => {
    // Emitted before graphile-worker acts on the notice: the exit code is still the process's own.
    if (message.channel === "worker:migrate") migrationNotice ??= { exitCode: process.exitCode };
  });
  /** Our schema's latest graphile-worker migration: unchanged means the notice was another schema's. */
  const schemaRevision = () =>
    utils.withPgClient(async (client) => {
      const { rows } = await client.query<{ id: number | null }>(
        `select max(id) as id from "${workerSchema}".migrations`,
      );
      return rows[0]?.id ?? null;
    });
  let revision: number | null = null;
  // Set when a worker failed to reach the database; the next heartbeat that does reach it restarts them.
  let databaseTrouble: unknown;
  events.on("worker:getJob:error", ({ error }) => {
    databaseTrouble = error;
  });

  let runner: Runner;
  try {
    await utils.migrate();
    revision = await schemaRevision();
    // Recorded before any job is taken, so no other instance sees our jobs as orphans.
    await heartbeat(db, instanceId, lockIds);
    runner = await run(runOptions);
  } catch (error) {
    await removeInstance(db, instanceId).catch(() => {});
    await utils.release();
    await pgPool.end();
    throw error;
  }
  supervise(runner);
  // One process owns the embedded database: any lock left is an earlier run's, freed at once.
  await sweep(options.singleInstance ? 0 : staleAfterMs);
  const timer = setInterval(() => void sweep(), heartbeatMs);

  if (reconcile) await scheduleReconcile(utils.addJob, new Date(), "preserve_run_at");

  return {
    // Our own workers look at once: the embedded server delivers no NOTIFY, so they would wait for a poll.
    ...enqueuer(utils.addJob, waitingPayload(utils, workerSchema), () => {
      try {
        workerPool?.nudge(1);
      } catch {
        // The pool is being replaced (restartRunner): the new one looks for jobs as it starts.
      }
    }),
    busyJobs: () =>
      utils.withPgClient(async (client) => {
        const { rows } = await client.query<{ n: string }>(
          `select count(*) as n from "${workerSchema}"._private_jobs
           where (locked_at is not null or (run_at <= now() and attempts < max_attempts))
             and task_id in (select id from "${workerSchema}"._private_tasks where identifier <> $1)`,
          [RECONCILE],
        );
        return Number(rows[0]?.n ?? 0);
      }),
    stop({ timeoutMs = shutdownTimeoutMs } = {}) {
      stopping ??= (async () => {
        clearInterval(timer);
        let timeout: NodeJS.Timeout | undefined;
        const expired = new Promise<"expired">((resolve) => {
          timeout = setTimeout(() => resolve("expired"), timeoutMs);
        });
        await restarting;
        const result = await Promise.race([
          runner.stop().then(
            () => "stopped" as const,
            () => "stopped" as const,
          ),
          expired,
        ]);
        clearTimeout(timeout);
        if (result === "expired") {
          log.warn({ timeoutMs }, "jobs still running at shutdown: failing them so they run again");
          // runner.kill() does nothing once a graceful stop has begun: go to the pool itself.
          await Promise.resolve(
            workerPool?.forcefulShutdown(`still running after ${timeoutMs} ms of shutdown`),
          ).catch((error: unknown) =>
            log.error({ err: error }, "failing the running jobs at shutdown failed"),
          );
        }
        await removeInstance(db, instanceId).catch(() => {});
        await utils.release();
        await pgPool.end();
      })();
      return stopping;
    },
  };
}
