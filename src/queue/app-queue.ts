/**
 * The app's job queue as `npm start` and `gitops-ingest reconcile` run it: the jobs of handlers.ts on
 * startQueue, with the environment's settings. Backfills and sweeps queue their ingest jobs on this
 * same queue, bound once it has started.
 */
import type { Logger } from "probot";
import type { OpenedDatabase } from "../db/connect.js";
import type { Octokit } from "../github/types.js";
import type { ImportRecorder } from "../ingestion/recorder.js";
import { jobHandlers, type WorkerDeps } from "./handlers.js";
import { type Queue, startQueue } from "./queue.js";
import type { QueueSettings } from "./settings.js";

export interface AppQueueOptions {
  /** Opened with a connectionString (Postgres, or the embedded database served: `serve: true`). */
  database: OpenedDatabase;
  settings: QueueSettings;
  recorder: ImportRecorder;
  octokitFor(installationId: number): Promise<Octokit>;
  log: Logger;
  /** Sweep every `settings.reconcileIntervalSeconds` (the app; the CLI sweeps once, by itself). */
  sweeps: boolean;
  checkStartAfterMs?: number;
}

export async function startAppQueue(options: AppQueueOptions): Promise<{ queue: Queue; deps: WorkerDeps }> {
  const { database, settings, log } = options;
  let queue: Queue | undefined;
  const deps: WorkerDeps = {
    db: database.db,
    recorder: options.recorder,
    octokitFor: options.octokitFor,
    enqueuer: () => {
      if (!queue) throw new Error("the job queue is not started");
      return queue;
    },
    log,
    ...(options.checkStartAfterMs !== undefined ? { checkStartAfterMs: options.checkStartAfterMs } : {}),
  };
  queue = await startQueue({
    connectionString: database.connectionString ?? "",
    workerSchema: settings.workerSchema,
    db: database.db,
    log,
    concurrency: settings.concurrency,
    heartbeatMs: settings.heartbeatMs,
    staleAfterMs: settings.staleAfterMs,
    shutdownTimeoutMs: settings.shutdownTimeoutMs,
    ...(options.sweeps ? { reconcileIntervalSeconds: settings.reconcileIntervalSeconds } : {}),
    // One process owns the embedded database: locks left by an earlier run are orphans at once.
    singleInstance: database.kind === "pglite",
    handlers: jobHandlers(deps),
  });
  return { queue, deps };
}
