/** Reads a commit's whole tree as a flat list of files (blobs), in as few requests as GitHub allows. */
import type { Octokit, RepoRef, TreeEntry } from "./types.js";

export interface CommitTree {
  treeSha: string;
  files: TreeEntry[];
  /** Submodules (mode 160000): not files, but a raw/ inbox that holds one must say so. */
  gitlinks: TreeEntry[];
}

export async function readCommitTree(
  octokit: Octokit,
  repo: RepoRef,
  commitSha: string,
): Promise<CommitTree> {
  // The trees endpoint takes a commit SHA too and answers with that commit's tree: one request, not two.
  const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: commitSha, recursive: "1" });
  const treeSha = data.sha;
  // A truncated recursive listing (very large repositories) is completed folder by folder.
  const entries = data.truncated ? await walkTree(octokit, repo, treeSha, "") : (data.tree as TreeEntry[]);
  return {
    treeSha,
    files: entries.filter((e) => e.type === "blob"),
    gitlinks: entries.filter((e) => e.type === "commit"),
  };
}

async function walkTree(
  octokit: Octokit,
  repo: RepoRef,
  treeSha: string,
  prefix: string,
): Promise<TreeEntry[]> {
  const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: treeSha });
  const out: TreeEntry[] = [];
  for (const entry of data.tree as TreeEntry[]) {
    const path = prefix + entry.path;
    if (entry.type === "tree") out.push(...(await walkTree(octokit, repo, entry.sha, `${path}/`)));
    else out.push({ ...entry, path });
  }
  return out;
}
