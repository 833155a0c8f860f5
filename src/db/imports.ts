/**
 * Imports: one ingestion run for one (repository, branch, source commit).
 *
 * Crash safety comes from the order of writes: beginImport (pending) → recordPlanned (still
 * pending) → the Git commit → markCommitted with its SHA. A crash between the commit and
 * markCommitted leaves a pending row; the app resolves it later by looking on the branch for the
 * commit whose `Gitops-Ingest-Source:` trailer names the source commit (listPendingImports,
 * then markCommitted or markFailed). Callers hold withRepositoryLock around all of this.
 */
import { type Kysely, sql, type UpdateObject } from "kysely";
import type { Report } from "../pipeline/types.js";
import { applyImportToCurrentState } from "./resources.js";
import type {
  Database,
  ImportFileRow,
  ImportResourceRow,
  ImportRow,
  ImportStatus,
  JsonValue,
  NewImportFile,
  NewImportResource,
  StoredProblem,
} from "./schema.js";

/** A status change the import's current status does not allow (only pending imports change). */
export class ImportStateError extends Error {
  override name = "ImportStateError";
  constructor(
    readonly importId: number,
    readonly status: ImportStatus | undefined,
    wanted: string,
  ) {
    super(
      status === undefined
        ? `import ${importId} does not exist`
        : `import ${importId} is ${status}; cannot ${wanted} (only a pending import changes)`,
    );
  }
}

export interface BeginImportInput {
  /** GitHub repository id (the repository must have been recorded with upsertRepository). */
  repositoryId: number;
  branch: string;
  /** Full SHA of the pushed commit. */
  sourceCommit: string;
  /** X-GitHub-Delivery; only the first delivery's id is kept. */
  deliveryId?: string | null;
  /** What started it, e.g. "push", "check_run", "check_suite", "cli". */
  trigger: string;
}

/**
 * Finds or creates the import for (repository, branch, source commit).
 *
 * - `created: true`: a new pending import; go ahead.
 * - `created: false`, status `pending`: an earlier attempt did not finish (a crash, or it failed and
 *   this is a retry); `attempts` was incremented. Resolve a possible earlier ingestion commit
 *   (trailer) first, then go ahead with this same row.
 * - `created: false`, any other status: this commit was already handled; skip.
 *
 * A failed import is reopened (its error cleared); committed, nothing_to_do, rejected and
 * superseded ones are final.
 */
