/**
 * The ImportRecorder port implemented on the Postgres store. Every failure comes out as a
 * DatabaseError, so the check run can tell "the database is down" from "GitHub failed".
 */
import type { Kysely } from "kysely";
import { DatabaseError, type ImportRecorder } from "../ingestion/recorder.js";
import {
  beginImport,
  listPendingImports,
  markCommitted,
  markFailed,
  markNothingToDo,
  markRejected,
  markSuperseded,
  recordPlanned,
} from "./imports.js";
import {
  findRepository,
  markInstallationRemoved,
  markInstallationSuspended,
  markInstallationUnsuspended,
  markRepositoryRemoved,
  upsertInstallation,
  upsertRepository,
} from "./installations.js";
import { withRepositoryLock } from "./lock.js";
import type { Database } from "./schema.js";

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof DatabaseError ? error : new DatabaseError(error);
  }
}

export function createRecorder(db: Kysely<Database>): ImportRecorder {
  return {
    begin: (input) =>
      guarded(async () => {
        await upsertRepository(db, input.repository);
        const begun = await beginImport(db, {
          repositoryId: input.repository.githubId,
          branch: input.branch,
          sourceCommit: input.sourceCommit,
          deliveryId: input.deliveryId,
          trigger: input.trigger,
        });
        return { id: begun.import.id, created: begun.created, status: begun.import.status };
      }),
    planned: (id, report) => guarded(async () => void (await recordPlanned(db, id, report))),
    committed: (id, sha) => guarded(async () => void (await markCommitted(db, id, sha))),
    nothingToDo: (id) => guarded(async () => void (await markNothingToDo(db, id))),
    rejected: (id) => guarded(async () => void (await markRejected(db, id))),
    failed: (id, message) => guarded(async () => void (await markFailed(db, id, message))),
    superseded: (id) => guarded(async () => void (await markSuperseded(db, id))),
    pending: (repositoryGithubId) =>
      guarded(async () => {
        const rows = await listPendingImports(
          db,
          repositoryGithubId === undefined ? {} : { repositoryId: repositoryGithubId },
        );
        return rows.map((r) => ({
          id: r.id,
          repositoryGithubId: r.repositoryId,
          installationId: r.installationId ?? 0,
          fullName: r.repositoryFullName,
          branch: r.branch,
          sourceCommit: r.sourceCommit,
        }));
      }),
    installation: (event) =>
      guarded(async () => {
        await upsertInstallation(db, { id: event.id, account: event.account });
        if (event.action === "deleted") await markInstallationRemoved(db, event.id);
        else if (event.action === "suspend") await markInstallationSuspended(db, event.id);
        else if (event.action === "unsuspend") await markInstallationUnsuspended(db, event.id);
      }),
    repositories: (installationId, added, removed) =>
      guarded(async () => {
        for (const r of added) {
          // Installation payloads carry no default branch: keep the one a push already told us.
          const known = r.defaultBranch || (await findRepository(db, r.githubId))?.defaultBranch || "";
          await upsertRepository(db, { ...r, installationId, defaultBranch: known });
        }
        for (const id of removed) await markRepositoryRemoved(db, id);
      }),
    // Errors from fn (GitHub's) pass through untouched; only taking the lock is the database's.
    withRepositoryLock: (repositoryGithubId, fn) => {
      let inside = false;
      return withRepositoryLock(db, repositoryGithubId, () => {
        inside = true;
        return fn();
      }).catch((error: unknown) => {
        throw inside || error instanceof DatabaseError ? error : new DatabaseError(error);
      });
    },
  };
}
