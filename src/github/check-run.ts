/**
 * The `gitops-ingest` check run of one commit.
 *
 * - Lazy: a run that ends quickly makes ONE request (the check run is created completed); it is
 *   created in progress only when the run takes longer than `startAfterMs`.
 * - The completing request carries the conclusion and the first 50 annotations; further batches
 *   of 50 follow as updates (GitHub keeps adding annotations to a completed run).
 * - Never orphaned: a create whose answer is lost (5xx after GitHub applied it) is not blindly
 *   repeated; the run is looked up by name, head and external id first and reused.
 * - Never left spinning: a completing update that fails is retried, then replaced by a new
 *   completed run on the same commit. If even that fails, CheckIncompleteError tells the caller
 *   to leave its import pending, so the settling (at start, or on the repository's next run)
 *   completes the run.
 */
import type { Octokit, RepoRef } from "./types.js";

export const CHECK_NAME = "gitops-ingest";
export const RERUN_ACTION = "rerun";
/** GitHub accepts at most 50 annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub's limit on the summary's length. */
const MAX_SUMMARY = 65_000;
/** Default for CheckRun's startAfterMs. */
export const DEFAULT_CHECK_START_AFTER_MS = 3_000;

export type Conclusion = "success" | "failure" | "neutral";

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
}

export interface CheckResult {
  conclusion: Conclusion;
  title: string;
  summary: string;
  annotations: Annotation[];
}

