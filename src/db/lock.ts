/**
 * Per-repository mutual exclusion, so work for one repository is never done by two instances (or
 * two webhook handlers of one instance) at once.
 *
 * Postgres: a session-level advisory lock, held on a connection of the bounded lock pool (apart
 * from the query pool, so holding locks can never starve the queries run under them). If the instance dies, Postgres
 * ends the session and the lock is released by itself. (Conversely, if that connection drops while
 * `fn` runs, the lock is gone early; the imports' unique key still keeps every record single.)
 *
 * PGlite: one process owns the data folder and PGlite has a single session, so an advisory lock
 * would always be granted; the in-process queue below is the whole lock. (Do not open one PGlite
 * data folder from two processes.)
 *
 * Both: waiters of one process queue in order, without holding a connection while they wait.
 * The lock is not re-entrant: do not take it again for the same repository inside `fn`.
 */
import type { Kysely } from "kysely";
import type pg from "pg";
import { RepositoryBusyError } from "../ingestion/recorder.js";
import { databaseInfo } from "./connect.js";
import type { Database } from "./schema.js";

export class RepositoryLockTimeoutError extends RepositoryBusyError {
  override name = "RepositoryLockTimeoutError";
  constructor(
    readonly repositoryId: number,
    readonly timeoutMs: number,
  ) {
    super(`repository ${repositoryId} is busy: its lock was not free within ${timeoutMs} ms`);
  }
}

export interface RepositoryLockOptions {
  /** How long to wait for the lock in all (default 120 s: an ingestion of a large push can take a while). */
  timeoutMs?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 120_000;

// Per database (its DatabaseInfo object), per repository: the promise the next waiter waits for.
const queues = new WeakMap<object, Map<number, Promise<void>>>();

/** Takes this process's turn for the repository; resolves to the release function. */
async function takeLocalTurn(scope: object, repositoryId: number, deadline: number, timeoutMs: number) {
  let tails = queues.get(scope);
  if (!tails) {
    tails = new Map();
    queues.set(scope, tails);
  }
  const previous = tails.get(repositoryId) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => mine);
  tails.set(repositoryId, tail);
  const done = () => {
    release();
    if (tails.get(repositoryId) === tail) tails.delete(repositoryId);
  };

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
  });
  const outcome = await Promise.race([previous.then(() => "turn" as const), timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    // Give up our place only once the one before us is done, so the queue stays in order.
    void previous.then(done);
    throw new RepositoryLockTimeoutError(repositoryId, timeoutMs);
  }
  return done;
}

/**
 * A connection from the lock pool, waiting no later than the deadline. The pool is bounded: when
 * every lock connection is held, waiting for one is waiting for the lock.
 */
async function lockConnection(
  pool: pg.Pool,
  deadline: number,
  repositoryId: number,
  timeoutMs: number,
): Promise<pg.PoolClient> {
  const connecting = pool.connect();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
  });
  try {
    const outcome = await Promise.race([connecting, expired]);
    if (outcome !== "timeout") return outcome;
  } finally {
    clearTimeout(timer);
  }
  // Too late: hand the connection back whenever it comes.
  connecting.then((client) => client.release()).catch(() => {});
  throw new RepositoryLockTimeoutError(repositoryId, timeoutMs);
}

/**
 * Runs `fn` while holding the lock for one repository, waiting up to `timeoutMs` for it
 * (then RepositoryLockTimeoutError). The lock is released when `fn` settles.
 */
export async function withRepositoryLock<T>(
  db: Kysely<Database>,
  repositoryId: number,
  fn: () => Promise<T>,
  options: RepositoryLockOptions = {},
): Promise<T> {
  const info = databaseInfo(db);
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const releaseLocal = await takeLocalTurn(info, repositoryId, deadline, timeoutMs);
  try {
    if (!info.lockPool) return await fn();

    const client = await lockConnection(info.lockPool, deadline, repositoryId, timeoutMs);
    let healthy = false;
    try {
      // The key is namespaced by app and schema, so other users of advisory locks don't collide with us.
      const key = "hashtextextended('gitops-ingest:repository:' || current_schema() || ':' || $1::text, 0)";
      // The advisory lock wait obeys lock_timeout; this connection serves only locks.
      await client.query("select set_config('lock_timeout', $1, false)", [
        String(Math.max(1, deadline - Date.now())),
      ]);
      try {
        await client.query(`select pg_advisory_lock(${key})`, [repositoryId]);
      } catch (error) {
        if ((error as { code?: string }).code === "55P03") {
          healthy = true;
          throw new RepositoryLockTimeoutError(repositoryId, timeoutMs);
        }
        throw error;
      }
      try {
        return await fn();
      } finally {
        healthy = await client.query(`select pg_advisory_unlock(${key})`, [repositoryId]).then(
          () => true,
          () => false,
        );
      }
    } finally {
      // A connection whose unlock failed is closed: ending the session releases the lock.
      client.release(!healthy);
    }
  } finally {
    releaseLocal();
  }
}
