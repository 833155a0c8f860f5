/**
 * The jobs the queue carries, and how they are keyed. Payloads are plain JSON stored in Postgres:
 * ids and names only, never a token or a secret (a worker makes its own installation token).
 */

/** Why a job was queued: recorded with the import it leads to. */
export type JobTrigger = "push" | "rerun" | "backfill" | "reconcile" | "retry";
const TRIGGERS: readonly string[] = ["push", "rerun", "backfill", "reconcile", "retry"];

/** Ingest what waits in raw/ on one branch of one repository. */
export interface IngestJob {
  installationId: number;
  repositoryId: number;
  fullName: string;
  branch: string;
  /** The pushed head (or the commit a re-run was asked on); absent: the branch's current head. */
  headSha?: string;
  trigger: JobTrigger;
  deliveryId?: string;
  /** What the webhook said of the repository, when it said it (saves a request). */
  defaultBranch?: string;
  nodeId?: string;
  /** The branch's commit before the first push this job holds: hand edits are checked against it. */
  beforeSha?: string;
  /** Paths the pushes this job holds changed; absent when unknown (or too many to carry). */
  changedPaths?: string[];
  /** The check run a re-run was asked on. */
  checkRunId?: number;
  /** Times this job was put back by a RetryLaterError (set by the queue). */
  retries?: number;
}

/** More changed paths than this are not carried in a job (they only refine the check's wording). */
export const MAX_CHANGED_PATHS = 2_000;

/** Ingest every ingest branch of a repository (after installation). */
export interface BackfillJob {
  installationId: number;
  repositoryId: number;
  fullName: string;
  deliveryId?: string;
  retries?: number;
}

export type TaskName = "ingest" | "backfill";

/**
 * One queue per repository: graphile-worker runs the jobs of one named queue one at a time,
 * across every instance, so work for a repository never overlaps (other repositories go on).
 */
export function repositoryQueue(repositoryId: number): string {
  return `repo:${repositoryId}`;
}

/**
 * A job still waiting under this key absorbs a newer one (graphile-worker's job_key): each run
 * reads the branch head anyway, so ten pushes while the first waits make one run.
 */
export function jobKey(task: TaskName, job: IngestJob | BackfillJob): string {
  if (task === "backfill") return `backfill:${job.repositoryId}`;
  const ingest = job as IngestJob;
  // A re-run answers on the commit it was asked about: never merged with a push.
  if (ingest.trigger === "rerun") return `rerun:${job.repositoryId}:${ingest.branch}:${ingest.headSha ?? ""}`;
  return `ingest:${job.repositoryId}:${ingest.branch}`;
}

/**
 * A push taken in by a job still waiting under its key: the newer head, the older "before" (hand
 * edits of every push it holds are checked), and the changed paths of both.
 */
export function mergePushes(waiting: IngestJob, newer: IngestJob): IngestJob {
  const paths =
    waiting.changedPaths && newer.changedPaths
      ? [...new Set([...waiting.changedPaths, ...newer.changedPaths])]
      : undefined;
  const { beforeSha: _newerBefore, changedPaths: _newerPaths, ...rest } = newer;
  const beforeSha = waiting.beforeSha ?? newer.beforeSha;
  return {
    ...rest,
    ...(beforeSha ? { beforeSha } : {}),
    ...(paths && paths.length <= MAX_CHANGED_PATHS ? { changedPaths: paths } : {}),
  };
}

/**
 * The job to run after a RetryLaterError. An ingest put-back carries no headSha: a push may have
 * been merged into it meanwhile, so it reads the branch's current head.
 */
export function putBack(
  task: TaskName,
  job: IngestJob | BackfillJob,
  retries: number,
): IngestJob | BackfillJob {
  if (task === "backfill") return { ...job, retries };
  const { headSha: _pushed, ...rest } = job as IngestJob;
  // A re-run put back still answers on its commit.
  if ((job as IngestJob).trigger === "rerun") return { ...job, retries };
  return { ...rest, trigger: "retry", retries };
}

/** Failed runs of a job before it is given up; graphile-worker waits exp(attempt) seconds between them. */
export const MAX_ATTEMPTS = 5;

export class InvalidJobError extends Error {
  override name = "InvalidJobError";
}

const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;
const isText = (value: unknown): value is string => typeof value === "string" && value !== "";

/** Checks a payload read back from the database (a job added by hand or by an older version). */
export function parseJob(task: "ingest", payload: unknown): IngestJob;
export function parseJob(task: "backfill", payload: unknown): BackfillJob;
export function parseJob(task: TaskName, payload: unknown): IngestJob | BackfillJob;
export function parseJob(task: TaskName, payload: unknown): IngestJob | BackfillJob {
  const p = (payload ?? {}) as Record<string, unknown>;
  const bad = (field: string) =>
    new InvalidJobError(`${task} job has no valid ${field}: ${JSON.stringify(payload)}`);
  if (!isId(p.installationId)) throw bad("installationId");
  if (!isId(p.repositoryId)) throw bad("repositoryId");
  if (!isText(p.fullName) || !p.fullName.includes("/")) throw bad("fullName");
  if (task === "ingest") {
    if (!isText(p.branch)) throw bad("branch");
    if (!TRIGGERS.includes(p.trigger as string)) throw bad("trigger");
  }
  return p as unknown as IngestJob | BackfillJob;
}