/** The check run could not be completed (update, retry and a replacement run all failed). */
export class CheckIncompleteError extends Error {
  constructor(cause: unknown) {
    super(`the check run could not be completed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = "CheckIncompleteError";
  }
}

const rerunAction = [
  { label: "Re-run", description: "Ingest again on the branch head", identifier: RERUN_ACTION },
];

const status = (error: unknown) => (error as { status?: number }).status;
/** A failure that says nothing about whether the request took effect. */
const isLostAnswer = (error: unknown) => {
  const s = status(error);
  return s === undefined || s >= 500;
};

function completedFields(result: CheckResult) {
  const summary =
    result.summary.length > MAX_SUMMARY ? `${result.summary.slice(0, MAX_SUMMARY)}\n\n…` : result.summary;
  return {
    status: "completed" as const,
    conclusion: result.conclusion,
    completed_at: new Date().toISOString(),
    output: {
      title: result.title,
      summary,
      annotations: result.annotations.slice(0, ANNOTATIONS_PER_REQUEST),
    },
    actions: rerunAction,
  };
}

export interface CheckRunOptions {
  /** external_id of the run (the import's id, or the webhook delivery): finds it again after a lost answer. */
  externalId: string;
  /** Create the run in progress only when the work takes longer than this (ms). */
  startAfterMs?: number;
  /** Reuse this existing run (a re-run asked on it) instead of creating one. */
  checkRunId?: number;
  log?: { warn(obj: object, msg: string): void };
}

export class CheckRun {
  private id: number | undefined;
  private starting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
    readonly headSha: string,
    private readonly options: CheckRunOptions,
  ) {
    this.id = options.checkRunId;
    const after = options.startAfterMs ?? DEFAULT_CHECK_START_AFTER_MS;
    if (this.id === undefined && Number.isFinite(after) && after < 2 ** 31) {
      this.timer = setTimeout(() => {
        this.start().catch((error: unknown) =>
          options.log?.warn(
            { err: error },
            "could not create the in-progress check run; it is created at the end",
          ),
        );
      }, after);
      this.timer.unref();
    }
  }

  /** The run's id once it exists. */
  get checkRunId(): number | undefined {
    return this.id;
  }

  /** Shows the run in progress now (idempotent). */
  start(): Promise<void> {
    clearTimeout(this.timer);
    this.starting ??= (async () => {
      if (this.id !== undefined) {
        await this.octokit.rest.checks.update({
          ...this.repo,
          check_run_id: this.id,
          status: "in_progress",
          started_at: new Date().toISOString(),
        });
        return;
      }
      this.id = await this.create({ status: "in_progress", started_at: new Date().toISOString() });
    })();
    const starting = this.starting;
    starting.catch(() => {
      if (this.starting === starting) this.starting = undefined;
    });
    return starting;
  }

  /** Completes the run with the result (creating it completed when it does not exist yet). */
  async complete(result: CheckResult): Promise<number> {
    clearTimeout(this.timer);
    await this.starting?.catch(() => {});
    const fields = completedFields(result);
    let id: number;
    try {
      id = this.id === undefined ? await this.create(fields) : await this.update(this.id, fields);
    } catch (error) {
      id = await this.replace(error, fields);
    }
    this.id = id;
    // The rest of the annotations, 50 per request, on the completed run.
    for (let i = ANNOTATIONS_PER_REQUEST; i < result.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      await this.octokit.rest.checks.update({
        ...this.repo,
        check_run_id: id,
        output: {
          title: fields.output.title,
          summary: fields.output.summary,
          annotations: result.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST),
        },
      });
    }
    return id;
  }

  private async update(id: number, fields: ReturnType<typeof completedFields>): Promise<number> {
    try {
      await this.octokit.rest.checks.update({ ...this.repo, check_run_id: id, ...fields });
    } catch (error) {
      if (!isLostAnswer(error)) throw error;
      // plugin-retry already retried the 5xx; one more try after a pause before giving up on this run.
      await new Promise((r) => setTimeout(r, 1000));
      await this.octokit.rest.checks.update({ ...this.repo, check_run_id: id, ...fields });
    }
    return id;
  }

  /** The completing update failed: a new completed run on the same commit, and the old one closed if possible. */
  private async replace(error: unknown, fields: ReturnType<typeof completedFields>): Promise<number> {
    const old = this.id;
    if (old === undefined) throw new CheckIncompleteError(error);
    this.options.log?.warn(
      { err: error, checkRunId: old },
      "completing the check run failed; creating a new one",
    );
    let id: number;
    try {
      id = await this.create(fields, { reuse: false });
    } catch (createError) {
      throw new CheckIncompleteError(createError);
    }
    await this.octokit.rest.checks
      .update({
        ...this.repo,
        check_run_id: old,
        status: "completed",
        conclusion: "neutral",
        output: { title: "Superseded", summary: `The result of this run is in check run ${id}.` },
      })
      .catch(() => {});
    return id;
  }

  /**
   * Creates the run, without Octokit's blind retries: after a lost answer, the run may exist, so it
   * is looked up (name, head, external id) before creating again.
   */
  private async create(fields: Record<string, unknown>, { reuse = true } = {}): Promise<number> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0 && reuse) {
        const existing = await this.find(fields);
        if (existing !== undefined) return existing;
      }
      try {
        const { data } = await this.octokit.rest.checks.create({
          ...this.repo,
          name: CHECK_NAME,
          head_sha: this.headSha,
          external_id: this.options.externalId,
          ...fields,
          request: { retries: 0 },
        } as never);
        return (data as { id: number }).id;
      } catch (error) {
        if (!isLostAnswer(error)) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  /** The run a lost create made: ours by external id, and in the state that create asked for. */
  private async find(fields: Record<string, unknown>): Promise<number | undefined> {
    const { data } = await this.octokit.rest.checks.listForRef({
      ...this.repo,
      ref: this.headSha,
      check_name: CHECK_NAME,
      filter: "all",
    });
    const title = (fields.output as { title?: string } | undefined)?.title;
    return data.check_runs.find(
      (c) =>
        c.external_id === this.options.externalId &&
        (fields.status === "completed"
          ? c.status === "completed" && c.conclusion === fields.conclusion && c.output.title === title
          : c.status !== "completed"),
    )?.id;
  }
}

/** Our check runs on a commit that a run started (external id = its import) and never completed. */
export async function unfinishedChecks(
  octokit: Octokit,
  repo: RepoRef,
  sha: string,
  externalId: string,
): Promise<number[]> {
  const { data } = await octokit.rest.checks.listForRef({
    ...repo,
    ref: sha,
    check_name: CHECK_NAME,
    filter: "all",
  });
  return data.check_runs
    .filter((c) => c.status !== "completed" && c.external_id === externalId)
    .map((c) => c.id);
}

/** Completes an existing run (settling), with the same retry and replacement as CheckRun.complete. */
export function completeCheck(
  octokit: Octokit,
  repo: RepoRef,
  headSha: string,
  checkRunId: number,
  externalId: string,
  result: CheckResult,
): Promise<number> {
  return new CheckRun(octokit, repo, headSha, { externalId, checkRunId }).complete(result);
}
