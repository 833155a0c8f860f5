/**
 * One ingestion, end to end: read the pushed tree through the API, run the pure pipeline,
 * record it, commit it with a compare-and-swap, and tell the user with a check run.
 * This is the shell around the pipeline; every decision about files lives in src/pipeline.
 */
import type { Logger } from "probot";
import type { ConfigResult } from "../config.js";
import { readBlobs } from "../github/blobs.js";
import { CheckIncompleteError, type CheckResult, CheckRun } from "../github/check-run.js";
import { retryAfterSeconds } from "../github/transient.js";
import { type CommitTree, readCommitTree } from "../github/tree.js";
import { type Octokit, type RepoRef, repoFromFullName, type TreeEntry } from "../github/types.js";
import { BranchMovedError, UnknownOutcomeError, writeCommit } from "../github/write-commit.js";
import { type DiscoveredRoot, isCurrentFile } from "../pipeline/discover.js";
import { ingest } from "../pipeline/ingest.js";
import type { IngestInput, Report } from "../pipeline/types.js";
import { type CheckExtras, checkResult } from "../report/check-result.js";
import { commitMessage } from "../report/commit-message.js";
import { totals } from "../report/totals.js";
import { updatedPaths, updatedResources } from "../report/updated-resources.js";
import { findIngestionCommit } from "./find-ingestion-commit.js";
import { handEditReports, managedChanges } from "./hand-edits.js";
import { planHoldsOn } from "./plan-holds.js";
import { DatabaseError, type ImportRecorder, isRepositoryBusy, type RepositoryInfo } from "./recorder.js";
import { settleImport } from "./settle.js";
import { blobsToRead, discoverTree, rawFileOf, treeIngestInput } from "./tree-input.js";

/** Attempts when the branch keeps moving under us. */
export const MAX_ATTEMPTS = 3;

export interface IngestionRequest {
  repository: RepositoryInfo;
  branch: string;
  /**
   * The commit to answer on: the pushed head, or the commit a re-run was asked on. Absent: the
   * branch's current head. A re-run asked on a commit that is no longer the head commits nothing.
   */
  headSha?: string;
  /** The check run a re-run was asked on: it is updated rather than a new one created. */
  checkRunId?: number;
  /** push, rerun: a webhook; backfill, reconcile, retry: the job queue; race: the branch moved. */
  trigger: "push" | "rerun" | "race" | "backfill" | "reconcile" | "retry";
  deliveryId: string;
  config: ConfigResult;
  /** Paths the push changed, when known: a push that changed nothing under a fabric root ends neutral when idle. */
  changedPaths?: readonly string[];
  /** The branch's commit before the push: hand edits of managed/ are checked against it. */
  beforeSha?: string;
}

export interface IngestionDeps {
  octokit: Octokit;
  recorder: ImportRecorder;
  log: Logger;
  /** The check run shows "in progress" only once a run takes longer than this (ms; see CheckRun). */
  checkStartAfterMs?: number;
  /** A queue runs this and tries again by itself after a passing failure: the check says so. */
  retriedBySelf?: boolean;
  /** The queue's wait before that, given the wait GitHub asked for (it backs off over tries). */
  retryDelaySeconds?(askedSeconds: number): number;
}

export type IngestionOutcome =
  | {
      status:
        | "no-roots"
        | "duplicate"
        | "config-error"
        | "database-error"
        | "busy"
        | "failed"
        | "superseded"
        | "not-head"
        /** GitHub did not confirm the branch update: the import stays pending until settled. */
        | "unknown";
      checkRunId?: number;
      /** A passing failure (GitHub 5xx, rate limit, network): worth running again after this many seconds. */
      retryAfterSeconds?: number;
    }
  | { status: "committed"; commitSha: string; checkRunId?: number }
  | { status: "nothing-to-do" | "rejected"; checkRunId?: number };

const repoRef = (repository: RepositoryInfo): RepoRef => repoFromFullName(repository.fullName);

