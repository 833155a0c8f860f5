/** The CLI's database commands: migrate, and what the app recorded (imports, current resources). */
import { databaseFromEnv } from "../data-dir.js";
import { openDatabase } from "../db/connect.js";
import { type ImportSummary, listImports } from "../db/imports.js";
import { migrateToLatest, migrationStatus } from "../db/migrate.js";
import { listResources } from "../db/resources.js";
import { type ParsedCommand, positiveInteger, repository } from "./args.js";
import { UsageError } from "./usage-error.js";

/** The same database the app uses: DATABASE_URL + DATABASE_SCHEMA, or the embedded one (see data-dir.ts). */
export async function databaseCommand(parsed: ParsedCommand): Promise<number> {
  const { command, values } = parsed;
  const options = {
    format: parsed.format === "json" ? "json" : "text",
    status: values.status === true,
    repo: repository(values.repo as string | undefined),
    root: values.root as string | undefined,
    branch: values.branch as string | undefined,
    limit: positiveInteger("limit", values.limit as string | undefined) ?? 20,
  } as const;
  if (parsed.positionals.length > 0) {
    throw new UsageError(`${command} takes no arguments, got "${parsed.positionals.join(" ")}"`);
  }
  if (command === "resources" && !options.repo) throw new UsageError("resources needs --repo owner/name");
  const env = process.env;
  const where = databaseFromEnv(env);
  const { dataDir } = where;
  const database = await openDatabase(where);
  try {
    if (command === "migrate" && options.status) {
      const status = await migrationStatus(database.db);
      print(options.format, status, () =>
        status
          .map((m) => `${m.name} ${m.executedAt ? `applied ${m.executedAt.toISOString()}` : "pending"}`)
          .join("\n"),
      );
      return 0;
    }
    const { applied } = await migrateToLatest(database.db);
    if (command === "migrate") {
      const where =
        database.kind === "pglite" ? `embedded database in ${dataDir}` : "Postgres (DATABASE_URL)";
      const schema = env.DATABASE_SCHEMA || "public";
      print(
        options.format,
        { database: database.kind, ...(database.kind === "pglite" ? { dataDir } : {}), schema, applied },
        () =>
          `${applied.length ? `applied: ${applied.join(", ")}` : "the database is up to date"} (${where}, schema ${schema})`,
      );
      return 0;
    }
    if (command === "imports") {
      const rows = await listImports(database.db, {
        ...(options.repo ? { repo: options.repo } : {}),
        limit: options.limit,
      });
      print(options.format, rows, () => rows.map(importLine).join("\n") || "no imports recorded");
      return 0;
    }
    const rows = await listResources(database.db, {
      repo: options.repo as string,
      ...(options.root ? { root: options.root } : {}),
      ...(options.branch ? { branch: options.branch } : {}),
    });
    print(
      options.format,
      rows,
      () =>
        rows
          .map((r) => `${r.branch} ${r.root} ${r.kind}/${r.name} ${r.path} ${r.contentHash ?? ""}`)
          .join("\n") || "no resources recorded",
    );
    return 0;
  } finally {
    await database.close();
  }
}

export function print(format: "text" | "json", value: unknown, text: () => string): void {
  process.stdout.write(format === "json" ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** One import as `gitops-ingest imports` prints it (the demo prints the same). */
export function importLine(r: ImportSummary): string {
  return (
    `#${r.id} ${r.repositoryFullName}@${r.branch} ${r.sourceCommit.slice(0, 7)} ${r.status}` +
    `${r.ingestionCommit ? ` -> ${r.ingestionCommit.slice(0, 7)}` : ""}` +
    ` files ${r.filesIngested}/${r.filesTotal} (rejected ${r.filesRejected})` +
    ` resources +${r.resourcesCreated} ~${r.resourcesUpdated} =${r.resourcesUnchanged}` +
    ` ${r.startedAt.toISOString()}`
  );
}
