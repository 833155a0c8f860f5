/**
 * One ingestion, end to end: read the pushed tree through the API, run the pure pipeline,
 * record it, commit it with a compare-and-swap, and tell the user with a check run.
 * This is the shell around the pipeline; every decision about files lives in src/pipeline.
 */
import type { Logger } from "probot";
import type { ConfigResult } from "../config.js";
import { readBlobs } from "../github/blobs.js";
import { type CheckResult, completeCheck, startCheck } from "../github/check-run.js";
import { readCommitTree } from "../github/tree.js";
import { type Octokit, type RepoRef, repoFromFullName } from "../github/types.js";
import { BranchMovedError, writeCommit } from "../github/write-commit.js";
import { discoverRoots, isCurrentFile, rootInputs } from "../pipeline/discover.js";
import { ingest } from "../pipeline/ingest.js";
import type { IngestInput, Report } from "../pipeline/types.js";
import { checkResult } from "../report/check-result.js";
import { commitMessage } from "../report/commit-message.js";
import { totals } from "../report/totals.js";
import { DatabaseError, type ImportRecorder, type RepositoryInfo } from "./recorder.js";
import { settleImport } from "./settle.js";

/** Attempts when the branch keeps moving under us. */
export const MAX_ATTEMPTS = 3;

export interface IngestionRequest {
  repository: RepositoryInfo;
  branch: string;
  /** The pushed head; absent for a re-run, which reads the branch's current head. */
  headSha?: string;
  trigger: "push" | "rerun" | "race";
  deliveryId: string;
  config: ConfigResult;
  /** Paths the push changed, when known: a push that changed nothing under a fabric root ends neutral when idle. */
  changedPaths?: readonly string[];
}

export interface IngestionDeps {
  octokit: Octokit;
  recorder: ImportRecorder;
  log: Logger;
}

export type IngestionOutcome =
  | {
      status: "no-roots" | "duplicate" | "config-error" | "database-error" | "failed" | "superseded";
      checkRunId?: number;
    }
  | { status: "committed"; commitSha: string; checkRunId: number }
  | { status: "nothing-to-do" | "rejected"; checkRunId: number };

const repoRef = (repository: RepositoryInfo): RepoRef => repoFromFullName(repository.fullName);

