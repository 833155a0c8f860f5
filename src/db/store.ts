/**
 * The store the app and the CLI call: every function takes the database first. SQL lives only in
 * src/db and migrations/.
 */
export { type DatabaseKind, type OpenDatabaseOptions, type OpenedDatabase, openDatabase } from "./connect.js";
export {
  type BeginImportInput,
  beginImport,
  getImport,
  type ImportDetail,
  type ImportResourceSummary,
  ImportStateError,
  type ImportSummary,
  listImports,
  listPendingImports,
  markCommitted,
  markFailed,
  markNothingToDo,
  markRejected,
  markSuperseded,
  type PendingImport,
  recordPlanned,
} from "./imports.js";
export {
  findRepository,
  type InstallationInput,
  markInstallationRemoved,
  markInstallationSuspended,
  markInstallationUnsuspended,
  markRepositoryRemoved,
  type RepositoryInput,
  upsertInstallation,
  upsertRepository,
} from "./installations.js";
export {
  DEFAULT_LOCK_TIMEOUT_MS,
  type RepositoryLockOptions,
  RepositoryLockTimeoutError,
  withRepositoryLock,
} from "./lock.js";
export { MigrationError, migrateToLatest, migrationStatus } from "./migrate.js";
export { type ListResourcesOptions, listResources } from "./resources.js";
export type * from "./schema.js";
export { IMPORT_STATUSES } from "./schema.js";
