/**
 * The core of the reconcile sweep: finds work whose webhook never arrived, and queues it.
 *
 * For each ingest branch it reads the branch ref with the ETag of the last read (If-None-Match):
 * an idle branch answers 304, which GitHub does not count against the primary rate limit. Only
 * when the head moved does it read the tree (one more request), and it queues an ingest job only
 * when raw/ holds files, so the app's own commits never lead to empty runs.
 *
 * The head is remembered after the job is queued: a failed enqueue is tried again next sweep.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import { readCommitTree } from "../github/tree.js";
import { type Octokit, repoFromFullName } from "../github/types.js";
import { DEFAULT_ROOT_GLOBS, discoverRoots } from "../pipeline/discover.js";
import type { JobEnqueuer } from "./queue.js";

export interface SweepTarget {
  installationId: number;
  repositoryId: number;
  fullName: string;
  /** The ingest branches (the configured ones, else the default branch). */
  branches: readonly string[];
  /** The repository's root globs (default `gitops/**\/raw`). */
  roots?: readonly string[];
}

export interface SweepDeps {
  db: Kysely<Database>;
  /** An Octokit authenticated as the target's installation. */
  octokit: Octokit;
  enqueuer: Pick<JobEnqueuer, "enqueueIngest">;
}

export type BranchSweep =
  /** 304: nothing happened since the last sweep. */
  | { branch: string; status: "unchanged" }
  /** The head moved and raw/ holds files: an ingest job was queued (or a waiting one took it in). */
  | { branch: string; status: "queued"; headSha: string; rawFiles: number }
  /** The head moved but raw/ is empty (e.g. the app's own ingestion commit). */
  | { branch: string; status: "idle"; headSha: string }
  /** The branch does not exist (any more). */
  | { branch: string; status: "missing" };

interface RefRead {
  headSha: string;
  etag: string | null;
}

/** null for 304 (unchanged), undefined for 404 (missing). */
async function readRef(
  octokit: Octokit,
  fullName: string,
  branch: string,
  etag: string | null,
): Promise<RefRead | null | undefined> {
  try {
    const response = await octokit.rest.git.getRef({
      ...repoFromFullName(fullName),
      ref: `heads/${branch}`,
      headers: etag ? { "if-none-match": etag } : {},
    });
    // getRef answers with a list when the name is only a prefix of several refs: not our branch.
    if (Array.isArray(response.data)) return undefined;
    return { headSha: response.data.object.sha, etag: response.headers.etag ?? null };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 304) return null;
    if (status === 404) return undefined;
    throw error;
  }
}

export async function sweepRepository(deps: SweepDeps, target: SweepTarget): Promise<BranchSweep[]> {
  const { db, octokit } = deps;
  const seen = await db
    .selectFrom("branchHeads")
    .select(["branch", "headSha", "etag"])
    .where("repositoryId", "=", target.repositoryId)
    .execute();
  const results: BranchSweep[] = [];
  for (const branch of target.branches) {
    const last = seen.find((row) => row.branch === branch);
    const ref = await readRef(octokit, target.fullName, branch, last?.etag ?? null);
    if (ref === null) {
      results.push({ branch, status: "unchanged" });
      continue;
    }
    if (ref === undefined) {
      if (last) await forget(db, target.repositoryId, branch);
      results.push({ branch, status: "missing" });
      continue;
    }
    // Same head under a new ETag (GitHub's ETags also vary with the token): nothing to read.
    if (ref.headSha === last?.headSha) {
      await remember(db, target.repositoryId, branch, ref);
      results.push({ branch, status: "unchanged" });
      continue;
    }
    const tree = await readCommitTree(octokit, repoFromFullName(target.fullName), ref.headSha);
    const roots = discoverRoots(
      tree.files.map((file) => file.path),
      target.roots ?? DEFAULT_ROOT_GLOBS,
    );
    const rawFiles = roots.reduce((sum, root) => sum + root.rawPaths.length, 0);
    if (rawFiles > 0) {
      // No headSha: the run reads the branch's current head, which may be newer still.
      await deps.enqueuer.enqueueIngest({
        installationId: target.installationId,
        repositoryId: target.repositoryId,
        fullName: target.fullName,
        branch,
        trigger: "reconcile",
      });
      results.push({ branch, status: "queued", headSha: ref.headSha, rawFiles });
    } else {
      results.push({ branch, status: "idle", headSha: ref.headSha });
    }
    await remember(db, target.repositoryId, branch, ref);
  }
  return results;
}

async function remember(db: Kysely<Database>, repositoryId: number, branch: string, ref: RefRead) {
  await db
    .insertInto("branchHeads")
    .values({ repositoryId, branch, headSha: ref.headSha, etag: ref.etag })
    .onConflict((oc) =>
      oc
        .columns(["repositoryId", "branch"])
        .doUpdateSet({ headSha: ref.headSha, etag: ref.etag, checkedAt: sql`now()` }),
    )
    .execute();
}

async function forget(db: Kysely<Database>, repositoryId: number, branch: string) {
  await db
    .deleteFrom("branchHeads")
    .where("repositoryId", "=", repositoryId)
    .where("branch", "=", branch)
    .execute();
}

export interface SweepSummary {
  repositories: number;
  unchanged: number;
  queued: number;
  idle: number;
  missing: number;
  /** Repositories whose sweep failed (logged); the others were still swept. */
  failed: number;
}

export interface SweepAllDeps {
  db: Kysely<Database>;
  /** An Octokit for an installation (Probot: `app.auth(installationId)`). */
  octokitFor(installationId: number): Promise<Octokit>;
  enqueuer: Pick<JobEnqueuer, "enqueueIngest">;
  log: { warn(obj: object, msg: string): void };
}

/**
 * One sweep over the given repositories (the caller leaves out suspended and removed
 * installations). Sequential on purpose: GitHub's secondary limits count concurrent requests, and
 * an idle sweep is cheap anyway. One failing repository does not stop the others.
 */
export async function sweepRepositories(
  deps: SweepAllDeps,
  targets: readonly SweepTarget[],
): Promise<SweepSummary> {
  const summary: SweepSummary = {
    repositories: targets.length,
    unchanged: 0,
    queued: 0,
    idle: 0,
    missing: 0,
    failed: 0,
  };
  const octokits = new Map<number, Promise<Octokit>>();
  for (const target of targets) {
    try {
      let octokit = octokits.get(target.installationId);
      if (!octokit) {
        octokit = deps.octokitFor(target.installationId);
        octokits.set(target.installationId, octokit);
      }
      const results = await sweepRepository(
        { db: deps.db, octokit: await octokit, enqueuer: deps.enqueuer },
        target,
      );
      for (const result of results) summary[result.status] += 1;
    } catch (error) {
      summary.failed += 1;
      deps.log.warn({ repository: target.fullName, err: error }, "reconcile sweep of a repository failed");
    }
  }
  return summary;
}
