/**
 * Runs the migrations in the top-level `migrations/` folder with Kysely's Migrator, at start and
 * from `gitops-ingest migrate`. The folder is found from this file, not the cwd.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Kysely } from "kysely";
import { type Migration, type MigrationProvider, Migrator } from "kysely";
import { databaseInfo } from "./connect.js";
import type { Database } from "./schema.js";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations/", import.meta.url));

/** Migration files are named NNNN_description.ts (or .js/.mjs once compiled). */
const MIGRATION_FILE = /^(\d{4}_[A-Za-z0-9_-]+)\.(ts|mts|js|mjs)$/;

/** Imports every migration file of a folder; a file that is not a migration is an error, not a skip. */
export class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string = MIGRATIONS_DIR) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of (await readdir(this.folder)).sort()) {
      const match = MIGRATION_FILE.exec(file);
      if (!match || file.endsWith(".d.ts")) continue;
      const name = match[1] as string;
      const module = (await import(pathToFileURL(join(this.folder, file)).href)) as Partial<Migration> & {
        default?: Partial<Migration>;
      };
      const migration = typeof module.up === "function" ? module : module.default;
      if (typeof migration?.up !== "function") throw new Error(`migration ${file} does not export up()`);
      if (migrations[name]) throw new Error(`two migration files are named ${name}`);
      migrations[name] = migration as Migration;
    }
    return migrations;
  }
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

// The Migrator runs without the CamelCasePlugin: its own bookkeeping and the introspection it
// relies on read snake_case column names, and migrations are written in snake_case anyway.
function migrator(db: Kysely<Database>, folder?: string): Migrator {
  // The bookkeeping tables are looked up in our schema: without it, Kysely finds another schema's
  // (DATABASE_SCHEMA=b next to a) in the same database and then fails on it (42P01).
  return new Migrator({
    db: db.withoutPlugins(),
    provider: new FolderMigrationProvider(folder),
    migrationTableSchema: databaseInfo(db).schema,
  });
}

/**
 * Applies every pending migration in one transaction; concurrent instances wait on
 * Kysely's migration lock. Returns the names applied (empty when already up to date).
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  options: { folder?: string } = {},
): Promise<{ applied: string[] }> {
  const { error, results = [] } = await migrator(db, options.folder).migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === "Error")?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      failed ? `database migration ${failed} failed: ${reason}` : `database migration failed: ${reason}`,
      { cause: error },
    );
  }
  return { applied: results.filter((r) => r.status === "Success").map((r) => r.migrationName) };
}

/** Every known migration and when it ran (undefined = pending), for `gitops-ingest migrate --status`. */
export async function migrationStatus(
  db: Kysely<Database>,
  options: { folder?: string } = {},
): Promise<{ name: string; executedAt?: Date }[]> {
  const list = await migrator(db, options.folder).getMigrations();
  return list.map((m) => (m.executedAt ? { name: m.name, executedAt: m.executedAt } : { name: m.name }));
}
