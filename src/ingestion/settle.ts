/** Settling an import a crash left pending: the branch's history says whether its commit landed. */
import type { Logger } from "probot";
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
  const sha = await findIngestionCommit(octokit, repo, pending.branch, pending.sourceCommit);
  if (sha) await recorder.committed(pending.id, sha);
  else await recorder.failed(pending.id, "interrupted before its commit landed; the files are still in raw/");
  log.info(
    { importId: pending.id, sourceCommit: pending.sourceCommit, commitSha: sha ?? null },
    "settled a pending import",
  );
}
