import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listImports } from "../../src/db/imports.js";
import { listResources } from "../../src/db/resources.js";
import {
  gitIn,
  type Harness,
  type HarnessOptions,
  pushFiles,
  REPO_ID,
  startHarness,
  twoDocumentFiles,
} from "../support/e2e.js";
import { FABRIC_ROOT, RAW, sampleInbox } from "../support/fabric.js";
import type { Standin } from "../support/github-standin/index.js";
import { freshPostgresSchema } from "../support/postgres-schema.js";

const DATABASE_URL = process.env.DATABASE_URL;
const CAS = { method: "POST", path: /^\/graphql$/, body: /updateRefs\(/ };

let h: Harness | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A database that survives a restart of the app: a data folder, or a fresh schema on Postgres. */
async function persistentDatabase(kind: "embedded" | "postgres"): Promise<HarnessOptions> {
  if (kind === "postgres") {
    const schema = freshPostgresSchema(DATABASE_URL ?? "", cleanups);
    return { databaseUrl: DATABASE_URL ?? "", env: { DATABASE_SCHEMA: schema } };
  }
  const dataDir = await mkdtemp(join(tmpdir(), "gitops-recovery-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  return { dataDir };
}

const reachableFromMain = async (gh: Standin, sha: string) =>
  (await gitIn(gh, "rev-list", "refs/heads/main")).split("\n").includes(sha);

// Each test pushes real commits through the app; on a loaded machine that takes a while.
describe("the branch update", { timeout: 120_000 }, () => {
  it("never brings back a commit the user rewound just before the app's branch update", async () => {
    h = await startHarness();
    const base = await pushFiles(h.gh, "main", { "README.md": "# fabric\n" }, "base");
    // Just before the app moves the branch, the user force-pushes it back (to take out a secret).
    h.gh.beforeNext(CAS, async () => {
      await gitIn(h?.gh as Standin, "update-ref", "refs/heads/main", base);
    });
    const pushed = await h.push({ ...sampleInbox(), "secret.txt": "password=hunter2\n" }, "oops, a secret");
    const [check] = await h.waitForChecks(pushed.after);

    // With a fast-forward check only, the app's commit (parent: the rewound one) would have landed.
    expect(await h.head()).toBe(base);
    expect(await reachableFromMain(h.gh, pushed.after)).toBe(false);
    expect(await gitIn(h.gh, "ls-tree", "--name-only", "main")).toBe("README.md");
    expect(h.refUpdates()).toEqual([
      { name: "refs/heads/main", beforeOid: pushed.after, afterOid: expect.any(String), force: false },
    ]);
    expect(check).toMatchObject({
      conclusion: "neutral",
      output: { title: "Superseded: the branch moved during ingestion" },
    });
    const [imported] = await listImports(h.app.database.db, { repo: REPO_ID });
    expect(imported?.status).toBe("superseded");
    await gitIn(h.gh, "fsck", "--strict");
  });

  it("reads the branch again when GitHub applied the update but the answer was lost, and reports the commit", async () => {
    h = await startHarness();
    h.gh.failNext({ ...CAS, afterApplying: true }, { status: 502 });
    const pushed = await h.push(sampleInbox());
    const [check] = await h.waitForChecks(pushed.after);

    const head = await h.head();
    expect(await gitIn(h.gh, "rev-parse", `${head}^`)).toBe(pushed.after);
    expect(check).toMatchObject({ conclusion: "success" });
    expect(check?.output.summary).toContain(head);
    expect(check?.output.summary).not.toContain("Nothing was committed");
    const [imported] = await listImports(h.app.database.db, { repo: REPO_ID });
    expect(imported).toMatchObject({ status: "committed", ingestionCommit: head });
  });

  it("creates one check run when GitHub created it but the answer was lost", async () => {
    h = await startHarness();
    h.gh.failNext({ method: "POST", path: /\/check-runs$/, afterApplying: true }, { status: 502 });
    const pushed = await h.push(sampleInbox());
    await h.waitForChecks(pushed.after);
    const runs = h.checkRunsFor(pushed.after);
    expect(runs.map((r) => [r.status, r.conclusion])).toEqual([["completed", "success"]]);
  });
});

describe.each([
  ["embedded", true],
  ["postgres", Boolean(DATABASE_URL)],
] as const)("crash recovery on the %s database", (kind, enabled) => {
  it.runIf(enabled)(
    "settles at the next start an import whose check run could not be completed, and one whose branch was deleted",
    async () => {
      const database = await persistentDatabase(kind);
      const first = await startHarness(database);
      h = first;
      const gh = first.gh;
      await pushFiles(gh, "main", { ".github/gitops-ingest.yml": "branches: [main, feature]\n" }, "config");
      // Every way of completing a check run fails (its update, with retries, and a replacement run).
      gh.failNext({ method: "PATCH", path: /\/check-runs\/\d+$/, times: 1000 }, { status: 500 });
      gh.failNext(
        { method: "POST", path: /\/check-runs$/, body: /"completed"/, times: 1000 },
        { status: 503 },
      );
      const feature = await first.push(sampleInbox(), "feature work", { branch: "feature" });
      await gitIn(gh, "update-ref", "-d", "refs/heads/feature");
      const pushed = await first.push(sampleInbox());
      const ingestion = await first.head();
      expect(await gitIn(gh, "rev-parse", `${ingestion}^`)).toBe(pushed.after);
      expect(first.checkRunsFor(pushed.after).map((c) => c.status)).toEqual(["in_progress"]);
      expect(first.checkRunsFor(feature.after).map((c) => c.status)).toEqual(["in_progress"]);
      expect((await listImports(first.app.database.db, { repo: REPO_ID })).map((i) => i.status)).toEqual([
        "pending",
        "pending",
      ]);

      // The app goes away with both pending; a new instance starts on the same repository and database.
      await first.app.stop();
      gh.clearFaults();
      h = await startHarness({ ...database, gh });
      cleanups.push(() => gh.close());
      const db = h.app.database.db;
      await h.waitFor("the settling at start", async () =>
        (await listImports(db, { repo: REPO_ID })).every((i) => i.status !== "pending"),
      );
      const imports = await listImports(db, { repo: REPO_ID });
      expect(imports.map((i) => [i.sourceCommit, i.status, i.ingestionCommit]).sort()).toEqual(
        [
          [pushed.after, "committed", ingestion],
          [feature.after, "failed", null],
        ].sort(),
      );
      expect(await listResources(db, { repo: REPO_ID, root: FABRIC_ROOT })).toHaveLength(48);
      const [check] = await h.waitForChecks(pushed.after);
      expect(check).toMatchObject({
        conclusion: "success",
        output: { title: "Ingested (confirmed after an interruption)" },
      });
      await h.waitForChecks(feature.after);
      expect(h.checkRunsFor(feature.after).map((c) => c.conclusion)).toEqual(["neutral"]);
    },
    120_000,
  );
});

describe("GitHub requests of a large push", { timeout: 120_000 }, () => {
  it("ingests 1000 files of 2 documents in at most 20 requests", async () => {
    h = await startHarness({ checkStartAfterMs: Number.POSITIVE_INFINITY });
    const files = twoDocumentFiles(1000);
    const pushed = await h.push(files, "1000 files");
    const [check] = await h.waitForChecks(pushed.after);
    expect(check?.output.title).toBe("Ingested 2000 resources from 1000 files");
    const requests = h.gh.requests.filter((r) => !r.path.endsWith("/access_tokens") && r.path !== "/app");
    const count = (pattern: RegExp, method?: string) =>
      requests.filter((r) => pattern.test(r.path) && (!method || r.method === method)).length;
    expect({
      total: requests.length,
      trees: count(/\/git\/trees$/, "POST"),
      commits: count(/\/git\/commits$/, "POST"),
      checkRuns: count(/\/check-runs/),
    }).toEqual({ total: expect.any(Number), trees: 1, commits: 1, checkRuns: 1 });
    expect(requests.length).toBeLessThanOrEqual(20);
    expect(
      await gitIn(h.gh, "ls-tree", "-r", "--name-only", "main", "--", `${FABRIC_ROOT}/managed/vpcs`),
    ).toMatch(/v-1999\.yaml/);
    expect(await gitIn(h.gh, "ls-tree", "-r", "--name-only", "main", "--", RAW)).toBe(`${RAW}/.gitkeep`);
  });
});
