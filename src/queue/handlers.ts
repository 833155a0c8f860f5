/**
 * What the queue's jobs do, as the app runs them: an ingest job runs one branch (runBranch), a
 * backfill queues an ingest job for each ingest branch of a newly installed repository, and the
 * reconcile sweep settles, retries and finds the work whose webhook never came.
 *
 * GitHub's passing failures (5xx, rate limits, network) become RetryLaterError, so the job is put
 * back for the time GitHub asked while other repositories go on. Nothing runs for a suspended or
 * removed installation, nor for a removed repository.
 */
import type { Kysely } from "kysely";
import type { Logger } from "probot";
import type { ConfigResult } from "../config.js";
import { failedImportsDue } from "../db/imports.js";
import { activeRepositories, mayWorkOn, rememberIngestSettings } from "../db/installations.js";
import type { Database } from "../db/schema.js";
import { retryAfterSeconds } from "../github/transient.js";
import { type Octokit, repoFromFullName } from "../github/types.js";
import { type BranchOutcome, runBranch } from "../ingestion/branch-run.js";
import type { ImportRecorder, RepositoryInfo } from "../ingestion/recorder.js";
import { ingestBranches, loadRepositoryConfig } from "../ingestion/repository-config.js";
import { settleAllPending } from "../ingestion/settle.js";
import type { BackfillJob, IngestJob } from "./jobs.js";
import type { JobEnqueuer, JobHandlers } from "./queue.js";
import { type SweepSummary, type SweepTarget, sweepRepositories } from "./reconcile.js";
import { backoffSeconds, RetryLaterError } from "./retry-later.js";

export interface WorkerDeps {
  db: Kysely<Database>;
  recorder: ImportRecorder;
  /** An Octokit authenticated as the installation (Probot: `app.auth(id)`; its pacer is shared). */
  octokitFor(installationId: number): Promise<Octokit>;
  /** Where backfills and sweeps queue ingest jobs (the queue itself, bound once it exists). */
  enqueuer(): JobEnqueuer;
  log: Logger;
  checkStartAfterMs?: number;
  /** Failed imports: tries in all, and the first wait in seconds (doubling after each try). */
  retryFailed?: { maxAttempts: number; baseSeconds: number };
}

/** A lock wait (another run of the repository holds it) is tried again this soon. */
const BUSY_RETRY_SECONDS = 30;

export const DEFAULT_RETRY_FAILED = { maxAttempts: 5, baseSeconds: 60 };

