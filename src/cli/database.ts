/** The CLI's database commands: migrate, and what the app recorded (imports, current resources). */
import { openDatabase } from "../db/connect.js";
import { listImports } from "../db/imports.js";
import { migrateToLatest, migrationStatus } from "../db/migrate.js";
import { listResources } from "../db/resources.js";

export interface DatabaseCommandOptions {
  format: "text" | "json";
  repo?: string;
  root?: string;
  branch?: string;
  limit?: string;
  /** migrate --status: list the migrations and when they ran, apply nothing. */
  status?: boolean;
}

export async function databaseCommand(
  command: "migrate" | "imports" | "resources",
  options: DatabaseCommandOptions,
): Promise<number> {
  const database = await openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: process.env.DATA_DIR,
  });
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
      print(options.format, { database: database.kind, applied }, () =>
        applied.length ? `applied: ${applied.join(", ")}` : "the database is up to date",
      );
      return 0;
    }
    if (command === "imports") {
      const rows = await listImports(database.db, {
        ...(options.repo ? { repo: options.repo } : {}),
        limit: Number(options.limit ?? 20),
      });
      print(
        options.format,
        rows,
        () =>
          rows
            .map(
              (r) =>
                `#${r.id} ${r.repositoryFullName}@${r.branch} ${r.sourceCommit.slice(0, 7)} ${r.status}` +
                `${r.ingestionCommit ? ` -> ${r.ingestionCommit.slice(0, 7)}` : ""}` +
                ` files ${r.filesIngested}/${r.filesTotal} (rejected ${r.filesRejected})` +
                ` resources +${r.resourcesCreated} ~${r.resourcesUpdated} =${r.resourcesUnchanged}` +
                ` ${r.startedAt.toISOString()}`,
            )
            .join("\n") || "no imports recorded",
      );
      return 0;
    }
    if (!options.repo) {
      process.stderr.write("resources needs --repo owner/name\n");
      return 2;
    }
    const rows = await listResources(database.db, {
      repo: options.repo,
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

function print(format: "text" | "json", value: unknown, text: () => string): void {
  process.stdout.write(format === "json" ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}