export async function runIngestion(
  deps: IngestionDeps,
  request: IngestionRequest,
): Promise<IngestionOutcome> {
  const { octokit, log } = deps;
  const repo = repoRef(request.repository);
  let head = request.headSha ?? (await branchHead(octokit, repo, request.branch));
  if (request.config.errors.length > 0) return reportConfigErrors(deps, request, head, request.config.errors);
  if (request.trigger === "rerun") {
    const current = await branchHead(octokit, repo, request.branch);
    if (current !== head) return answerOffHead(deps, request, head, current);
  }
  try {
    return await deps.recorder.withRepositoryLock(request.repository.githubId, async () => {
      await resolvePending(deps, request.repository);
      let trigger = request.trigger;
      let headTree: CommitTree | undefined;
      for (let attempt = 1; ; attempt++) {
        try {
          return await attemptIngestion(deps, { ...request, trigger }, head, headTree);
        } catch (error) {
          if (!(error instanceof BranchMovedError)) throw error;
          if (attempt >= MAX_ATTEMPTS) {
            // The branch keeps moving: each of those pushes brings its own webhook and run.
            log.warn(
              { branch: request.branch, attempts: attempt },
              "branch kept moving; leaving it to the newer pushes",
            );
            return { status: "superseded" };
          }
          head = error.newHead;
          headTree = error.newTree;
          trigger = "race";
          log.info(
            { branch: request.branch, head, attempt },
            "branch moved during ingestion; starting again on the new head",
          );
        }
      }
    });
  } catch (error) {
    // Failed before a check run existed (database, lock, reading the tree): still tell the user.
    return reportFailure(deps, request, head, error);
  }
}

async function attemptIngestion(
  deps: IngestionDeps,
  request: IngestionRequest,
  head: string,
  /** The head's tree when it was read already (the branch moved to it during the previous attempt). */
  headTree?: CommitTree,
): Promise<IngestionOutcome> {
  const { octokit, recorder, log } = deps;
  const repo = repoRef(request.repository);
  const { config } = request.config;
  const tree = headTree ?? (await readCommitTree(octokit, repo, head));
  let onTop = 0;
  const discovered = discoverTree(tree, config.roots);
  if (discovered.length === 0) {
    log.info({ head, branch: request.branch }, "no fabric root in this tree: nothing to do, no check run");
    return { status: "no-roots" };
  }
  // Work the app found by itself (not a push nor a re-run) says nothing when nothing waits in raw/:
  // no record, no check run on a head that may be the app's own commit.
  const selfFound =
    request.trigger === "backfill" || request.trigger === "reconcile" || request.trigger === "retry";
  if (selfFound && discovered.every((root) => root.rawPaths.length === 0)) {
    log.info(
      { head, branch: request.branch, trigger: request.trigger },
      "raw/ is empty: nothing to do, no check run",
    );
    return { status: "nothing-to-do" };
  }
  const begun = await recorder.begin({
    repository: request.repository,
    branch: request.branch,
    sourceCommit: head,
    deliveryId: request.deliveryId,
    trigger: request.trigger,
  });
  // Only a pending import is ours to record; any other status means this commit was handled before.
  const recordable = begun.status === "pending";
  // Only a re-run (or a race onto a commit handled meanwhile) answers again on a handled commit.
  if (!recordable && request.trigger !== "rerun" && request.trigger !== "race") {
    log.info(
      { head, importId: begun.id, status: begun.status },
      "this commit was handled before (redelivery): nothing recorded twice",
    );
    return { status: "duplicate" };
  }
  const check = new CheckRun(octokit, repo, head, {
    externalId: String(begun.id),
    startAfterMs: deps.checkStartAfterMs,
    ...(request.checkRunId !== undefined && head === request.headSha
      ? { checkRunId: request.checkRunId }
      : {}),
    log,
  });
  // 0: show the run in progress before any work (no lazy start).
  if (deps.checkStartAfterMs === 0) await check.start();
  try {
    const input = await readInput(octokit, repo, tree, discovered, head, request);
    const { plan, report } = ingest(input);
    const extras = await checkExtras(octokit, repo, tree, discovered, report, request);
    const idle = plan.writes.length === 0 && plan.deletes.length === 0;
    if (!recordable) {
      // A re-run on a commit already handled: say again what it holds, commit and record nothing.
      const checkRunId = await check.complete(
        idle ? idleResult(report, request, extras) : alreadyHandled(begun.status),
      );
      return { status: "duplicate", checkRunId };
    }
    await recorder.planned(begun.id, report);
    const t = totals(report);
    if (idle) {
      const checkRunId = await finish(deps, check, idleResult(report, request, extras), begun.id, () =>
        t.rejectedFiles > 0 ? recorder.rejected(begun.id) : recorder.nothingToDo(begun.id),
      );
      return { status: t.rejectedFiles > 0 ? "rejected" : "nothing-to-do", checkRunId };
    }
    let commitSha: string | undefined;
    // The branch moved at the compare-and-swap: when the newer commits leave everything the plan
    // depends on alone, the same commit goes on top of them; otherwise the run starts again there.
    for (let base = { head, tree }; commitSha === undefined; ) {
      try {
        commitSha = await writeCommit(octokit, repo, {
          branch: request.branch,
          headSha: base.head,
          baseTreeSha: base.tree.treeSha,
          plan,
          message: commitMessage(report),
          ...(request.repository.nodeId ? { repositoryNodeId: request.repository.nodeId } : {}),
        });
      } catch (error) {
        if (!(error instanceof BranchMovedError)) throw error;
        const moved = await readCommitTree(octokit, repo, error.newHead);
        if (++onTop < MAX_ATTEMPTS && planHoldsOn(tree, moved, plan, discovered)) {
          log.info(
            { head, newHead: error.newHead, branch: request.branch },
            "the branch moved with changes this run does not touch: committing on top of them",
          );
          base = { head: error.newHead, tree: moved };
          continue;
        }
        await finish(
          deps,
          check,
          {
            conclusion: "neutral",
            title: "Superseded: the branch moved during ingestion",
            summary: `\`${request.branch}\` moved while this commit was being ingested, changing files this run depends on: nothing was committed for it, and its files are ingested from the branch's new head.`,
            annotations: [],
          },
          begun.id,
          () => recorder.superseded(begun.id),
        );
        throw new BranchMovedError(request.branch, error.newHead, moved);
      }
    }
    log.info({ head, commitSha, ...t }, "ingestion committed");
    // The commit landed: whatever fails from here on must not report "nothing was committed".
    const checkRunId = await finish(deps, check, checkResult(report, commitSha, extras), begun.id, () =>
      recorder.committed(begun.id, commitSha),
    );
    return { status: "committed", commitSha, checkRunId };
  } catch (error) {
    if (error instanceof BranchMovedError) throw error;
    if (error instanceof UnknownOutcomeError) {
      // The commit may have landed: nothing is recorded as failed, and the check stays in progress
      // until the settling (this repository's next run, or the next start) reads the branch.
      log.error(
        { err: error, head, importId: begun.id, commitSha: error.commitSha },
        "branch update unconfirmed; the import stays pending to be settled",
      );
      await check
        .start()
        .catch((e: unknown) => log.error({ err: e }, "could not show the check run in progress"));
      return {
        status: "unknown",
        ...(check.checkRunId !== undefined ? { checkRunId: check.checkRunId } : {}),
      };
    }
    log.error({ err: error, head, importId: begun.id }, "ingestion failed");
    const retry = retryIn(deps, error);
    const checkRunId = await finish(deps, check, failureResult(error, deps, retry), begun.id, () =>
      recorder.failed(begun.id, errorMessage(error)),
    );
    return {
      status: error instanceof DatabaseError ? "database-error" : "failed",
      checkRunId,
      ...retrying(retry),
    };
  }
}

