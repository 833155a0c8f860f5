/**
 * The reconcile sweep against GitHub played by nock: which requests it makes (with which
 * conditional headers), when it reads a tree, and when it queues a job.
 */
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { upsertRepository } from "../../src/db/installations.js";
import { appOctokit } from "../../src/github/octokit.js";
import type { Octokit } from "../../src/github/types.js";
import type { IngestJob } from "../../src/queue/jobs.js";
import { type SweepTarget, sweepRepositories, sweepRepository } from "../../src/queue/reconcile.js";
import { backends, sha, type TestDatabase } from "../db/support.js";

const API = "https://api.github.com";
const REF = "/repos/netops/fabric/git/ref/heads%2Fmain";
const tree = (label: string) => `/repos/netops/fabric/git/trees/${sha(label)}?recursive=1`;
const file = (path: string) => ({ path, mode: "100644", type: "blob", sha: sha(path), size: 10 });
const refBody = (label: string) => ({ ref: "refs/heads/main", object: { sha: sha(label), type: "commit" } });

const target: SweepTarget = {
  installationId: 5,
  repositoryId: 9001,
  fullName: "netops/fabric",
  branches: ["main"],
};

function octokit(): Octokit {
  const Octo = appOctokit({ retryAfterBaseValue: 1 });
  return new Octo({ auth: { token: "installation-token" } }) as Octokit;
}

describe.each(backends)("reconcile sweep on $name", (backend) => {
  let database: TestDatabase;
  const queued: IngestJob[] = [];
  const enqueuer = {
    enqueueIngest: async (job: IngestJob) => {
      queued.push(job);
      return { jobId: String(queued.length), coalesced: false };
    },
  };

  beforeAll(async () => {
    nock.disableNetConnect();
    database = await backend.open();
    await upsertRepository(database.db, {
      githubId: target.repositoryId,
      installationId: target.installationId,
      fullName: target.fullName,
      defaultBranch: "main",
    });
  });
  afterAll(async () => {
    await database.close();
    nock.enableNetConnect();
  });
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });

  it("queues a job when the head moved and raw/ holds files, then costs one 304 while idle", async () => {
    const deps = { db: database.db, octokit: octokit(), enqueuer };
    nock(API)
      .get(REF)
      .matchHeader("authorization", "token installation-token")
      .matchHeader("if-none-match", (value) => value === undefined)
      .reply(200, refBody("c1"), { etag: 'W/"e1"' })
      .get(tree("c1"))
      .reply(200, {
        sha: sha("t1"),
        truncated: false,
        tree: [file("gitops/dc1/raw/vpc.yaml"), file("gitops/dc1/managed/vpcs/a.yaml"), file("README.md")],
      });
    expect(await sweepRepository(deps, target)).toEqual([
      { branch: "main", status: "queued", headSha: sha("c1"), rawFiles: 1 },
    ]);
    expect(queued).toEqual([
      {
        installationId: 5,
        repositoryId: 9001,
        fullName: "netops/fabric",
        branch: "main",
        trigger: "reconcile",
      },
    ]);

    // Idle: the one request is conditional, and nothing else is asked (nock refuses anything more).
    const sent: Record<string, unknown>[] = [];
    nock(API)
      .get(REF)
      .matchHeader("if-none-match", 'W/"e1"')
      .reply(function () {
        sent.push(this.req.headers);
        return [304, ""];
      });
    expect(await sweepRepository(deps, target)).toEqual([{ branch: "main", status: "unchanged" }]);
    expect(sent).toHaveLength(1);
    expect(queued).toHaveLength(1);
  });

  it("reads the tree but queues nothing when the head moved with raw/ empty, and forgets a deleted branch", async () => {
    const deps = { db: database.db, octokit: octokit(), enqueuer };
    queued.length = 0;
    nock(API)
      .get(REF)
      .matchHeader("if-none-match", 'W/"e1"')
      .reply(200, refBody("c2"), { etag: 'W/"e2"' })
      .get(tree("c2"))
      .reply(200, {
        sha: sha("t2"),
        truncated: false,
        tree: [file("gitops/dc1/raw/.gitkeep"), file("gitops/dc1/managed/vpcs/vpc.yaml")],
      });
    expect(await sweepRepository(deps, target)).toEqual([
      { branch: "main", status: "idle", headSha: sha("c2") },
    ]);
    expect(queued).toEqual([]);
    const row = await database.db.selectFrom("branchHeads").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ repositoryId: 9001, branch: "main", headSha: sha("c2"), etag: 'W/"e2"' });

    nock(API).get(REF).matchHeader("if-none-match", 'W/"e2"').reply(404, { message: "Not Found" });
    expect(await sweepRepository(deps, target)).toEqual([{ branch: "main", status: "missing" }]);
    expect(await database.db.selectFrom("branchHeads").selectAll().execute()).toEqual([]);
  });

  it("sweeps every repository even when one of them fails, and counts what it found", async () => {
    queued.length = 0;
    const broken: SweepTarget = {
      installationId: 5,
      repositoryId: 9002,
      fullName: "netops/broken",
      branches: ["main"],
    };
    await upsertRepository(database.db, {
      githubId: 9002,
      installationId: 5,
      fullName: broken.fullName,
      defaultBranch: "main",
    });
    const warnings: string[] = [];
    const auths: number[] = [];
    const deps = {
      db: database.db,
      octokitFor: async (installationId: number) => {
        auths.push(installationId);
        return octokit();
      },
      enqueuer,
      log: { warn: (_fields: object, msg: string) => void warnings.push(msg) },
    };
    // plugin-retry asks a 500 four times (the request and 3 retries).
    nock(API).get("/repos/netops/broken/git/ref/heads%2Fmain").times(4).reply(500, { message: "boom" });
    nock(API)
      .get(REF)
      .matchHeader("if-none-match", (value) => value === undefined)
      .reply(200, refBody("c3"), { etag: 'W/"e3"' })
      .get(tree("c3"))
      .reply(200, { sha: sha("t3"), truncated: false, tree: [file("gitops/dc1/raw/new.yaml")] });
    expect(await sweepRepositories(deps, [broken, target])).toEqual({
      repositories: 2,
      unchanged: 0,
      queued: 1,
      idle: 0,
      missing: 0,
      failed: 1,
    });
    expect(warnings).toEqual(["reconcile sweep of a repository failed"]);
    expect(queued.map((job) => job.repositoryId)).toEqual([9001]);
    // One installation token for both repositories of the installation.
    expect(auths).toEqual([5]);
  });
});
