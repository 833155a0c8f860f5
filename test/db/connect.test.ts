import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { databaseInfo, openDatabase } from "../../src/db/connect.js";
import { beginImport, listImports } from "../../src/db/imports.js";
import { upsertRepository } from "../../src/db/installations.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { backends, sha } from "./support.js";

describe("openDatabase", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("keeps an embedded database in its data folder across restarts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gitops-ingest-db-"));
    dirs.push(dir);
    const dataDir = join(dir, "nested", "pglite");
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe("pglite");
    await migrateToLatest(first.db);
    await upsertRepository(first.db, {
      githubId: 5,
      installationId: null,
      fullName: "a/b",
      defaultBranch: "main",
    });
    await beginImport(first.db, {
      repositoryId: 5,
      branch: "main",
      sourceCommit: sha("persist"),
      trigger: "cli",
    });
    await first.close();

    const second = await openDatabase({ dataDir });
    expect(await migrateToLatest(second.db)).toEqual({ applied: [] });
    expect((await listImports(second.db, { repo: "a/b" })).map((i) => i.sourceCommit)).toEqual([
      sha("persist"),
    ]);
    await second.close();
  });

  it("says which Postgres it could not reach, without the password", async () => {
    const failure = openDatabase({ databaseUrl: "postgres://app:s3cret@127.0.0.1:1/nowhere" });
    await expect(failure).rejects.toThrow(
      /cannot connect to Postgres at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/nowhere/,
    );
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it("refuses a schema name that would need quoting", async () => {
    await expect(openDatabase({ dataDir: "memory://", schema: "x; drop table y" })).rejects.toThrow(
      /invalid schema/,
    );
  });
});

describe.each(backends)("values on $name", (backend) => {
  it("reads int8 as a JS number, and refuses to round one beyond 2^53", async () => {
    const t = await backend.open({ migrate: false });
    try {
      expect(databaseInfo(t.db).kind).toBe(backend.name);
      const row = await sql<{
        big: number;
        n: number;
      }>`select 3000000000::int8 as big, count(*) as n`.execute(t.db);
      expect(row.rows[0]).toEqual({ big: 3_000_000_000, n: 1 });
      await expect(sql`select 9007199254740993::int8 as x`.execute(t.db)).rejects.toThrow(/does not fit/);
      // The session is still healthy after that refusal.
      expect((await sql<{ one: number }>`select 1::int8 as one`.execute(t.db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await t.close();
    }
  });
});
