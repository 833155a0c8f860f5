/** The `gitops-ingest` check run: in_progress first, then the conclusion with annotations in batches of 50. */
import type { Octokit, RepoRef } from "./types.js";

export const CHECK_NAME = "gitops-ingest";
export const RERUN_ACTION = "rerun";
/** GitHub accepts at most 50 annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub's limit on the summary's length. */
const MAX_SUMMARY = 65_000;

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

const rerunAction = [
  { label: "Re-run", description: "Ingest again on the branch head", identifier: RERUN_ACTION },
];

export async function startCheck(
  octokit: Octokit,
  repo: RepoRef,
  headSha: string,
  externalId?: string,
): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    status: "in_progress",
    started_at: new Date().toISOString(),
    ...(externalId ? { external_id: externalId } : {}),
  });
  return data.id;
}

export async function completeCheck(
  octokit: Octokit,
  repo: RepoRef,
  checkRunId: number,
  result: CheckResult,
): Promise<void> {
  const summary =
    result.summary.length > MAX_SUMMARY ? `${result.summary.slice(0, MAX_SUMMARY)}\n\n…` : result.summary;
  const batches: Annotation[][] = [];
  for (let i = 0; i < result.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(result.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  }
  // Annotations first (while in progress), then the conclusion with the last batch: the
  // check only turns green or red once everything it says is there.
  const last = batches.pop() ?? [];
  for (const annotations of batches) {
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: checkRunId,
      output: { title: result.title, summary, annotations },
    });
  }
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: "completed",
    conclusion: result.conclusion,
    completed_at: new Date().toISOString(),
    output: { title: result.title, summary, annotations: last },
    actions: rerunAction,
  });
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
