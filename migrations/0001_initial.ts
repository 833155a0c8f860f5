/**
 * Initial schema: installations, repositories, imports with their files and resources, and the
 * current state of every fabric root. Uniqueness and checks live here so that a redelivered webhook
 * or a re-run can never record anything twice, whatever the code above does.
 *
 * Migrations are frozen history: they use `Kysely<unknown>` and snake_case names, never the app's types.
 */
import { type Kysely, sql } from "kysely";

const SHA = "^([0-9a-f]{40}|[0-9a-f]{64})$";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("installations")
    .addColumn("id", "bigint", (c) => c.primaryKey())
    .addColumn("account", "text", (c) => c.notNull())
    .addColumn("suspended_at", "timestamptz")
    .addColumn("removed_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("repositories")
    .addColumn("id", "bigint", (c) => c.primaryKey())
    .addColumn("installation_id", "bigint", (c) => c.references("installations.id"))
    .addColumn("full_name", "text", (c) => c.notNull().check(sql`full_name like '%_/_%'`))
    .addColumn("default_branch", "text", (c) => c.notNull())
    .addColumn("removed_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // GitHub names are case-insensitive; a renamed repository keeps its id, so the name is not unique.
  await db.schema
    .createIndex("repositories_full_name_idx")
    .on("repositories")
    .expression(sql`lower(full_name)`)
    .execute();

  await db.schema
    .createTable("imports")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("repository_id", "bigint", (c) => c.notNull().references("repositories.id"))
    .addColumn("branch", "text", (c) => c.notNull().check(sql`branch <> ''`))
    .addColumn("source_commit", "text", (c) => c.notNull().check(sql`source_commit ~ ${sql.lit(SHA)}`))
    .addColumn("delivery_id", "text")
    .addColumn("trigger", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(sql`status in ('pending', 'committed', 'nothing_to_do', 'rejected', 'failed', 'superseded')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(1).check(sql`attempts >= 1`))
    .addColumn("ingestion_commit", "text", (c) => c.check(sql`ingestion_commit ~ ${sql.lit(SHA)}`))
    .addColumn("files_total", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("files_ingested", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("files_rejected", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("files_empty", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("resources_created", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("resources_updated", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("resources_unchanged", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("errors", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("warnings", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("notices", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("problems", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("message", "text")
    .addColumn("started_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("ended_at", "timestamptz")
    // The one key that makes a redelivered webhook or a re-run of a commit find the same import.
    .addUniqueConstraint("imports_run_key", ["repository_id", "branch", "source_commit"])
    // One ingestion commit belongs to one import (NULLs are distinct, so pending rows do not clash).
    .addUniqueConstraint("imports_ingestion_commit_key", ["repository_id", "ingestion_commit"])
    .addCheckConstraint(
      "imports_committed_has_sha",
      sql`(status = 'committed') = (ingestion_commit is not null)`,
    )
    .addCheckConstraint("imports_ended_unless_pending", sql`(status = 'pending') = (ended_at is null)`)
    .execute();
  await db.schema
    .createIndex("imports_repository_idx")
    .on("imports")
    .columns(["repository_id", "id desc"])
    .execute();
  await db.schema
    .createIndex("imports_pending_idx")
    .on("imports")
    .column("started_at")
    .where(sql.ref("status"), "=", "pending")
    .execute();
  await db.schema.createIndex("imports_delivery_idx").on("imports").column("delivery_id").execute();

  await db.schema
    .createTable("import_files")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("import_id", "bigint", (c) => c.notNull().references("imports.id").onDelete("cascade"))
    .addColumn("root", "text", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("blob_sha", "text")
    .addColumn("verdict", "text", (c) => c.notNull().check(sql`verdict in ('ingested', 'rejected', 'empty')`))
    .addColumn("archive_path", "text")
    .addColumn("document_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("problems", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addUniqueConstraint("import_files_key", ["import_id", "path"])
    .addCheckConstraint(
      "import_files_rejected_not_archived",
      sql`verdict <> 'rejected' or archive_path is null`,
    )
    .execute();

  await db.schema
    .createTable("import_resources")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("import_id", "bigint", (c) => c.notNull().references("imports.id").onDelete("cascade"))
    .addColumn("root", "text", (c) => c.notNull())
    .addColumn("file_path", "text", (c) => c.notNull())
    .addColumn("document_index", "integer", (c) => c.notNull())
    .addColumn("target", "text", (c) => c.notNull().check(sql`target in ('managed', 'unmanaged')`))
    .addColumn("api_version", "text")
    .addColumn("group", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("namespace", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull().check(sql`action in ('created', 'updated', 'unchanged')`))
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("content_hash", "text")
    .addColumn("object", "jsonb")
    // Two documents with one identity in one root cannot both be ingested by one run.
    .addUniqueConstraint("import_resources_key", ["import_id", "root", "group", "kind", "namespace", "name"])
    .execute();

  await db.schema
    .createTable("resources")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("repository_id", "bigint", (c) => c.notNull().references("repositories.id"))
    .addColumn("branch", "text", (c) => c.notNull())
    .addColumn("root", "text", (c) => c.notNull())
    .addColumn("target", "text", (c) => c.notNull().check(sql`target in ('managed', 'unmanaged')`))
    .addColumn("api_version", "text")
    .addColumn("group", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("namespace", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("content_hash", "text")
    .addColumn("object", "jsonb")
    .addColumn("first_import_id", "bigint", (c) => c.notNull().references("imports.id"))
    .addColumn("last_import_id", "bigint", (c) => c.notNull().references("imports.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("resources_identity_key", [
      "repository_id",
      "branch",
      "root",
      "group",
      "kind",
      "namespace",
      "name",
    ])
    .execute();
  await db.schema.createIndex("resources_last_import_idx").on("resources").column("last_import_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "resources",
    "import_resources",
    "import_files",
    "imports",
    "repositories",
    "installations",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
