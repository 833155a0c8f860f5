/**
 * The typed tables of the gitops-ingest database, as Kysely sees them.
 *
 * Names are camelCase here and snake_case in Postgres: `openDatabase` installs Kysely's
 * CamelCasePlugin (with nested JSON keys left alone), so queries and results use these names.
 *
 * Integers: every int8 column (ids, GitHub ids, counts) is parsed to a JS `number` by both
 * drivers (see connect.ts), which throws rather than round an integer beyond 2^53. GitHub ids
 * are far below that, so one representation, `number`, is used throughout.
 */
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from "kysely";
import type { FileVerdict, Problem, ResourceAction } from "../pipeline/types.js";

/** A timestamptz the database fills in (default now()). */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** A nullable timestamptz. */
type MaybeTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** jsonb holding any JSON value; written as a JSON string (pg would turn a JS array into a Postgres array). */
type JsonColumn = ColumnType<JsonValue | null, string | null | undefined, string | null>;

/** Where an import stands. Only `pending` may change; every other status is an end state. */
import type { ImportStatus } from "../ingestion/recorder.js";

export type { ImportStatus };

/** A problem as stored: the pipeline's Problem, plus the document index when it is about one document. */
export type StoredProblem = Problem & { document?: number };

export type ResourceTarget = "managed" | "unmanaged";

/** One GitHub App installation (id = GitHub's installation id). */
export interface InstallationsTable {
  id: number;
  /** Login of the account (user or organization) the app is installed on. */
  account: string;
  suspendedAt: MaybeTime;
  removedAt: MaybeTime;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

/** One repository the app has seen (id = GitHub's repository id). */
export interface RepositoriesTable {
  id: number;
  /** Null for a repository recorded outside an installation (e.g. by the CLI). */
  installationId: number | null;
  /** "owner/name" as last seen; looked up case-insensitively. */
  fullName: string;
  defaultBranch: string;
  /** The branches its configuration ingests on, as last read (null: not read yet). */
  ingestBranches: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  /** Its fabric root globs, as last read (null: not read yet). */
  ingestRoots: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  removedAt: MaybeTime;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

/** One ingestion run for one (repository, branch, source commit); unique on those three. */
export interface ImportsTable {
  id: Generated<number>;
  repositoryId: number;
  branch: string;
  /** The pushed commit whose raw/ files were read. */
  sourceCommit: string;
  /** X-GitHub-Delivery of the first webhook that started this import (null from the CLI). */
  deliveryId: string | null;
  /** What started it, e.g. "push", "check_run", "check_suite", "cli". */
  trigger: string;
  status: Generated<ImportStatus>;
  /** How many times the run was started (redeliveries of a pending or failed import count). */
  attempts: Generated<number>;
  /** The commit the app wrote; set exactly when status is committed. */
  ingestionCommit: string | null;
  filesTotal: Generated<number>;
  filesIngested: Generated<number>;
  filesRejected: Generated<number>;
  filesEmpty: Generated<number>;
  resourcesCreated: Generated<number>;
  resourcesUpdated: Generated<number>;
  resourcesUnchanged: Generated<number>;
  errors: Generated<number>;
  warnings: Generated<number>;
  notices: Generated<number>;
  /** Problems not tied to a raw file (e.g. an invalid .github/gitops-ingest.yml). */
  problems: JSONColumnType<StoredProblem[], string | undefined, string>;
  /** Why the import failed or was rejected or superseded, in words. */
  message: string | null;
  startedAt: CreatedAt;
  updatedAt: CreatedAt;
  /** Set exactly when the status is not pending. */
  endedAt: MaybeTime;
}

/** Every raw file an import looked at. */
export interface ImportFilesTable {
  id: Generated<number>;
  importId: number;
  /** Fabric root, e.g. "gitops/hedgehog/fabric-1". */
  root: string;
  /** Repository-relative path of the raw file. */
  path: string;
  blobSha: string | null;
  verdict: FileVerdict;
  archivePath: string | null;
  documentCount: number;
  /** The file's problems and its documents' problems (with `document` set). */
  problems: JSONColumnType<StoredProblem[], string | undefined, string>;
}

/** Every resource (document of an ingested file) an import wrote or found unchanged. */
export interface ImportResourcesTable {
  id: Generated<number>;
  importId: number;
  root: string;
  /** The raw file the document came from, and its 0-based index there. */
  filePath: string;
  documentIndex: number;
  target: ResourceTarget;
  apiVersion: string | null;
  group: string;
  kind: string;
  namespace: string;
  name: string;
  action: ResourceAction;
  /** Repository-relative path under managed/ or unmanaged/. */
  path: string;
  /** Git blob SHA of the written bytes (what `git hash-object` gives for the file). */
  contentHash: string | null;
  /** The normalized object; kept so a crash-recovered commit can still update the current state. */
  object: JsonColumn;
}

/**
 * The current state: one row per resource per (repository, branch, fabric root), as the app last
 * wrote it. Updated only when an import is committed.
 */
export interface ResourcesTable {
  id: Generated<number>;
  repositoryId: number;
  branch: string;
  root: string;
  target: ResourceTarget;
  apiVersion: string | null;
  group: string;
  kind: string;
  namespace: string;
  name: string;
  path: string;
  contentHash: string | null;
  /** The whole normalized object (apiVersion, kind, metadata, spec); the spec is `object->'spec'`. */
  object: JsonColumn;
  /** The import that first recorded it, and the one that last changed it. */
  firstImportId: number;
  lastImportId: number;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

export interface Database {
  installations: InstallationsTable;
  repositories: RepositoriesTable;
  imports: ImportsTable;
  importFiles: ImportFilesTable;
  importResources: ImportResourcesTable;
  resources: ResourcesTable;
  queueInstances: QueueInstancesTable;
  branchHeads: BranchHeadsTable;
}

/** A running job-queue instance (see src/queue/instances.ts). */
export interface QueueInstancesTable {
  id: string;
  lockIds: ColumnType<string[], string[] | undefined, string[]>;
  startedAt: CreatedAt;
  heartbeatAt: CreatedAt;
}

/** The head last seen on an ingest branch by the reconcile sweep. */
export interface BranchHeadsTable {
  repositoryId: number;
  branch: string;
  headSha: string;
  etag: string | null;
  checkedAt: CreatedAt;
}

export type InstallationRow = Selectable<InstallationsTable>;
export type RepositoryRow = Selectable<RepositoriesTable>;
export type ImportRow = Selectable<ImportsTable>;
export type ImportFileRow = Selectable<ImportFilesTable>;
export type ImportResourceRow = Selectable<ImportResourcesTable>;
export type ResourceRow = Selectable<ResourcesTable>;

export type NewImportFile = Insertable<ImportFilesTable>;
export type NewImportResource = Insertable<ImportResourcesTable>;
