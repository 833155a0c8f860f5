/**
 * Git Data API plumbing: the plan becomes one tree (built over several requests when large),
 * one commit on top of the pushed head, and a compare-and-swap on the branch (never forced).
 */
import type { Plan } from "../pipeline/types.js";
import type { Octokit, RepoRef } from "./types.js";

/** GitHub rejects very large tree requests; we stay well below. */
export const TREE_ENTRIES_PER_REQUEST = 100;

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The branch moved between our read and our write: the caller starts again from the new head. */
export class BranchMovedError extends Error {
  constructor(
    branch: string,
    /** Where the branch is now. */
    readonly newHead: string,
  ) {
    super(`branch ${branch} moved while ingesting`);
    this.name = "BranchMovedError";
  }
}

type TreeItem = {
  path: string;
  mode: "100644";
  type: "blob";
  sha?: string | null;
  content?: string;
};

export function treeItems(plan: Plan): TreeItem[] {
  const items: TreeItem[] = [];
  for (const write of plan.writes) {
    if (write.blobSha) items.push({ path: write.path, mode: "100644", type: "blob", sha: write.blobSha });
    else
      items.push({
        path: write.path,
        mode: "100644",
        type: "blob",
        content: decoder.decode(write.bytes ?? new Uint8Array()),
      });
  }
  for (const path of plan.deletes) items.push({ path, mode: "100644", type: "blob", sha: null });
  return items;
}

export interface CommitRequest {
  branch: string;
  headSha: string;
  baseTreeSha: string;
  plan: Plan;
  message: string;
}

export async function writeCommit(octokit: Octokit, repo: RepoRef, request: CommitRequest): Promise<string> {
  const items = treeItems(request.plan);
  let treeSha = request.baseTreeSha;
  for (let i = 0; i < items.length; i += TREE_ENTRIES_PER_REQUEST) {
    const { data } = await octokit.rest.git.createTree({
      ...repo,
      base_tree: treeSha,
      tree: items.slice(i, i + TREE_ENTRIES_PER_REQUEST) as never,
    });
    treeSha = data.sha;
  }
  const { data: commit } = await octokit.rest.git.createCommit({
    ...repo,
    message: request.message,
    tree: treeSha,
    parents: [request.headSha],
  });
  try {
    await octokit.rest.git.updateRef({
      ...repo,
      ref: `heads/${request.branch}`,
      sha: commit.sha,
      force: false,
    });
  } catch (error) {
    // GitHub answers 422 both for "not a fast forward" and for refusals (protected branch, …):
    // only a branch that really moved is a race to start again from.
    if ((error as { status?: number }).status === 422) {
      const { data } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${request.branch}` });
      if (data.object.sha !== request.headSha) throw new BranchMovedError(request.branch, data.object.sha);
    }
    throw error;
  }
  return commit.sha;
}
