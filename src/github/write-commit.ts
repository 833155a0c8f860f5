/**
 * Git Data API plumbing: the plan becomes one tree (built over as few requests as the payload
 * allows), one commit on top of the pushed head, and a real compare-and-swap of the branch from
 * that head to the commit (GraphQL `updateRefs` with `beforeOid`; never forced).
 *
 * Why not REST `PATCH git/refs` with `force: false`: it only demands a fast-forward. If a user
 * force-pushes the branch back (to take out a secret, say) just before our update, our commit,
 * whose parent is the rewound commit, is still a fast-forward and would bring it back.
 */

import type { Plan } from "../pipeline/types.js";
import type { CommitTree } from "./tree.js";
import type { Octokit, RepoRef } from "./types.js";

/**
 * Bytes of tree entries per `POST git/trees` request. GitHub documents no limit for creating a
 * tree (reading one caps at 100,000 entries and 7 MB); we keep each request body under 2 MB so a
 * request stays well within what GitHub serves in its time limit.
 */
export const TREE_BYTES_PER_REQUEST = 2 * 1024 * 1024;
/** And at most this many entries per request. */
export const TREE_ENTRIES_PER_REQUEST = 10_000;

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The branch moved between our read and our write: the caller starts again from the new head. */
export class BranchMovedError extends Error {
  constructor(
    branch: string,
    /** Where the branch is now. */
    readonly newHead: string,
    /** The new head's tree, when it was read already (the next attempt starts from it). */
    readonly newTree?: CommitTree,
  ) {
    super(`branch ${branch} moved while ingesting`);
    this.name = "BranchMovedError";
  }
}

/**
 * The branch update failed in a way that does not say whether it took effect (a 5xx, a dropped
 * connection, a timeout) and reading the branch again did not settle it either. The commit may
 * have landed: the import stays pending and is settled later from the branch's history.
 */
export class UnknownOutcomeError extends Error {
  constructor(
    readonly commitSha: string,
    cause: unknown,
  ) {
    super(
      `GitHub did not confirm the branch update to ${commitSha}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = "UnknownOutcomeError";
  }
}

type TreeItem = {
  path: string;
  mode: "100644" | "100755";
  type: "blob";
  sha?: string | null;
  content?: string;
};

export function treeItems(plan: Plan): TreeItem[] {
  const items: TreeItem[] = [];
  for (const write of plan.writes) {
    const mode = write.mode ?? "100644";
    if (write.blobSha) items.push({ path: write.path, mode, type: "blob", sha: write.blobSha });
    else
      items.push({
        path: write.path,
        mode,
        type: "blob",
        content: decoder.decode(write.bytes ?? new Uint8Array()),
      });
  }
  for (const path of plan.deletes) items.push({ path, mode: "100644", type: "blob", sha: null });
  return items;
}

/** Splits tree items into requests by payload size (JSON bytes) and entry count. */
export function treeBatches(items: readonly TreeItem[]): TreeItem[][] {
  const batches: TreeItem[][] = [];
  let batch: TreeItem[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (
      batch.length > 0 &&
      (bytes + size > TREE_BYTES_PER_REQUEST || batch.length >= TREE_ENTRIES_PER_REQUEST)
    ) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

export interface CommitRequest {
  branch: string;
  headSha: string;
  baseTreeSha: string;
  plan: Plan;
  message: string;
  /** The repository's GraphQL node id (from the webhook payload); looked up when absent. */
  repositoryNodeId?: string;
}

export async function writeCommit(octokit: Octokit, repo: RepoRef, request: CommitRequest): Promise<string> {
  let treeSha = request.baseTreeSha;
  for (const tree of treeBatches(treeItems(request.plan))) {
    const { data } = await octokit.rest.git.createTree({ ...repo, base_tree: treeSha, tree: tree as never });
    treeSha = data.sha;
  }
  const { data: commit } = await octokit.rest.git.createCommit({
    ...repo,
    message: request.message,
    tree: treeSha,
    parents: [request.headSha],
  });
  const repositoryId = request.repositoryNodeId ?? (await repositoryNodeId(octokit, repo));
  try {
    await compareAndSwapBranch(octokit, repositoryId, request.branch, request.headSha, commit.sha);
    return commit.sha;
  } catch (error) {
    return settleRefUpdate(octokit, repo, request, commit.sha, error);
  }
}

export async function repositoryNodeId(octokit: Octokit, repo: RepoRef): Promise<string> {
  const { repository } = await octokit.graphql<{ repository: { id: string } }>(
    "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id } }",
    { owner: repo.owner, name: repo.repo },
  );
  return repository.id;
}

const UPDATE_REFS = `mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }`;

/** Moves the branch from `before` to `after` atomically, or fails (a GraphQL error) if it is not at `before`. */
async function compareAndSwapBranch(
  octokit: Octokit,
  repositoryId: string,
  branch: string,
  before: string,
  after: string,
): Promise<void> {
  await octokit.graphql(UPDATE_REFS, {
    input: {
      repositoryId,
      refUpdates: [{ name: `refs/heads/${branch}`, beforeOid: before, afterOid: after, force: false }],
    },
  });
}

/**
 * The update failed: find out from the branch itself whether our commit landed. Landed when the
 * branch is at our commit or has it in its history; moved when it is elsewhere; refused (the
 * error stands) when it is still at the head we read and GitHub answered at all.
 */
async function settleRefUpdate(
  octokit: Octokit,
  repo: RepoRef,
  request: CommitRequest,
  commitSha: string,
  error: unknown,
): Promise<string> {
  const definite = isDefiniteAnswer(error);
  let head: string | undefined;
  try {
    head = await branchHeadOrUndefined(octokit, repo, request.branch);
    // Only a lost answer can hide an applied update that was built upon since.
    if (
      !definite &&
      head &&
      head !== commitSha &&
      head !== request.headSha &&
      (await contains(octokit, repo, head, commitSha))
    )
      return commitSha;
  } catch (readError) {
    if (definite) throw error;
    throw new UnknownOutcomeError(commitSha, readError);
  }
  if (head === commitSha) return commitSha;
  if (head === undefined || head === request.headSha) {
    // Deleted, or still where we read it:
    // a definite answer (a GraphQL error, a 4xx) was a refusal; an answer
    // lost on the way (5xx, timeout) could still be applied late, so it stays unknown.
    if (definite) throw error;
    throw new UnknownOutcomeError(commitSha, error);
  }
  throw new BranchMovedError(request.branch, head);
}

/** GitHub answered, and the answer was no (as opposed to a 5xx, a timeout or a dropped connection). */
export function isDefiniteAnswer(error: unknown): boolean {
  const status = (error as { status?: number }).status;
  if (status !== undefined) return status >= 400 && status < 500;
  // @octokit/graphql's GraphqlResponseError: a 200 carrying `errors`.
  return (error as { name?: string }).name === "GraphqlResponseError";
}

async function branchHeadOrUndefined(octokit: Octokit, repo: RepoRef, branch: string) {
  try {
    const { data } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

/** Whether `head` has `commit` in its history (GitHub's compare: head is ahead of, or identical to, commit). */
async function contains(octokit: Octokit, repo: RepoRef, head: string, commit: string): Promise<boolean> {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
    ...repo,
    basehead: `${commit}...${head}`,
    per_page: 1,
  });
  return data.status === "ahead" || data.status === "identical";
}
