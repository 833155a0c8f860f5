/**
 * Settling an import left pending (a crash, a branch update GitHub did not confirm, a check run
 * that could not be completed): the branch's history says whether its commit landed, and a check
 * run left spinning is completed so it does not claim work still under way.
 */
import type { Logger } from "probot";
import { completeCheck, unfinishedChecks } from "../github/check-run.js";
import { type Octokit, repoFromFullName } from "../github/types.js";
import { findIngestionCommit } from "./find-ingestion-commit.js";
import type { ImportRecorder, PendingImport } from "./recorder.js";

export async function settleImport(
  octokit: Octokit,
  recorder: ImportRecorder,
  pending: PendingImport,
  log: Logger,
): Promise<void> {
  const repo = repoFromFullName(pending.fullName);
  const lookup = await findIngestionCommit(octokit, repo, pending.branch, pending.sourceCommit);
  const sha = lookup.status === "found" ? lookup.sha : undefined;
  // Check runs first: if one cannot be completed now, the import stays pending and is settled again later.
  const externalId = String(pending.id);
  for (const checkRunId of await unfinishedChecks(octokit, repo, pending.sourceCommit, externalId)) {
    await completeCheck(octokit, repo, pending.sourceCommit, checkRunId, externalId, {
      conclusion: sha ? "success" : "neutral",
      title: sha ? "Ingested (confirmed after an interruption)" : "Interrupted: nothing was committed",
      summary: sha
        ? `The app was interrupted after committing; the ingestion commit is \`${sha}\`.`
        : lookup.status === "branch-gone"
          ? `\`${pending.branch}\` was deleted before this ingestion was confirmed: nothing of it is on the branch.`
          : "The app was interrupted before committing. The files are still in `raw/`: the next push or a **Re-run** ingests them.",
      annotations: [],
    });
  }
  if (sha) await recorder.committed(pending.id, sha);
  else
    await recorder.failed(
      pending.id,
      lookup.status === "branch-gone"
        ? `branch ${pending.branch} was deleted before its commit was confirmed; nothing of it is on GitHub`
        : "interrupted before its commit landed; the files are still in raw/",
    );
  log.info(
    {
      importId: pending.id,
      sourceCommit: pending.sourceCommit,
      commitSha: sha ?? null,
      lookup: lookup.status,
    },
    "settled a pending import",
  );
}

/**
 * Settles every import left pending, repository by repository under its lock (so an import still
 * in flight elsewhere is waited for, then found settled), each with its installation's token. One
 * that cannot be settled now (GitHub or the installation unavailable) does not stop the others.
 * Returns how many were settled.
 */
export async function settleAllPending(
  octokitFor: (installationId: number) => Promise<Octokit>,
  recorder: ImportRecorder,
  log: Logger,
): Promise<number> {
  const byRepository = new Map<number, PendingImport>();
  for (const p of await recorder.pending()) byRepository.set(p.repositoryGithubId, p);
  let settled = 0;
  for (const [repositoryId, first] of byRepository) {
    try {
      const octokit = await octokitFor(first.installationId);
      await recorder.withRepositoryLock(repositoryId, async () => {
        for (const pending of await recorder.pending(repositoryId)) {
          try {
            await settleImport(octokit, recorder, pending, log);
            settled++;
          } catch (error) {
            log.warn(
              { err: error, importId: pending.id },
              "could not settle a pending import; trying again later",
            );
          }
        }
      });
    } catch (error) {
      log.warn(
        { err: error, repository: first.fullName },
        "could not settle this repository's pending imports; trying again later",
      );
    }
  }
  return settled;
}
