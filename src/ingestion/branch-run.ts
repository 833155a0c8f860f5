/**
 * One branch of one repository, as a push, a re-run or a queued job asks: read the repository's
 * configuration, decide whether the branch is ingested, and run the ingestion. The push and re-run
 * webhooks queue this (src/queue/handlers.ts); it is one function wherever it runs.
 */

import type { ConfigResult } from "../config.js";
import { repoFromFullName } from "../github/types.js";
import type { RepositoryInfo } from "./recorder.js";
import { ingestBranches, loadRepositoryConfig } from "./repository-config.js";
import {
  branchHead,
  type IngestionDeps,
  type IngestionOutcome,
  type IngestionRequest,
  reportUnreadableConfig,
  runIngestion,
} from "./run.js";

export interface BranchRun {
  repository: RepositoryInfo;
  branch: string;
  /** The pushed head, or the commit a re-run was asked on; absent: the branch's current head. */
  headSha?: string;
  beforeSha?: string;
  changedPaths?: readonly string[];
  checkRunId?: number;
  trigger: Exclude<IngestionRequest["trigger"], "race">;
  deliveryId: string;
}

export type BranchOutcome = IngestionOutcome | { status: "not-configured" };

export interface BranchRunDeps extends IngestionDeps {
  /** Told what the configuration says each time it is read (the reconcile sweep remembers it). */
  onConfig?(config: ConfigResult): Promise<void>;
}

export async function runBranch(deps: BranchRunDeps, run: BranchRun): Promise<BranchOutcome> {
  const { octokit, log } = deps;
  const repo = repoFromFullName(run.repository.fullName);
  const { trigger, ...rest } = run;
  const request = { ...rest, trigger };
  const loaded = await loadRepositoryConfig(octokit, repo, log);
  if (loaded.kind === "unreadable") {
    // Which branches are configured is unknown: speak up where ingestion is likely wanted.
    const likely =
      trigger !== "push" ||
      run.branch === run.repository.defaultBranch ||
      (run.changedPaths ?? []).some((p) => p.includes("/raw/"));
    if (!likely) return { status: "not-configured" };
    const head = run.headSha ?? (await branchHead(octokit, repo, run.branch));
    return reportUnreadableConfig(deps, request, head, loaded.error);
  }
  await deps.onConfig?.(loaded.config);
  if (!ingestBranches(loaded.config, run.repository.defaultBranch).includes(run.branch)) {
    log.debug({ branch: run.branch }, "branch not configured for ingestion: ignored");
    return { status: "not-configured" };
  }
  return runIngestion(deps, { ...request, config: loaded.config });
}
