/**
 * Finds the app's commit for a source commit on a branch: GitHub's compare of the source commit
 * with the branch lists every commit the branch has on top of it (however many), and ours is the
 * one whose message carries exactly this source commit's trailer.
 */
import type { Octokit, RepoRef } from "../github/types.js";
import { sourceFromMessage } from "../report/commit-message.js";

/** Commits per compare page (GitHub's maximum). */
const PER_PAGE = 100;

export type IngestionCommitLookup =
  | { status: "found"; sha: string }
  | { status: "absent" }
  /** The branch no longer exists (deleted): nothing of this import can be on it. */
  | { status: "branch-gone" };

export async function findIngestionCommit(
  octokit: Octokit,
  repo: RepoRef,
  branch: string,
  sourceCommit: string,
): Promise<IngestionCommitLookup> {
  try {
    // Oldest first: the ingestion commit sits right on top of its source, so page 1 nearly always has it.
    for (let page = 1; ; page++) {
      const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
        ...repo,
        basehead: `${sourceCommit}...${branch}`,
        per_page: PER_PAGE,
        page,
      });
      // Not ahead: the branch no longer contains the source commit (rewound), so not its ingestion either.
      if (data.status !== "ahead") return { status: "absent" };
      for (const commit of data.commits) {
        if (sourceFromMessage(commit.commit.message) === sourceCommit)
          return { status: "found", sha: commit.sha };
      }
      if (data.commits.length < PER_PAGE || page * PER_PAGE >= data.ahead_by) break;
    }
    return { status: "absent" };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return { status: "branch-gone" };
    throw error;
  }
}
