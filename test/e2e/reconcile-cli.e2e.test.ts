/**
 * `gitops-ingest reconcile` as an operator runs it: the built CLI as a process, with the app's
 * credentials, against the GitHub stand-in, on the embedded database and on Postgres. It finds a push
 * whose webhook never came, runs the ingestion, and prints what it swept.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect.js";
import { listImports } from "../../src/db/imports.js";
import { upsertRepository } from "../../src/db/installations.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { runCli } from "../support/cli.js";
import { APP_ID, gitIn, INSTALLATION_ID, OWNER, REPO, REPO_ID } from "../support/e2e.js";
import { RAW, vpcYaml } from "../support/fabric.js";
import { pushFiles, startStandin } from "../support/github-standin/index.js";
import { freshPostgresSchema } from "../support/postgres-schema.js";
import { TEST_PRIVATE_KEY } from "../support/server-process.js";

const DATABASE_URL = process.env.DATABASE_URL;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Location {
  env: Record<string, string>;
  open(): ReturnType<typeof openDatabase>;
}

const locations: { name: string; make(): Promise<Location> }[] = [
  {
    name: "the embedded database",
    async make() {
      const dir = await mkdtemp(join(tmpdir(), "gitops-reconcile-"));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const dataDir = join(dir, "pglite");
      return { env: { DATABASE_URL: "", DATA_DIR: dataDir }, open: () => openDatabase({ dataDir }) };
    },
  },
  ...(DATABASE_URL
    ? [
        {
          name: "Postgres",
          async make() {
            const schema = await freshPostgresSchema(DATABASE_URL, cleanups);
            return {
              env: { DATABASE_URL, DATABASE_SCHEMA: schema },
              open: () => openDatabase({ databaseUrl: DATABASE_URL, schema }),
            };
          },
        },
      ]
    : []),
];

describe.each(locations)("gitops-ingest reconcile on $name", { timeout: 120_000 }, (location) => {
  it("ingests a push whose webhook never came, and says what it swept", async () => {
    const gh = await startStandin({
      owner: OWNER,
      repo: REPO,
      installationId: INSTALLATION_ID,
      appId: APP_ID,
    });
    cleanups.push(() => gh.close());
    const where = await location.make();
    // The app knows the repository (it was installed); then a push comes whose webhook is lost.
    const known = await where.open();
    await migrateToLatest(known.db);
    await upsertRepository(known.db, {
      githubId: REPO_ID,
      installationId: INSTALLATION_ID,
      fullName: `${OWNER}/${REPO}`,
      defaultBranch: "main",
    });
    await known.close();
    const lost = await pushFiles(gh, "main", { [`${RAW}/a.yaml`]: vpcYaml("a", 1, 1001) }, "webhook lost");

    const env = {
      ...where.env,
      APP_ID: String(APP_ID),
      PRIVATE_KEY: TEST_PRIVATE_KEY,
      GHE_HOST: gh.url.replace(/^http:\/\//, ""),
      GHE_PROTOCOL: "http",
    };
    const other = await runCli(["reconcile", "--repo", "netops/elsewhere", "--format", "json"], { env });
    expect(other.stderr).toBe("");
    expect(JSON.parse(other.stdout)).toMatchObject({ repositories: 0, queued: 0, jobsStillRunning: 0 });
    expect((await gitIn(gh, "rev-parse", "main")).trim()).toBe(lost);

    const swept = await runCli(["reconcile", "--repo", `${OWNER}/${REPO}`], { env });
    expect(swept.stderr).toBe("");
    expect(swept.code).toBe(0);
    expect(swept.stdout).toBe(
      "swept 1 repositories: 1 branches queued, 0 unchanged, 0 idle, 0 missing, 0 failed\n" +
        "settled 0 pending imports, retried 0 failed ones, queued 0 backfills\n" +
        "every queued job is done\n",
    );
    const head = (await gitIn(gh, "rev-parse", "main")).trim();
    expect((await gitIn(gh, "rev-parse", `${head}^`)).trim()).toBe(lost);
    expect(gh.checkRuns().map((c) => [c.head_sha, c.status, c.conclusion])).toEqual([
      [lost, "completed", "success"],
    ]);
    const recorded = await where.open();
    expect((await listImports(recorded.db, { repo: REPO_ID })).map((i) => [i.trigger, i.status])).toEqual([
      ["reconcile", "committed"],
    ]);
    await recorded.close();
  });

  it("refuses to run without the app's credentials", async () => {
    const where = await location.make();
    const result = await runCli(["reconcile"], { env: { ...where.env, APP_ID: "", PRIVATE_KEY: "" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "gitops-ingest: reconcile needs the app's credentials: set APP_ID and PRIVATE_KEY\n",
    );
  });
});