export function jobHandlers(deps: WorkerDeps): Required<JobHandlers> {
  const { db, log } = deps;

  /** GitHub's passing failures come back later; a 404 (repository or branch gone) ends the job. */
  const guard = async <T>(
    fields: object,
    retries: number,
    work: () => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RetryLaterError) throw error;
      if ((error as { status?: number }).status === 404) {
        log.info({ ...fields, err: error }, "repository or branch no longer on GitHub: job ended");
        return undefined;
      }
      const seconds = retryAfterSeconds(error);
      if (seconds !== undefined)
        throw new RetryLaterError(backoffSeconds(seconds, retries), (error as Error).message, {
          cause: error,
        });
      throw error;
    }
  };

  /** The repository as the job knows it, or as GitHub tells it (default branch, node id). */
  const repositoryOf = async (octokit: Octokit, job: IngestJob | BackfillJob): Promise<RepositoryInfo> => {
    const known = job as IngestJob;
    const told =
      known.defaultBranch && known.nodeId
        ? { fullName: job.fullName, defaultBranch: known.defaultBranch, nodeId: known.nodeId }
        : await octokit.rest.repos.get({ ...repoFromFullName(job.fullName) }).then(({ data }) => ({
            fullName: data.full_name,
            defaultBranch: data.default_branch,
            nodeId: data.node_id,
          }));
    // The id the job was queued under (GitHub's, from the webhook) keeps the records together.
    return { githubId: job.repositoryId, installationId: job.installationId, ...told };
  };

  const remember =
    (repositoryId: number) =>
    async ({ config }: ConfigResult) => {
      await rememberIngestSettings(db, repositoryId, config).catch((error: unknown) =>
        log.warn({ err: error }, "could not remember the repository's settings"),
      );
    };

  const ingest: JobHandlers["ingest"] = async (job, context) => {
    const fields = { jobId: context.jobId, repo: job.fullName, branch: job.branch, trigger: job.trigger };
    const jobLog = log.child(fields);
    if (!(await mayWorkOn(db, job.installationId, job.repositoryId))) {
      jobLog.info("installation suspended or removed, or repository removed: nothing done");
      return;
    }
    const retries = job.retries ?? 0;
    const outcome: BranchOutcome | undefined = await guard(fields, retries, async () => {
      const octokit = await deps.octokitFor(job.installationId);
      const repository = await repositoryOf(octokit, job);
      return runBranch(
        {
          octokit,
          recorder: deps.recorder,
          log: jobLog,
          retriedBySelf: true,
          retryDelaySeconds: (asked) => backoffSeconds(asked, retries),
          onConfig: remember(job.repositoryId),
          ...(deps.checkStartAfterMs !== undefined ? { checkStartAfterMs: deps.checkStartAfterMs } : {}),
        },
        {
          repository,
          branch: job.branch,
          trigger: job.trigger,
          deliveryId: job.deliveryId ?? `job:${context.jobId}`,
          ...(job.headSha ? { headSha: job.headSha } : {}),
          ...(job.beforeSha ? { beforeSha: job.beforeSha } : {}),
          ...(job.changedPaths ? { changedPaths: job.changedPaths } : {}),
          ...(job.checkRunId !== undefined ? { checkRunId: job.checkRunId } : {}),
        },
      );
    });
    if (!outcome) return;
    jobLog.info({ outcome }, "ingest job done");
    if (outcome.status === "busy")
      throw new RetryLaterError(backoffSeconds(BUSY_RETRY_SECONDS, retries), "the repository is busy");
    if ("retryAfterSeconds" in outcome && outcome.retryAfterSeconds !== undefined)
      throw new RetryLaterError(outcome.retryAfterSeconds, `GitHub failed: ${outcome.status}`);
    // graphile-worker's backoff takes it from here; the check run already said the database failed.
    if (outcome.status === "database-error") throw new Error("the database was unavailable during the run");
  };

  const backfill: JobHandlers["backfill"] = async (job, context) => {
    const fields = { jobId: context.jobId, repo: job.fullName };
    if (!(await mayWorkOn(db, job.installationId, job.repositoryId))) {
      log.info(fields, "installation suspended or removed, or repository removed: no backfill");
      return;
    }
    await guard(fields, job.retries ?? 0, async () => {
      const octokit = await deps.octokitFor(job.installationId);
      const repository = await repositoryOf(octokit, job);
      await deps.recorder.repositories(job.installationId, [repository], []);
      const loaded = await loadRepositoryConfig(octokit, repoFromFullName(repository.fullName), log);
      if (loaded.kind === "unreadable") throw loaded.error;
      await remember(job.repositoryId)(loaded.config);
      // An invalid configuration is said by the ingest job, on the branch head.
      const branches =
        loaded.config.errors.length > 0
          ? [repository.defaultBranch]
          : ingestBranches(loaded.config, repository.defaultBranch);
      for (const branch of branches) {
        await deps.enqueuer().enqueueIngest({
          installationId: job.installationId,
          repositoryId: repository.githubId,
          fullName: repository.fullName,
          branch,
          trigger: "backfill",
          defaultBranch: repository.defaultBranch,
          ...(repository.nodeId ? { nodeId: repository.nodeId } : {}),
          ...(job.deliveryId ? { deliveryId: job.deliveryId } : {}),
        });
      }
      log.info({ ...fields, branches }, "backfill queued the repository's ingest branches");
    });
  };

  const reconcile: JobHandlers["reconcile"] = async () => {
    const summary = await reconcileOnce(deps);
    log.info({ ...summary }, "reconcile sweep done");
  };

  return { ingest, backfill, reconcile };
}

export interface ReconcileSummary extends SweepSummary {
  settled: number;
  retried: number;
  backfills: number;
}

/**
 * One sweep: settle what a crash left pending, queue another try for failed imports that are due,
 * then read each active repository's ingest branches (one conditional request each while idle).
 * A repository whose default branch is not known yet (installed, never backfilled) gets a backfill.
 */
export async function reconcileOnce(
  deps: WorkerDeps,
  filter: { fullName?: string } = {},
): Promise<ReconcileSummary> {
  const { db, log } = deps;
  const enqueuer = deps.enqueuer();
  const settled = await settleAllPending(deps.octokitFor, deps.recorder, log);

  let retried = 0;
  for (const due of await failedImportsDue(db, deps.retryFailed ?? DEFAULT_RETRY_FAILED)) {
    if (filter.fullName && due.fullName.toLowerCase() !== filter.fullName.toLowerCase()) continue;
    await enqueuer.enqueueIngest({
      installationId: due.installationId,
      repositoryId: due.repositoryId,
      fullName: due.fullName,
      branch: due.branch,
      trigger: "retry",
    });
    retried++;
  }

  const targets: SweepTarget[] = [];
  let backfills = 0;
  for (const row of await activeRepositories(db, filter)) {
    if (row.installationId === null) continue;
    if (!row.defaultBranch && !row.ingestBranches?.length) {
      await enqueuer.enqueueBackfill({
        installationId: row.installationId,
        repositoryId: row.id,
        fullName: row.fullName,
      });
      backfills++;
      continue;
    }
    targets.push({
      installationId: row.installationId,
      repositoryId: row.id,
      fullName: row.fullName,
      branches: row.ingestBranches?.length ? row.ingestBranches : [row.defaultBranch],
      ...(row.ingestRoots?.length ? { roots: row.ingestRoots } : {}),
    });
  }
  const swept = await sweepRepositories({ db, octokitFor: deps.octokitFor, enqueuer, log }, targets);
  return { ...swept, settled, retried, backfills };
}
