/**
 * Opens the database: real Postgres when a URL is given (DATABASE_URL), otherwise an embedded
 * PGlite under a data folder so `npm start` needs no server. Both speak the same SQL; the same
 * migrations and queries run on either.
 */
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { PGlite, types as pgliteTypes } from "@electric-sql/pglite";
import { CamelCasePlugin, Kysely, type KyselyConfig, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { startEmbeddedServer } from "./embedded-server.js";
import type { Database } from "./schema.js";

export type DatabaseKind = "postgres" | "pglite";

export interface OpenDatabaseOptions {
  /** postgres:// URL; empty or absent means embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data folder (default `.data/pglite` under the cwd); `memory://` keeps it in memory. */
  dataDir?: string;
  /**
   * Schema to work in (created if missing; becomes the search_path). For sharing one database
   * between deployments, and for tests that must not collide.
   */
  schema?: string;
  /** Kysely's query log hook (e.g. to count round trips). */
  log?: KyselyConfig["log"];
  /** Maximum pooled connections on Postgres (default 10). */
  maxConnections?: number;
  /**
   * Postgres: connections that hold repository locks, a pool of its own (default 10): a held lock
   * never starves the queries run under it, and many repositories never open many connections.
   */
  lockConnections?: number;
  /**
   * Embedded only: serve the database over a private Unix socket (src/db/embedded-server.ts) and
   * connect to it with `pg`, so pools such as the job queue's connect too (`connectionString`).
   */
  serve?: boolean;
  /** Postgres: longest wait for a connection, in ms (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * Postgres: longest time one query may take, in ms (default 60 s): the server cancels it
   * (statement_timeout) and the client gives up on it a little later (query_timeout), so a hung
   * database cannot hold a repository's lock forever. PGlite runs in-process and has no such bound.
   */
  queryTimeoutMs?: number;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** A postgres:// URL other pools can connect to (Postgres, or the served embedded database). */
  connectionString?: string;
  close(): Promise<void>;
}

/** What the lock needs to know about a database opened here. */
export interface DatabaseInfo {
  kind: DatabaseKind;
  /** The schema the tables live in (the configured one, or the connection's current schema). */
  schema: string;
  /**
   * Connections outside the query pool for holding session-level advisory locks (Postgres only;
   * the embedded database has one session, so its lock is the in-process one).
   */
  lockPool?: pg.Pool;
}

export const DEFAULT_DATA_DIR = ".data/pglite";
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 60_000;

const INT8_OID = 20;

/** int8 → number, refusing to round (ids and counts stay far below 2^53). */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} does not fit a JS number`);
  return value;
}

// Keyed by the dialect adapter, which a Kysely instance shares with everything derived from it
// (transactions, withPlugin), so a transaction finds its database's info too.
const registry = new WeakMap<object, DatabaseInfo>();

/** How a database from openDatabase() was opened; throws for a Kysely instance made elsewhere. */
export function databaseInfo(db: Kysely<Database>): DatabaseInfo {
  const info = registry.get(db.getExecutor().adapter);
  if (!info) throw new Error("this Kysely instance was not created by openDatabase()");
  return info;
}

function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid schema name ${JSON.stringify(schema)}: use lowercase letters, digits and _`);
  }
  return schema;
}

/** The URL without its password, for error messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}

/** snake_case in Postgres, camelCase here (see schema.ts). */
const camelCase = () => [new CamelCasePlugin({ maintainNestedObjectKeys: true })];

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  const schema = options.schema === undefined ? undefined : checkSchemaName(options.schema);

  if (options.databaseUrl) return openPostgres(options.databaseUrl, schema, options, "postgres");
  if (options.serve) {
    const server = await startEmbeddedServer({ dataDir: options.dataDir ?? DEFAULT_DATA_DIR });
    try {
      const opened = await openPostgres(server.connectionString, schema, options, "pglite");
      return {
        ...opened,
        async close() {
          await opened.close();
          await server.stop();
        },
      };
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const inMemory = dataDir.startsWith("memory://");
  const location = inMemory ? dataDir : resolve(dataDir);
  if (!inMemory) await mkdir(location, { recursive: true });
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(location, { parsers: { [pgliteTypes.INT8]: parseInt8 } });
  } catch (error) {
    throw new Error(`cannot open the embedded database in ${location}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // PGlite has a single session, so a plain SET holds for every later query.
  if (schema) await pglite.exec(`create schema if not exists ${schema}; set search_path to ${schema}`);
  const db = new Kysely<Database>({
    dialect: new PGliteDialect(pglite),
    plugins: camelCase(),
    log: options.log,
  });
  registry.set(db.getExecutor().adapter, { kind: "pglite", schema: schema ?? "public" });
  return { db, kind: "pglite", close: () => db.destroy() };
}

/**
 * Postgres, or the embedded database served over its socket (kind "pglite"): one session shared by
 * every connection there, so the schema is set once and repository locks stay in-process.
 */
async function openPostgres(
  url: string,
  schema: string | undefined,
  options: OpenDatabaseOptions,
  kind: DatabaseKind,
): Promise<OpenedDatabase> {
  const singleSession = kind === "pglite";
  const clientConfig: pg.ClientConfig = {
    connectionString: url,
    application_name: "gitops-ingest",
    ...(schema && !singleSession ? { options: `-c search_path=${schema}` } : {}),
    // pg returns int8 as a string by default; see parseInt8.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID
          ? parseInt8
          : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
    },
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  };
  const queryTimeout = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const pool = quietPool({
    ...clientConfig,
    statement_timeout: queryTimeout,
    // The client-side bound also covers a server that no longer answers at all.
    query_timeout: queryTimeout + 5_000,
    max: options.maxConnections ?? 10,
  });
  let currentSchema = "public";
  try {
    if (schema) {
      await pool.query(`create schema if not exists ${schema}`).catch(async (error: unknown) => {
        // Two instances creating the schema at once: the loser sees a duplicate error.
        const exists = await pool.query("select 1 from pg_namespace where nspname = $1", [schema]);
        if (exists.rowCount === 0) throw error;
      });
      // One session: a plain SET holds for every connection, the queue's included.
      if (singleSession) await pool.query(`set search_path to ${schema}`);
    }
    currentSchema =
      schema ?? (await pool.query<{ s: string }>("select current_schema() as s")).rows[0]?.s ?? "public";
  } catch (error) {
    await pool.end().catch(() => {});
    const where = singleSession ? "the embedded database" : `Postgres at ${redact(url)}`;
    throw new Error(`cannot connect to ${where}: ${(error as Error).message}`, { cause: error });
  }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: camelCase(),
    log: options.log,
  });
  // The lock's sessions wait on lock_timeout only (no statement bound): see lock.ts.
  const lockPool = singleSession
    ? undefined
    : quietPool({ ...clientConfig, max: options.lockConnections ?? 10 });
  registry.set(db.getExecutor().adapter, {
    kind,
    schema: currentSchema,
    ...(lockPool ? { lockPool } : {}),
  });
  return {
    db,
    kind,
    connectionString: url,
    async close() {
      await db.destroy();
      await lockPool?.end();
    },
  };
}

function quietPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  // An idle connection that dies is dropped by the pool; without a listener it would crash the process.
  pool.on("error", () => {});
  // A connection that dies while checked out (by Kysely, which adds no listener) emits "error" on the
  // client; the failing query already rejects, so the event only needs a listener to not crash us.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  return pool;
}
