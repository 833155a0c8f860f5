/** Finds the app's commit for a source commit on a branch, by the trailer in its message. */
import type { Octokit, RepoRef } from "../github/types.js";
import { sourceFromMessage } from "../report/commit-message.js";

/** How far back from the branch head we look: a pending import is recent by nature. */
const MAX_COMMITS = 50;

export async function findIngestionCommit(
  octokit: Octokit,
  repo: RepoRef,
  branch: string,
  sourceCommit: string,
): Promise<string | undefined> {
  const { data: ref } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
  let sha: string | undefined = ref.object.sha;
  for (let i = 0; sha && i < MAX_COMMITS && sha !== sourceCommit; i++) {
    const commit: { sha: string; message: string; parents: { sha: string }[] } = (
      await octokit.rest.git.getCommit({ ...repo, commit_sha: sha })
    ).data;
    if (sourceFromMessage(commit.message) === sourceCommit) return commit.sha;
    sha = commit.parents[0]?.sha;
  }
  return undefined;
}
