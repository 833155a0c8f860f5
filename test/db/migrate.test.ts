import { Migrator, NO_MIGRATIONS, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FolderMigrationProvider,
  MIGRATIONS_DIR,
  migrateToLatest,
  migrationStatus,
} from "../../src/db/migrate.js";
import { backends, type TestDatabase } from "./support.js";

describe.each(backends)("migrations on $name", (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.open({ migrate: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("applies every migration once; a second run applies nothing", async () => {
    expect(await migrateToLatest(t.db)).toEqual({
      applied: ["0001_initial", "0002_jobs", "0003_ingest_settings"],
    });
    expect(await migrateToLatest(t.db)).toEqual({ applied: [] });
    const status = await migrationStatus(t.db);
    expect(status.map((m) => m.name)).toEqual(["0001_initial", "0002_jobs", "0003_ingest_settings"]);
    expect(status[0]?.executedAt).toBeInstanceOf(Date);
  });

  it("creates every table, in the connection's schema", async () => {
    const tables = await sql<{ tableName: string }>`
      select table_name from information_schema.tables where table_schema = current_schema() order by 1`.execute(
      t.db,
    );
    expect(tables.rows.map((r) => r.tableName)).toEqual(
      expect.arrayContaining([
        "branch_heads",
        "import_files",
        "import_resources",
        "imports",
        "installations",
        "queue_instances",
        "repositories",
        "resources",
      ]),
    );
  });

  it("rolls back with down() and re-applies", async () => {
    const migrator = new Migrator({ db: t.db.withoutPlugins(), provider: new FolderMigrationProvider() });
    const down = await migrator.migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    const left = await sql<{ n: number }>`
      select count(*) as n from information_schema.tables
      where table_schema = current_schema() and table_name = 'imports'`.execute(t.db);
    expect(left.rows[0]?.n).toBe(0);
    expect(await migrateToLatest(t.db)).toEqual({
      applied: ["0001_initial", "0002_jobs", "0003_ingest_settings"],
    });
  });

  it("finds the migrations folder from the module, not the cwd", () => {
    expect(MIGRATIONS_DIR).toMatch(/\/migrations\/$/);
    expect(MIGRATIONS_DIR.startsWith("/")).toBe(true);
  });

  it("reports a failing migration by name", async () => {
    const { mkdtemp, writeFile, copyFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const folder = await mkdtemp(join(tmpdir(), "migrations-"));
    await copyFile(join(MIGRATIONS_DIR, "0001_initial.ts"), join(folder, "0001_initial.ts"));
    await copyFile(join(MIGRATIONS_DIR, "0002_jobs.ts"), join(folder, "0002_jobs.ts"));
    await copyFile(join(MIGRATIONS_DIR, "0003_ingest_settings.ts"), join(folder, "0003_ingest_settings.ts"));
    await writeFile(
      join(folder, "0004_broken.ts"),
      'import { sql } from "kysely";\nexport async function up(db) { await sql`select * from no_such_table`.execute(db); }\n',
    );
    await expect(migrateToLatest(t.db, { folder })).rejects.toThrow(
      /migration 0004_broken failed: .*no_such_table/,
    );
    // The failed migration left nothing behind: still only 0001 to 0003 recorded.
    expect((await migrationStatus(t.db)).filter((m) => m.executedAt).map((m) => m.name)).toEqual([
      "0001_initial",
      "0002_jobs",
      "0003_ingest_settings",
    ]);
  });
});
