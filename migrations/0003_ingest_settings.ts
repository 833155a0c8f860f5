/**
 * What a repository's configuration said when it was last read: the branches it ingests on and its
 * fabric root globs. The reconcile sweep reads these instead of the configuration file, so a sweep
 * over an idle repository stays at one conditional request. Null: not read yet (the default branch
 * and the default roots apply).
 *
 * Migrations are frozen history: they use `Kysely<unknown>` and snake_case names, never the app's types.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("repositories").addColumn("ingest_branches", sql`text[]`).execute();
  await db.schema.alterTable("repositories").addColumn("ingest_roots", sql`text[]`).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("repositories").dropColumn("ingest_roots").execute();
  await db.schema.alterTable("repositories").dropColumn("ingest_branches").execute();
}