/**
 * Completes the check run, then records the outcome. The check goes first: if it cannot be
 * completed even by a replacement run, the import is left pending, so the settling (which
 * completes unfinished check runs) picks it up rather than leaving it spinning for good.
 */
async function finish(
  deps: IngestionDeps,
  check: CheckRun,
  result: CheckResult,
  importId: number,
  record: () => Promise<void>,
): Promise<number | undefined> {
  let checkRunId: number | undefined;
  try {
    checkRunId = await check.complete(result);
  } catch (error) {
    if (!(error instanceof CheckIncompleteError)) throw error;
    deps.log.error(
      { err: error, importId },
      "check run not completed; the import stays pending to be settled",
    );
    return check.checkRunId;
  }
  await record().catch((error: unknown) =>
    // Left pending: settled (from the commit's trailer) on the next run or start.
    deps.log.error({ err: error, importId }, "recording the outcome failed; it will be settled"),
  );
  return checkRunId;
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Seconds until a passing GitHub failure is tried again: what GitHub asked, or the queue's longer backoff. */
function retryIn(deps: Pick<IngestionDeps, "retryDelaySeconds">, error: unknown): number | undefined {
  const asked = retryAfterSeconds(error);
  return asked === undefined ? undefined : (deps.retryDelaySeconds?.(asked) ?? asked);
}

/** The outcome's retryAfterSeconds, when there is one. */
const retrying = (seconds: number | undefined) =>
  seconds === undefined ? {} : { retryAfterSeconds: seconds };

/** What a failed run says: nothing was committed, why, and what to do (or what the app will do). */
function failureResult(
  error: unknown,
  deps: Pick<IngestionDeps, "retriedBySelf">,
  retrySeconds: number | undefined,
): CheckResult {
  if (isRepositoryBusy(error))
    return {
      conclusion: "neutral",
      title: deps.retriedBySelf
        ? "Queued: another ingestion of this repository is running"
        : "Repository busy: not ingested yet",
      summary:
        "Another ingestion of this repository is still running, so this one has not started: nothing was committed for it yet and every file is still in `raw/`.\n\n" +
        (deps.retriedBySelf
          ? "It runs by itself once the other one is done."
          : "The running ingestion may already include these files; if not, push again or use **Re-run** once it is done."),
      annotations: [],
    };
  const database = error instanceof DatabaseError;
  const later =
    deps.retriedBySelf && (database || retrySeconds !== undefined)
      ? `The app tries again by itself${retrySeconds !== undefined ? ` in about ${retrySeconds} s` : " shortly"}; **Re-run** does it now.`
      : undefined;
  return {
    conclusion: "failure",
    title: database ? "Database unavailable: nothing was committed" : "Ingestion failed",
    summary:
      `Nothing was committed and every file is still in \`raw/\`.\n\n> ${errorMessage(error)}\n\n` +
      (later ??
        (database
          ? "Push again or use **Re-run** once the database is back."
          : "Use **Re-run** once the problem is fixed.")),
    annotations: [],
  };
}

async function readInput(
  octokit: Octokit,
  repo: RepoRef,
  tree: CommitTree,
  discovered: readonly DiscoveredRoot[],
  head: string,
  request: IngestionRequest,
): Promise<IngestInput> {
  const { config } = request.config;
  const blobs = await readBlobs(octokit, repo, blobsToRead(tree, discovered, config.maxFileBytes));
  return treeIngestInput({ tree, discovered, blobs, sourceCommit: head, config });
}

/**
 * What the check says beyond the plan: the push's hand edits of managed/ (against the commit before
 * the push, read only when the push touched managed/ or unmanaged/) and the field diff of updates.
 */
async function checkExtras(
  octokit: Octokit,
  repo: RepoRef,
  tree: CommitTree,
  discovered: readonly DiscoveredRoot[],
  report: Report,
  request: IngestionRequest,
): Promise<CheckExtras> {
  const touched = (request.changedPaths ?? []).some((path) => isCurrentFile(discovered, path));
  const before =
    request.beforeSha && !/^0+$/.test(request.beforeSha) && touched ? request.beforeSha : undefined;
  const previous = before ? await readCommitTree(octokit, repo, before) : undefined;
  const changes = previous ? managedChanges(discovered, tree.files, previous.files) : undefined;
  const byPath = new Map(tree.files.map((f) => [f.path, f]));
  const updated = updatedPaths(report).flatMap((path) => byPath.get(path) ?? []);
  const wanted = [...updated, ...(changes ? [...changes.edited, ...changes.deleted, ...changes.others] : [])];
  if (wanted.length === 0) return {};
  const blobs = await readBlobs(octokit, repo, wanted);
  const rawFile = (entry: TreeEntry | undefined, path: string) => rawFileOf(entry, path, blobs);
  return {
    handEdits: changes
      ? handEditReports(discovered, report, tree.files, changes, rawFile, request.config.config)
      : [],
    updated: updatedResources(report, (path) => {
      const entry = byPath.get(path);
      return entry ? blobs.get(entry.sha) : undefined;
    }),
  };
}

function alreadyHandled(status: string): CheckResult {
  return {
    conclusion: "neutral",
    title: `Already handled (${status.replace(/_/g, " ")})`,
    summary: "This commit was ingested before; push a new commit to ingest again.",
    annotations: [],
  };
}

function idleResult(report: Report, request: IngestionRequest, extras: CheckExtras = {}) {
  const result = checkResult(report, undefined, extras);
  const touched =
    request.changedPaths?.some((path) => report.roots.some((r) => path.startsWith(`${r.root}/`))) ?? true;
  if (result.conclusion === "success" && totals(report).files === 0 && !touched) {
    return { ...result, conclusion: "neutral" as const, title: "No fabric changes in this push" };
  }
  return result;
}

export async function branchHead(octokit: Octokit, repo: RepoRef, branch: string): Promise<string> {
  const { data } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
  return data.object.sha;
}

/** Settles this repository's imports a crash left pending (we hold its lock, so none is in flight). */
async function resolvePending(deps: IngestionDeps, repository: RepositoryInfo): Promise<void> {
  for (const pending of await deps.recorder.pending(repository.githubId)) {
    // One import that cannot be settled now must not stop the others, nor this run.
    await settleImport(deps.octokit, deps.recorder, pending, deps.log).catch((error: unknown) =>
      deps.log.warn(
        { err: error, importId: pending.id },
        "could not settle a pending import; trying again later",
      ),
    );
  }
}

/** A one-request check run (created completed) for a run that has no import record. */
function oneShotCheck(deps: IngestionDeps, request: IngestionRequest, head: string): CheckRun {
  return new CheckRun(deps.octokit, repoRef(request.repository), head, {
    externalId: `delivery:${request.deliveryId}`,
    startAfterMs: Number.POSITIVE_INFINITY,
    ...(request.checkRunId !== undefined && head === request.headSha
      ? { checkRunId: request.checkRunId }
      : {}),
    log: deps.log,
  });
}

async function reportConfigErrors(
  deps: IngestionDeps,
  request: IngestionRequest,
  head: string,
  errors: string[],
) {
  deps.log.warn({ errors }, "invalid .github/gitops-ingest.yml");
  const checkRunId = await oneShotCheck(deps, request, head).complete({
    conclusion: "failure",
    title: "Invalid configuration: nothing was ingested",
    summary: `\`.github/gitops-ingest.yml\` has problems:\n\n${errors.map((e) => `- ${e}`).join("\n")}`,
    annotations: [],
  });
  return { status: "config-error" as const, checkRunId };
}

/**
 * Reading `.github/gitops-ingest.yml` failed on GitHub's side (not an invalid file): say what
 * failed and that nothing was ingested, on the pushed commit.
 */
export async function reportUnreadableConfig(
  deps: IngestionDeps,
  request: Omit<IngestionRequest, "config">,
  head: string,
  error: unknown,
): Promise<IngestionOutcome> {
  const status = (error as { status?: number }).status;
  deps.log.error({ err: error, head, status }, "could not read the configuration from GitHub");
  const checkRunId = await oneShotCheck(deps, request as IngestionRequest, head).complete({
    conclusion: "failure",
    title: "GitHub error reading the configuration: nothing was ingested",
    summary:
      `GitHub failed to serve \`.github/gitops-ingest.yml\`${status ? ` (HTTP ${status})` : ""}, so nothing was ingested and every file is still in \`raw/\`. This is not a problem with the file.\n\n> ${errorMessage(error)}\n\n` +
      "Use **Re-run** or push again once GitHub answers.",
    annotations: [],
  });
  const retry = retryIn(deps, error);
  return { status: "failed", checkRunId, ...retrying(retry) };
}

/** A re-run asked on a commit that is no longer the branch head: answer there, commit nothing. */
async function answerOffHead(
  deps: IngestionDeps,
  request: IngestionRequest,
  asked: string,
  head: string,
): Promise<IngestionOutcome> {
  const repo = repoRef(request.repository);
  const found = await findIngestionCommit(deps.octokit, repo, request.branch, asked).catch(() => undefined);
  const ingested = found?.status === "found" ? found.sha : undefined;
  const checkRunId = await oneShotCheck(deps, request, asked).complete({
    conclusion: "neutral",
    title: ingested ? "Already ingested: nothing to re-run here" : "Not the branch head: nothing committed",
    summary:
      (ingested
        ? `This commit was ingested in \`${ingested}\`. `
        : `This commit is no longer the head of \`${request.branch}\` (now \`${head}\`). `) +
      "Nothing was committed for it now: only the branch head is ingested, by its own push or a **Re-run** on its check.",
    annotations: [],
  });
  deps.log.info(
    { asked, head, ingested },
    "re-run asked on a commit that is not the branch head: answered there",
  );
  return { status: "not-head", checkRunId };
}

/**
 * The webhook could not record its job (the database is down): say so on the commit, since no run
 * will. The reconcile sweep finds the push once the database is back; GitHub's Redeliver works too.
 */
export async function reportNotQueued(
  deps: IngestionDeps,
  request: Omit<IngestionRequest, "config">,
  head: string,
  error: unknown,
): Promise<IngestionOutcome> {
  const failure = error instanceof DatabaseError ? error : new DatabaseError(error);
  return reportFailure(deps, request as IngestionRequest, head, failure);
}

async function reportFailure(
  deps: IngestionDeps,
  request: IngestionRequest,
  head: string,
  error: unknown,
): Promise<IngestionOutcome> {
  const busy = isRepositoryBusy(error);
  const database = !busy && error instanceof DatabaseError;
  const status = busy ? "busy" : database ? "database-error" : "failed";
  deps.log.error(
    { err: error, head },
    busy
      ? "another ingestion of this repository is running; this one was not started"
      : database
        ? "database unavailable: nothing committed"
        : "ingestion failed",
  );
  const retry = busy ? undefined : retryIn(deps, error);
  try {
    const checkRunId = await oneShotCheck(deps, request, head).complete(failureResult(error, deps, retry));
    return { status, checkRunId, ...retrying(retry) };
  } catch (reportError) {
    deps.log.error({ err: reportError }, "could not report the failure in a check run");
    return { status, ...retrying(retry) };
  }
}