export async function beginImport(
  db: Kysely<Database>,
  input: BeginImportInput,
): Promise<{ import: ImportRow; created: boolean }> {
  const key = { repositoryId: input.repositoryId, branch: input.branch, sourceCommit: input.sourceCommit };
  const inserted = await db
    .insertInto("imports")
    .values({ ...key, deliveryId: input.deliveryId ?? null, trigger: input.trigger })
    .onConflict((oc) => oc.columns(["repositoryId", "branch", "sourceCommit"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { import: inserted, created: true };

  const reopened = await db
    .updateTable("imports")
    .set((eb) => ({
      status: "pending",
      attempts: eb("attempts", "+", 1),
      message: null,
      endedAt: null,
      updatedAt: sql`now()`,
    }))
    .where("repositoryId", "=", key.repositoryId)
    .where("branch", "=", key.branch)
    .where("sourceCommit", "=", key.sourceCommit)
    .where("status", "in", ["pending", "failed"])
    .returningAll()
    .executeTakeFirst();
  if (reopened) return { import: reopened, created: false };

  const existing = await db
    .selectFrom("imports")
    .selectAll()
    .where("repositoryId", "=", key.repositoryId)
    .where("branch", "=", key.branch)
    .where("sourceCommit", "=", key.sourceCommit)
    .executeTakeFirstOrThrow();
  return { import: existing, created: false };
}

// Postgres binds at most 65,535 parameters per statement, but PGlite (0.4) only 32,767: one more and
// it silently returns no rows and leaves its session returning nothing (nicia-ai/typegraph#315).
// The row cap keeps one statement to a few MB.
const MAX_PARAMETERS = 32_767;
const MAX_ROWS_PER_STATEMENT = 5_000;

function chunks<T extends object>(rows: readonly T[]): T[][] {
  const first = rows[0];
  if (!first) return [];
  const columns = Object.keys(first).length;
  const size = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMETERS / columns)));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** The rows and counts recordPlanned writes for a report. */
function rowsOf(importId: number, report: Report) {
  const files: NewImportFile[] = [];
  const resources: NewImportResource[] = [];
  const counts = {
    filesTotal: 0,
    filesIngested: 0,
    filesRejected: 0,
    filesEmpty: 0,
    resourcesCreated: 0,
    resourcesUpdated: 0,
    resourcesUnchanged: 0,
    errors: 0,
    warnings: 0,
    notices: 0,
  };
  const levelKey = { error: "errors", warning: "warnings", notice: "notices" } as const;
  const actionKey = {
    created: "resourcesCreated",
    updated: "resourcesUpdated",
    unchanged: "resourcesUnchanged",
  } as const;
  const verdictKey = { ingested: "filesIngested", rejected: "filesRejected", empty: "filesEmpty" } as const;

  for (const root of report.roots) {
    for (const file of root.files) {
      counts.filesTotal++;
      counts[verdictKey[file.verdict]]++;
      const problems: StoredProblem[] = [...file.problems];
      for (const doc of file.documents) {
        for (const p of doc.problems) problems.push({ ...p, document: doc.index });
      }
      for (const p of problems) counts[levelKey[p.level]]++;
      files.push({
        importId,
        root: file.root || root.root,
        path: file.path,
        blobSha: file.blobSha ?? null,
        verdict: file.verdict,
        archivePath: file.archivePath ?? null,
        documentCount: file.documents.length,
        problems: json(problems),
      });
      // Only the documents of an ingested file became resources; a rejected file stays in raw/.
      if (file.verdict !== "ingested") continue;
      for (const doc of file.documents) {
        const { identity, outputPath, action } = doc;
        if (!identity || !outputPath || !action) continue;
        counts[actionKey[action]]++;
        resources.push({
          importId,
          root: file.root || root.root,
          filePath: file.path,
          documentIndex: doc.index,
          target: doc.target ?? (outputPath.includes("/unmanaged/") ? "unmanaged" : "managed"),
          apiVersion: doc.apiVersion ?? null,
          group: identity.group,
          kind: identity.kind,
          namespace: identity.namespace,
          name: identity.name,
          action,
          path: outputPath,
          contentHash: doc.contentHash ?? null,
          object: doc.object === undefined ? null : json(doc.object),
        });
      }
    }
  }
  return { files, resources, counts };
}

/**
 * Stores what a run is about to do: every raw file and every resource, with counts and problems.
 * The import stays pending. Replaces anything recorded by an earlier attempt of the same import,
 * so a retry records nothing twice. One transaction; rows go in multi-row inserts, one round trip
 * per chunk (10,000 resources take 5 inserts).
 */
export async function recordPlanned(
  db: Kysely<Database>,
  importId: number,
  report: Report,
): Promise<ImportRow> {
  const { files, resources, counts } = rowsOf(importId, report);
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom("imports")
      .select(["status", "sourceCommit"])
      .where("id", "=", importId)
      .forUpdate()
      .executeTakeFirst();
    if (current?.status !== "pending") throw new ImportStateError(importId, current?.status, "record a plan");
    if (current.sourceCommit !== report.sourceCommit) {
      throw new Error(
        `import ${importId} is for commit ${current.sourceCommit}, but the report is for ${report.sourceCommit}`,
      );
    }
    await trx.deleteFrom("importResources").where("importId", "=", importId).execute();
    await trx.deleteFrom("importFiles").where("importId", "=", importId).execute();
    for (const chunk of chunks(files)) await trx.insertInto("importFiles").values(chunk).execute();
    for (const chunk of chunks(resources)) await trx.insertInto("importResources").values(chunk).execute();
    return trx
      .updateTable("imports")
      .set({ ...counts, updatedAt: sql`now()` })
      .where("id", "=", importId)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/**
 * Moves a pending import to an end state. Repeating the same change is a no-op (returns the row,
 * `changed: false`), so crash recovery may run twice; any other change of an ended import throws.
 */
async function finish(
  db: Kysely<Database>,
  importId: number,
  status: Exclude<ImportStatus, "pending">,
  changes: UpdateObject<Database, "imports">,
  endedAt: Date | undefined,
  isSameChange: (row: ImportRow) => boolean = () => true,
): Promise<{ row: ImportRow; changed: boolean }> {
  const updated = await db
    .updateTable("imports")
    .set({ ...changes, status, endedAt: endedAt ?? sql`now()`, updatedAt: sql`now()` })
    .where("id", "=", importId)
    .where("status", "=", "pending")
    .returningAll()
    .executeTakeFirst();
  if (updated) return { row: updated, changed: true };
  const row = await db.selectFrom("imports").selectAll().where("id", "=", importId).executeTakeFirst();
  if (row?.status === status && isSameChange(row)) return { row, changed: false };
  throw new ImportStateError(importId, row?.status, `mark it ${status}`);
}

/**
 * The ingestion commit landed: status committed with its SHA, and the current state updated from
 * this import's resources, all in one transaction. `endedAt` lets crash recovery use the commit's date.
 */
export async function markCommitted(
  db: Kysely<Database>,
  importId: number,
  commitSha: string,
  options: { endedAt?: Date } = {},
): Promise<ImportRow> {
  return db.transaction().execute(async (trx) => {
    const { row, changed } = await finish(
      trx,
      importId,
      "committed",
      { ingestionCommit: commitSha, message: null },
      options.endedAt,
      (r) => r.ingestionCommit === commitSha,
    );
    if (changed) await applyImportToCurrentState(trx, importId);
    return row;
  });
}

/** The raw/ inboxes were empty: nothing planned, nothing committed. */
export async function markNothingToDo(db: Kysely<Database>, importId: number): Promise<ImportRow> {
  return (await finish(db, importId, "nothing_to_do", {}, undefined)).row;
}

/**
 * Nothing was committed because every file was rejected, or the run could not start (e.g. an invalid
 * configuration, whose problems go in `problems`).
 */
export async function markRejected(
  db: Kysely<Database>,
  importId: number,
  options: { message?: string; problems?: readonly StoredProblem[] } = {},
): Promise<ImportRow> {
  const changes: UpdateObject<Database, "imports"> = { message: options.message ?? null };
  if (options.problems) {
    changes.problems = json(options.problems);
    changes.errors = sql<number>`errors + ${options.problems.filter((p) => p.level === "error").length}`;
    changes.warnings = sql<number>`warnings + ${options.problems.filter((p) => p.level === "warning").length}`;
    changes.notices = sql<number>`notices + ${options.problems.filter((p) => p.level === "notice").length}`;
  }
  return (await finish(db, importId, "rejected", changes, undefined)).row;
}

/**
 * The run broke (GitHub error, crash with no ingestion commit found, …). Unlike the other marks this
 * never throws for an import that has already ended: a failure after the end (e.g. while reporting)
 * does not rewrite what happened. Returns the row as it stands.
 */
export async function markFailed(
  db: Kysely<Database>,
  importId: number,
  message: string,
): Promise<ImportRow> {
  try {
    return (await finish(db, importId, "failed", { message }, undefined)).row;
  } catch (error) {
    if (!(error instanceof ImportStateError) || error.status === undefined) throw error;
    return db.selectFrom("imports").selectAll().where("id", "=", importId).executeTakeFirstOrThrow();
  }
}

/** A newer commit on the branch took over before this one was committed. */
export async function markSuperseded(
  db: Kysely<Database>,
  importId: number,
  message?: string,
): Promise<ImportRow> {
  return (await finish(db, importId, "superseded", { message: message ?? null }, undefined)).row;
}

/** An import with its repository's name. */
export type ImportSummary = ImportRow & { repositoryFullName: string };

/** A pending import and what the app needs to resolve it on GitHub. */
export type PendingImport = ImportSummary & { installationId: number | null };

/**
 * Pending imports, oldest first: left by a crash, or still running elsewhere when `olderThan` is
 * not given. Resolve each under withRepositoryLock.
 */
export async function listPendingImports(
  db: Kysely<Database>,
  options: { olderThan?: Date; repositoryId?: number } = {},
): Promise<PendingImport[]> {
  let query = db
    .selectFrom("imports")
    .innerJoin("repositories", "repositories.id", "imports.repositoryId")
    .selectAll("imports")
    .select(["repositories.fullName as repositoryFullName", "repositories.installationId"])
    .where("imports.status", "=", "pending");
  if (options.olderThan) query = query.where("imports.startedAt", "<", options.olderThan);
  if (options.repositoryId !== undefined)
    query = query.where("imports.repositoryId", "=", options.repositoryId);
  return query.orderBy("imports.id").execute();
}

/** Most recent first. `repo` is a GitHub repository id or "owner/name" (case-insensitive). */
export async function listImports(
  db: Kysely<Database>,
  options: { repo?: number | string; branch?: string; status?: ImportStatus; limit?: number } = {},
): Promise<ImportSummary[]> {
  const { repo, branch, status } = options;
  let query = db
    .selectFrom("imports")
    .innerJoin("repositories", "repositories.id", "imports.repositoryId")
    .selectAll("imports")
    .select("repositories.fullName as repositoryFullName");
  if (typeof repo === "number") query = query.where("imports.repositoryId", "=", repo);
  if (typeof repo === "string") {
    query = query.where((eb) =>
      eb(eb.fn("lower", ["repositories.fullName"]), "=", eb.fn("lower", [eb.val(repo)])),
    );
  }
  if (branch !== undefined) query = query.where("imports.branch", "=", branch);
  if (status !== undefined) query = query.where("imports.status", "=", status);
  return query
    .orderBy("imports.id", "desc")
    .limit(Math.max(1, Math.min(options.limit ?? 50, 10_000)))
    .execute();
}

/** An import resource; `object` only when asked for (it can be large). */
export type ImportResourceSummary = Omit<ImportResourceRow, "object"> & { object?: JsonValue | null };

export type ImportDetail = ImportSummary & { files: ImportFileRow[]; resources: ImportResourceSummary[] };

export async function getImport(
  db: Kysely<Database>,
  id: number,
  options: { objects?: boolean } = {},
): Promise<ImportDetail | undefined> {
  const row = await db
    .selectFrom("imports")
    .innerJoin("repositories", "repositories.id", "imports.repositoryId")
    .selectAll("imports")
    .select("repositories.fullName as repositoryFullName")
    .where("imports.id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  const files = await db
    .selectFrom("importFiles")
    .selectAll()
    .where("importId", "=", id)
    .orderBy("root")
    .orderBy("path")
    .execute();
  const columns = [
    "id",
    "importId",
    "root",
    "filePath",
    "documentIndex",
    "target",
    "apiVersion",
    "group",
    "kind",
    "namespace",
    "name",
    "action",
    "path",
    "contentHash",
  ] as const;
  const resources: ImportResourceSummary[] = await db
    .selectFrom("importResources")
    .select(options.objects ? [...columns, "object"] : columns)
    .where("importId", "=", id)
    .orderBy("root")
    .orderBy("filePath")
    .orderBy("documentIndex")
    .execute();
  return { ...row, files, resources };
}

export interface FailedImportDue {
  repositoryId: number;
  installationId: number;
  fullName: string;
  branch: string;
  attempts: number;
}

/**
 * Branches whose latest import failed and is due for another try: `attempts` counts the tries, the
 * n-th waits baseSeconds × 2^(n-1) after the last one ended, and after maxAttempts it is left to a
 * push or a Re-run. Only for installations and repositories the app may work on.
 */
export async function failedImportsDue(
  db: Kysely<Database>,
  options: { maxAttempts: number; baseSeconds: number },
): Promise<FailedImportDue[]> {
  const { rows } = await sql<FailedImportDue>`
    select latest.repository_id, repositories.installation_id, repositories.full_name, latest.branch, latest.attempts
    from (
      select distinct on (repository_id, branch) repository_id, branch, status, attempts, ended_at
      from imports
      order by repository_id, branch, id desc
    ) as latest
    join repositories on repositories.id = latest.repository_id
    join installations on installations.id = repositories.installation_id
    where latest.status = 'failed'
      and latest.attempts < ${options.maxAttempts}
      and latest.ended_at < now() - make_interval(secs => ${options.baseSeconds}::float8 * power(2, latest.attempts - 1))
      and repositories.removed_at is null
      and installations.suspended_at is null
      and installations.removed_at is null`.execute(db);
  return rows;
}