export async function runIngestion(
  deps: IngestionDeps,
  request: IngestionRequest,
): Promise<IngestionOutcome> {
  const { octokit, log } = deps;
  const repo = repoRef(request.repository);
  let head = request.headSha ?? (await branchHead(octokit, repo, request.branch));
  if (request.config.errors.length > 0) return reportConfigErrors(deps, repo, head, request.config.errors);
  try {
    return await deps.recorder.withRepositoryLock(request.repository.githubId, async () => {
      await resolvePending(deps, request.repository);
      let trigger = request.trigger;
      for (let attempt = 1; ; attempt++) {
        try {
          return await attemptIngestion(deps, { ...request, trigger }, head);
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
    return reportFailure(deps, repo, head, error);
  }
}

async function attemptIngestion(
  deps: IngestionDeps,
  request: IngestionRequest,
  head: string,
): Promise<IngestionOutcome> {
  const { octokit, recorder, log } = deps;
  const repo = repoRef(request.repository);
  const { config } = request.config;
  const tree = await readCommitTree(octokit, repo, head);
  const discovered = discoverRoots(
    tree.files.map((f) => f.path),
    config.roots,
  );
  if (discovered.length === 0) {
    log.info({ head, branch: request.branch }, "no fabric root in this tree: nothing to do, no check run");
    return { status: "no-roots" };
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
  if (!recordable && request.trigger === "push") {
    log.info(
      { head, importId: begun.id, status: begun.status },
      "this commit was handled before (redelivery): nothing recorded twice",
    );
    return { status: "duplicate" };
  }
  const checkRunId = await startCheck(octokit, repo, head, String(begun.id));
  try {
    const input = await readInput(octokit, repo, tree, discovered, head, request);
    const { plan, report } = ingest(input);
    const idle = plan.writes.length === 0 && plan.deletes.length === 0;
    if (!recordable) {
      // A re-run on a commit already handled: say again what it holds, commit and record nothing.
      await completeCheck(
        octokit,
        repo,
        checkRunId,
        idle ? idleResult(report, request) : alreadyHandled(begun.status),
      );
      return { status: "duplicate", checkRunId };
    }
    await recorder.planned(begun.id, report);
    const t = totals(report);
    if (idle) {
      await (t.rejectedFiles > 0 ? recorder.rejected(begun.id) : recorder.nothingToDo(begun.id));
      await completeCheck(octokit, repo, checkRunId, idleResult(report, request));
      return { status: t.rejectedFiles > 0 ? "rejected" : "nothing-to-do", checkRunId };
    }
    let commitSha: string;
    try {
      commitSha = await writeCommit(octokit, repo, {
        branch: request.branch,
        headSha: head,
        baseTreeSha: tree.treeSha,
        plan,
        message: commitMessage(report),
      });
    } catch (error) {
      if (error instanceof BranchMovedError) {
        await recorder.superseded(begun.id);
        await completeCheck(octokit, repo, checkRunId, {
          conclusion: "neutral",
          title: "Superseded: the branch moved during ingestion",
          summary: `\`${request.branch}\` moved while this commit was being ingested: nothing was committed for it, and its files are ingested from the branch's new head.`,
          annotations: [],
        });
      }
      throw error;
    }
    log.info({ head, commitSha, ...t }, "ingestion committed");
    try {
      await recorder.committed(begun.id, commitSha);
    } catch (error) {
      // The commit landed; the pending record is settled from the commit's trailer on the next run.
      log.error(
        { err: error, importId: begun.id, commitSha },
        "commit landed but recording it failed; it will be reconciled",
      );
    }
    // The commit landed: whatever fails from here on must not report "nothing was committed".
    await completeCheck(octokit, repo, checkRunId, checkResult(report, commitSha)).catch((error: unknown) =>
      log.error({ err: error, commitSha }, "committed, but the check run could not be completed"),
    );
    return { status: "committed", commitSha, checkRunId };
  } catch (error) {
    if (error instanceof BranchMovedError) throw error;
    log.error({ err: error, head, importId: begun.id }, "ingestion failed");
    await recorder
      .failed(begun.id, errorMessage(error))
      .catch((e: unknown) => log.error({ err: e }, "could not record the failure"));
    await completeCheck(octokit, repo, checkRunId, failureResult(error)).catch((e: unknown) =>
      log.error({ err: e }, "could not report the failure in the check run"),
    );
    return { status: error instanceof DatabaseError ? "database-error" : "failed", checkRunId };
  }
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** What a failed run says: nothing was committed, why, and what to do. */
function failureResult(error: unknown): CheckResult {
  const database = error instanceof DatabaseError;
  return {
    conclusion: "failure",
    title: database ? "Database unavailable: nothing was committed" : "Ingestion failed",
    summary:
      `Nothing was committed and every file is still in \`raw/\`.\n\n> ${errorMessage(error)}\n\n` +
      (database
        ? "Push again or use **Re-run** once the database is back."
        : "Use **Re-run** once the problem is fixed."),
    annotations: [],
  };
}

async function readInput(
  octokit: Octokit,
  repo: RepoRef,
  tree: Awaited<ReturnType<typeof readCommitTree>>,
  discovered: ReturnType<typeof discoverRoots>,
  head: string,
  request: IngestionRequest,
): Promise<IngestInput> {
  const byPath = new Map(tree.files.map((f) => [f.path, f]));
  const { maxFileBytes } = request.config.config;
  // Files over the limit are not downloaded: their size alone gets them rejected.
  const wanted = discovered
    .flatMap((d) => d.rawPaths)
    .flatMap((path) => byPath.get(path) ?? [])
    .filter((e) => (e.size ?? 0) <= maxFileBytes);
  const blobs = await readBlobs(octokit, repo, wanted);
  const current = new Map<string, string>();
  for (const file of tree.files) if (isCurrentFile(discovered, file.path)) current.set(file.path, file.sha);
  return {
    sourceCommit: head,
    current,
    options: { archive: request.config.config.archive, strict: request.config.config.strict, maxFileBytes },
    roots: rootInputs(discovered, (path) => {
      const entry = byPath.get(path);
      const bytes = entry ? blobs.get(entry.sha) : undefined;
      return { path, blobSha: entry?.sha, bytes: bytes ?? new Uint8Array(), size: entry?.size };
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

function idleResult(report: Report, request: IngestionRequest) {
  const result = checkResult(report);
  const touched =
    request.changedPaths?.some((path) => report.roots.some((r) => path.startsWith(`${r.root}/`))) ?? true;
  if (result.conclusion === "success" && totals(report).files === 0 && !touched) {
    return { ...result, conclusion: "neutral" as const, title: "No fabric changes in this push" };
  }
  return result;
}

async function branchHead(octokit: Octokit, repo: RepoRef, branch: string): Promise<string> {
  const { data } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
  return data.object.sha;
}

/** Settles this repository's imports a crash left pending (we hold its lock, so none is in flight). */
async function resolvePending(deps: IngestionDeps, repository: RepositoryInfo): Promise<void> {
  for (const pending of await deps.recorder.pending(repository.githubId)) {
    await settleImport(deps.octokit, deps.recorder, pending, deps.log);
  }
}

async function reportConfigErrors(deps: IngestionDeps, repo: RepoRef, head: string, errors: string[]) {
  const checkRunId = await startCheck(deps.octokit, repo, head);
  deps.log.warn({ errors }, "invalid .github/gitops-ingest.yml");
  await completeCheck(deps.octokit, repo, checkRunId, {
    conclusion: "failure",
    title: "Invalid configuration: nothing was ingested",
    summary: `\`.github/gitops-ingest.yml\` has problems:\n\n${errors.map((e) => `- ${e}`).join("\n")}`,
    annotations: [],
  });
  return { status: "config-error" as const, checkRunId };
}

async function reportFailure(
  deps: IngestionDeps,
  repo: RepoRef,
  head: string,
  error: unknown,
): Promise<IngestionOutcome> {
  const database = error instanceof DatabaseError;
  deps.log.error(
    { err: error, head },
    database ? "database unavailable: nothing committed" : "ingestion failed",
  );
  try {
    const checkRunId = await startCheck(deps.octokit, repo, head);
    await completeCheck(deps.octokit, repo, checkRunId, failureResult(error));
    return { status: database ? "database-error" : "failed", checkRunId };
  } catch (reportError) {
    deps.log.error({ err: reportError }, "could not report the failure in a check run");
    return { status: database ? "database-error" : "failed" };
  }
}
