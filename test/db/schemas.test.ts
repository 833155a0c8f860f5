/**
 * Sharing one database between deployments, each in its own DATABASE_SCHEMA, and the bounds on
 * waiting for Postgres.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect.js";
import { listImports } from "../../src/db/imports.js";
import { RepositoryLockTimeoutError } from "../../src/db/lock.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { DatabaseError, isRepositoryBusy } from "../../src/ingestion/recorder.js";

const DATABASE_URL = process.env.DATABASE_URL;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function twoSchemasOneDatabase(location: { databaseUrl?: string; dataDir?: string }) {
  const suffix = randomBytes(3).toString("hex");
  const [a, b] = [`share_a_${suffix}`, `share_b_${suffix}`];
  if (location.databaseUrl)
    cleanups.push(async () => {
      const client = new pg.Client({ connectionString: location.databaseUrl });
      await client.connect();
      await client.query(`drop schema if exists ${a} cascade; drop schema if exists ${b} cascade`);
      await client.end();
    });
  const first = await openDatabase({ ...location, schema: a });
  expect((await migrateToLatest(first.db)).applied.length).toBeGreaterThan(0);
  await first.close();
  // The second deployment's migrations run in its own schema (this failed with 42P01).
  const second = await openDatabase({ ...location, schema: b });
  expect((await migrateToLatest(second.db)).applied.length).toBeGreaterThan(0);
  expect(await listImports(second.db, {})).toEqual([]);
  await second.close();
}

describe("one database, two schemas", () => {
  it("migrates and serves a second DATABASE_SCHEMA next to the first (embedded)", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gitops-schemas-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await twoSchemasOneDatabase({ dataDir });
  }, 120_000);

  it.runIf(DATABASE_URL)(
    "migrates and serves a second DATABASE_SCHEMA next to the first (Postgres)",
    async () => {
      await twoSchemasOneDatabase({ databaseUrl: DATABASE_URL });
    },
  );

  it.runIf(DATABASE_URL)("cancels a query that runs past its bound instead of waiting forever", async () => {
    const opened = await openDatabase({ databaseUrl: DATABASE_URL, queryTimeoutMs: 200 });
    cleanups.push(() => opened.close());
    const { sql } = await import("kysely");
    await expect(sql`select pg_sleep(5)`.execute(opened.db)).rejects.toThrow(/statement timeout|timeout/);
  });
});

describe("a busy repository", () => {
  it("is told apart from an unavailable database, even when wrapped as a database error", () => {
    const busy = new RepositoryLockTimeoutError(7, 100);
    expect(isRepositoryBusy(busy)).toBe(true);
    expect(isRepositoryBusy(new DatabaseError(busy))).toBe(true);
    expect(isRepositoryBusy(new DatabaseError(new Error("connection refused")))).toBe(false);
  });
});
