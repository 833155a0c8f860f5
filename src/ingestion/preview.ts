/**
 * A pull request's preview: the same pipeline on the PR head's tree, planned against the base
 * branch's managed/, reported as the `gitops-ingest` check run on the head commit. Nothing is
 * committed and nothing is recorded as an import. Reads only trees and blobs (through the base
 * repository, so PRs from forks work): 2 tree reads + one GraphQL query per 100 blobs + the check run.
 */
import type { Logger } from "probot";
import type { ConfigResult } from "../config.js";
import { readBlobs } from "../github/blobs.js";
import { CheckRun } from "../github/check-run.js";
import { readCommitTree } from "../github/tree.js";
import type { Octokit, RepoRef, TreeEntry } from "../github/types.js";
import { ingest } from "../pipeline/ingest.js";
import type { RawFile } from "../pipeline/types.js";
import { previewResult } from "../report/preview-result.js";
import { updatedPaths, updatedResources } from "../report/updated-resources.js";
import { handEditReports, managedChanges } from "./hand-edits.js";
import { blobsToRead, discoverTree, rawFileOf, treeIngestInput } from "./tree-input.js";

export interface PreviewRequest {
  repo: RepoRef;
  /** The PR head commit (in the base repository's network: forks included). */
  headSha: string;
  /** The base branch's commit the PR is compared with. */
  baseSha: string;
  config: ConfigResult;
  /** The webhook delivery: the check run's external id, so a lost answer finds the run again. */
  deliveryId: string;
}

export interface PreviewDeps {
  octokit: Octokit;
  log: Logger;
}

export type PreviewOutcome =
  | { status: "no-roots" }
  | { status: "reported"; checkRunId: number; conclusion: string };

export async function runPreview(deps: PreviewDeps, request: PreviewRequest): Promise<PreviewOutcome> {
  const { octokit, log } = deps;
  const { repo, headSha, baseSha, config } = request;
  const externalId = `preview:${request.deliveryId}`;
  if (config.errors.length > 0) {
    const checkRunId = await new CheckRun(octokit, repo, headSha, { externalId, log }).complete({
      conclusion: "failure",
      title: "Invalid configuration: nothing would be ingested",
      summary: `\`.github/gitops-ingest.yml\` has problems:\n\n${config.errors.map((e) => `- ${e}`).join("\n")}`,
      annotations: [],
    });
    return { status: "reported", checkRunId, conclusion: "failure" };
  }
  const [head, base] = await Promise.all([
    readCommitTree(octokit, repo, headSha),
    readCommitTree(octokit, repo, baseSha),
  ]);
  const discovered = discoverTree(head, config.config.roots);
  if (discovered.length === 0) return { status: "no-roots" };
  const check = new CheckRun(octokit, repo, headSha, { externalId, log });
  const changes = managedChanges(discovered, head.files, base.files);
  const blobs = await readBlobs(octokit, repo, [
    ...blobsToRead(head, discovered, config.config.maxFileBytes),
    ...changes.edited,
    ...changes.deleted,
    ...changes.others,
  ]);
  const rawFile = (entry: TreeEntry | undefined, path: string): RawFile => rawFileOf(entry, path, blobs);
  // Planned against the base branch's managed/: what merging would change there.
  const { report } = ingest(
    treeIngestInput({
      tree: head,
      discovered,
      blobs,
      sourceCommit: headSha,
      config: config.config,
      against: base,
    }),
  );
  const baseByPath = new Map(base.files.map((f) => [f.path, f]));

  const handEdits = handEditReports(discovered, report, head.files, changes, rawFile, config.config);
  const diffBlobs = await readBlobs(
    octokit,
    repo,
    updatedPaths(report).flatMap((path) => baseByPath.get(path) ?? []),
  );
  const updated = updatedResources(report, (path) => {
    const entry = baseByPath.get(path);
    return entry ? diffBlobs.get(entry.sha) : undefined;
  });
  const result = previewResult(report, handEdits, updated);
  const checkRunId = await check.complete(result);
  log.info({ headSha, baseSha, conclusion: result.conclusion }, "pull request previewed");
  return { status: "reported", checkRunId, conclusion: result.conclusion };
}
