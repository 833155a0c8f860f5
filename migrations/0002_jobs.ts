/**
 * What the job queue keeps beside graphile-worker's own schema (which graphile-worker migrates
 * itself): the live queue instances, so jobs locked by a dead one are freed in seconds rather than
 * after graphile-worker's 4-hour lock expiry; and the last head seen per ingest branch, so a
 * reconcile sweep over an idle repository costs one conditional request.
 *
 * Migrations are frozen history: they use `Kysely<unknown>` and snake_case names, never the app's types.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("queue_instances")
    .addColumn("id", "text", (c) => c.primaryKey())
    // What this instance's locked jobs carry in graphile-worker's locked_by (its worker pool's id).
    .addColumn("lock_ids", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("started_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("heartbeat_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("branch_heads")
    .addColumn("repository_id", "bigint", (c) => c.notNull().references("repositories.id"))
    .addColumn("branch", "text", (c) => c.notNull().check(sql`branch <> ''`))
    .addColumn("head_sha", "text", (c) => c.notNull())
    // The ETag of the last branch read, sent back as If-None-Match: a 304 is free of rate limit.
    .addColumn("etag", "text")
    .addColumn("checked_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("branch_heads_pkey", ["repository_id", "branch"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("branch_heads").ifExists().execute();
  await db.schema.dropTable("queue_instances").ifExists().execute();
}
