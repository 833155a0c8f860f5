/**
 * What the ingestion needs from the database, as a port: the Postgres store implements it
 * (db/recorder.ts); keeping it narrow keeps the orchestration readable and testable.
 */
import type { Report } from "../pipeline/types.js";

/** Every recorder failure is one of these, so the check run can say the database (not GitHub) failed. */
export class DatabaseError extends Error {
  constructor(cause: unknown) {
    super(`the database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = "DatabaseError";
  }
}

/**
 * The repository's lock was not free in time: another ingestion of it is still running. Not a
 * database failure (the lock implementation extends this, whatever wraps it keeps it as `cause`).
 */
export class RepositoryBusyError extends Error {
  override name = "RepositoryBusyError";
}

/** The error, or its cause, says the repository was busy. */
export function isRepositoryBusy(error: unknown): boolean {
  return (
    error instanceof RepositoryBusyError ||
    (error instanceof Error && error.cause instanceof RepositoryBusyError)
  );
}

export type ImportStatus = "pending" | "committed" | "nothing_to_do" | "rejected" | "failed" | "superseded";

export interface RepositoryInfo {
  githubId: number;
  installationId: number;
  fullName: string;
  defaultBranch: string;
  /** GraphQL node id (webhook payloads carry it); needed for the branch's compare-and-swap. */
  nodeId?: string;
}

export interface BegunImport {
  id: number;
  /** False when this (repository, branch, source commit) was recorded before. */
  created: boolean;
  /** Pending: go ahead and record. Anything else: this commit was handled before; record nothing. */
  status: ImportStatus;
}

export interface PendingImport {
  id: number;
  repositoryGithubId: number;
  installationId: number;
  fullName: string;
  branch: string;
  sourceCommit: string;
}

export interface ImportRecorder {
  begin(input: {
    repository: RepositoryInfo;
    branch: string;
    sourceCommit: string;
    deliveryId: string;
    trigger: string;
  }): Promise<BegunImport>;
  planned(importId: number, report: Report): Promise<void>;
  committed(importId: number, commitSha: string): Promise<void>;
  nothingToDo(importId: number): Promise<void>;
  rejected(importId: number): Promise<void>;
  failed(importId: number, message: string): Promise<void>;
  superseded(importId: number): Promise<void>;
  /** Imports left pending (by a crash), optionally only one repository's. */
  pending(repositoryGithubId?: number): Promise<PendingImport[]>;
  /** The app was installed, suspended, unsuspended or uninstalled. */
  installation(event: { id: number; account: string; action: string }): Promise<void>;
  /** Repositories were added to or removed from an installation. */
  repositories(installationId: number, added: RepositoryInfo[], removed: number[]): Promise<void>;
  /** Runs fn while holding the repository's lock, shared by every instance on the database. */
  withRepositoryLock<T>(repositoryGithubId: number, fn: () => Promise<T>): Promise<T>;
}
