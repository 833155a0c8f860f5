import type { ProbotOctokit } from "probot";

export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface TreeEntry {
  path: string;
  sha: string;
  mode: string;
  type: "blob" | "tree" | "commit";
  size?: number;
}

/** "owner/name" → the parameters Octokit wants. */
export function repoFromFullName(fullName: string): RepoRef {
  const [owner = "", repo = ""] = fullName.split("/");
  return { owner, repo };
}
