/**
 * The database through the real path: on real Postgres (DATABASE_URL, set in CI) behind a proxy
 * that can take it down, and on the embedded default with its data in a folder across restarts.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { listImports } from "../../src/db/imports.js";
import { findRepository } from "../../src/db/installations.js";
import { listResources } from "../../src/db/resources.js";
import { gitIn, type Harness, REPO_ID, startHarness } from "../support/e2e.js";
import { FABRIC_ROOT, RAW, sampleInbox, vpcYaml } from "../support/fabric.js";
import { freshPostgresSchema } from "../support/postgres-schema.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";

const DATABASE_URL = process.env.DATABASE_URL;
const run = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "..", "bin", "gitops-ingest.js");

let h: Harness | undefined;
let proxy: TcpProxy | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  await proxy?.close();
  proxy = undefined;
  for (const c of cleanups.splice(0)) await c();
});

describe.runIf(DATABASE_URL)("on real Postgres", () => {
  const freshSchema = async () => freshPostgresSchema(DATABASE_URL ?? "", cleanups);

  it("records the 48-resource ingestion, and a redelivery adds nothing", async () => {
    h = await startHarness({ databaseUrl: DATABASE_URL, env: { DATABASE_SCHEMA: await freshSchema() } });
    const pushed = await h.push(sampleInbox());
    await h.waitForChecks(pushed.after);
    const db = h.app.database.db;
    expect(h.app.database.kind).toBe("postgres");
    // The check run is completed first, then the outcome recorded (see finish() in src/ingestion/run.ts).
    await h.waitFor(
      "the record",
      async () => (await listImports(db, { repo: REPO_ID }))[0]?.status !== "pending",
    );
    const [imported] = await listImports(db, { repo: REPO_ID });
    expect(imported).toMatchObject({
      status: "committed",
      ingestionCommit: await h.head(),
      filesTotal: 3,
      resourcesCreated: 48,
    });
    await h.deliver(
      "push",
      h.pushPayload(pushed.before, pushed.after, Object.keys(sampleInbox())),
      pushed.delivery,
    );
    expect(await listImports(db, { repo: REPO_ID })).toHaveLength(1);
    expect(await listResources(db, { repo: REPO_ID, root: FABRIC_ROOT })).toHaveLength(48);
  });

  it("commits nothing while the database is down, says so, keeps running, and ingests once it is back", async () => {
    const url = new URL(DATABASE_URL ?? "");
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    h = await startHarness({ databaseUrl: url.toString(), env: { DATABASE_SCHEMA: await freshSchema() } });

    proxy.down();
    const pushed = await h.push(sampleInbox());
    const [check] = await h.waitForChecks(pushed.after);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.title).toBe("Database unavailable: nothing was committed");
    expect(await h.head()).toBe(pushed.after);
    expect(await gitIn(h.gh, "ls-tree", "--name-only", `${pushed.after}:${RAW}`)).toContain("prepop.yaml");

    proxy.up();
    const next = await h.push({ [`${RAW}/more.yaml`]: vpcYaml("more", 8, 1008) });
    const [ok] = await h.waitForChecks(next.after);
    expect(ok?.conclusion).toBe("success");
    expect(ok?.output.title).toBe("Ingested 49 resources from 4 files");
    expect(await gitIn(h.gh, "rev-parse", "main^")).toBe(next.after);
    const imports = await listImports(h.app.database.db, { repo: REPO_ID });
    expect(imports.map((i) => i.status)).toEqual(["committed"]);
  });

  it("settles an import left pending when the database died between the commit and its record", async () => {
    const url = new URL(DATABASE_URL ?? "");
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    h = await startHarness({ databaseUrl: url.toString(), env: { DATABASE_SCHEMA: await freshSchema() } });
    const db = h.app.database.db;

    // The database goes away just as the branch moves to the ingestion commit.
    h.gh.beforeNext({ method: "POST", path: /^\/graphql$/, body: /updateRefs\(/ }, () => proxy?.down());
    const pushed = await h.push(sampleInbox());
    await h.waitForChecks(pushed.after);
    const ingestion = await h.head();
    expect(await gitIn(h.gh, "rev-parse", `${ingestion}^`)).toBe(pushed.after);

    proxy.up();
    expect((await listImports(db, { repo: REPO_ID })).map((i) => i.status)).toEqual(["pending"]);
    const next = await h.push({ [`${RAW}/more.yaml`]: vpcYaml("more", 8, 1008) });
    await h.waitForChecks(next.after);
    const imports = await listImports(db, { repo: REPO_ID });
    expect(imports.map((i) => [i.sourceCommit, i.status, i.ingestionCommit])).toEqual([
      [next.after, "committed", await h.head()],
      [pushed.after, "committed", ingestion],
    ]);
    expect(await listResources(db, { repo: REPO_ID, root: FABRIC_ROOT })).toHaveLength(49);
  });
  it("settles a pending import at the next start, from the commit's trailer", async () => {
    const url = new URL(DATABASE_URL ?? "");
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    const schema = await freshSchema();
    const first = await startHarness({ databaseUrl: url.toString(), env: { DATABASE_SCHEMA: schema } });
    h = first;
    // The database goes away as the branch moves, and the check run cannot be completed either:
    // as if the app had died right after its commit landed.
    first.gh.beforeNext({ method: "POST", path: /^\/graphql$/, body: /updateRefs\(/ }, () => proxy?.down());
    first.gh.failNext(
      { method: "PATCH", path: /check-runs\/\d+$/, times: 8 },
      { status: 500, body: { message: "down" } },
    );
    first.gh.failNext(
      { method: "POST", path: /check-runs$/, body: /"completed"/, times: 3 },
      { status: 503, body: { message: "down" } },
    );
    const pushed = await first.push(sampleInbox());
    const ingestion = await first.head();
    expect(await gitIn(first.gh, "rev-parse", `${ingestion}^`)).toBe(pushed.after);
    expect(first.checkRunsFor(pushed.after).map((c) => c.status)).toEqual(["in_progress"]);

    // The app goes away with the import pending; a new instance starts on the same repository.
    const gh = first.gh;
    await first.app.stop();
    proxy.up();
    h = await startHarness({ gh, databaseUrl: url.toString(), env: { DATABASE_SCHEMA: schema } });
    cleanups.push(() => gh.close());
    const db = h.app.database.db;
    const deadline = Date.now() + 10_000;
    let imports = await listImports(db, { repo: REPO_ID });
    while (imports[0]?.status === "pending" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      imports = await listImports(db, { repo: REPO_ID });
    }
    expect(imports.map((i) => [i.status, i.ingestionCommit])).toEqual([["committed", ingestion]]);
    expect(await listResources(db, { repo: REPO_ID, root: FABRIC_ROOT })).toHaveLength(48);
    const [check] = await h.waitForChecks(pushed.after);
    expect(check).toMatchObject({
      conclusion: "success",
      output: { title: "Ingested (confirmed after an interruption)" },
    });
  });
});

// Two app starts on a data folder and several CLI processes: slow on a loaded machine.
describe("on the embedded database", { timeout: 120_000 }, () => {
  it("keeps track of installations and their repositories from installation events", async () => {
    h = await startHarness();
    const db = h.app.database.db;
    const installation = { id: 77, account: { login: "netops", id: 1, type: "Organization" } };
    const repos = [{ id: 501, name: "fabric-east", full_name: "netops/fabric-east", private: true }];
    expect(
      await h.deliver("installation", {
        action: "created",
        installation,
        repositories: repos,
        sender: { login: "alice" },
      }),
    ).toBe(200);
    expect(await findRepository(db, "netops/fabric-east")).toMatchObject({
      id: 501,
      installationId: 77,
      removedAt: null,
    });

    await h.deliver("installation_repositories", {
      action: "removed",
      installation,
      repository_selection: "selected",
      repositories_added: [],
      repositories_removed: repos,
      sender: { login: "alice" },
    });
    expect((await findRepository(db, 501))?.removedAt).toBeInstanceOf(Date);

    await h.deliver("installation", { action: "suspend", installation, sender: { login: "alice" } });
    const row = await db.selectFrom("installations").selectAll().where("id", "=", 77).executeTakeFirst();
    expect(row?.suspendedAt).toBeInstanceOf(Date);
  });

  it("keeps its records in the data folder across a restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gitops-pglite-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    h = await startHarness({ dataDir });
    expect(h.app.database.kind).toBe("pglite");
    const pushed = await h.push(sampleInbox());
    await h.waitForChecks(pushed.after);
    await h.stop();
    h = await startHarness({ dataDir });
    const [imported] = await listImports(h.app.database.db, { repo: REPO_ID });
    expect(imported).toMatchObject({ status: "committed", sourceCommit: pushed.after, resourcesCreated: 48 });
    await h.stop();
    h = undefined;

    // The CLI reads the same records.
    const cli = async (...args: string[]) =>
      (
        await run(process.execPath, [BIN, ...args], {
          env: { ...process.env, DATABASE_URL: "", DATA_DIR: dataDir },
        })
      ).stdout;
    const listed = JSON.parse(await cli("imports", "--repo", "netops/fabric", "--format", "json"));
    expect(listed.map((i: { status: string; sourceCommit: string }) => [i.status, i.sourceCommit])).toEqual([
      ["committed", pushed.after],
    ]);
    expect(await cli("imports")).toContain(`netops/fabric@main ${pushed.after.slice(0, 7)} committed`);
    const resources = JSON.parse(
      await cli("resources", "--repo", "netops/fabric", "--root", FABRIC_ROOT, "--format", "json"),
    );
    expect(resources).toHaveLength(48);
    expect(resources.find((r: { name: string }) => r.name === "leaf-01")).toMatchObject({
      kind: "Switch",
      path: `${FABRIC_ROOT}/managed/switches/leaf-01.yaml`,
    });
    expect(await cli("migrate")).toContain("the database is up to date");
    expect(await cli("migrate", "--status")).toMatch(/^0001_initial applied \d{4}-/);
  });
});
