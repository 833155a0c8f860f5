/**
 * The databases the queue tests run on: the embedded server (PGlite over the wire protocol, as
 * the app runs without DATABASE_URL) always, and real Postgres too when DATABASE_URL is set (each
 * opened database gets fresh schemas, dropped on close). Also a small recording logger and waits.
 */
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { type OpenedDatabase, openDatabase } from "../../src/db/connect.js";
import { startEmbeddedServer } from "../../src/db/embedded-server.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import type { QueueLogger } from "../../src/queue/queue.js";

export interface QueueDatabase extends OpenedDatabase {
  connectionString: string;
  /** The app schema (undefined on the embedded server: the default search path). */
  schema?: string;
  workerSchema: string;
  /** Another app-database handle on the same database, as a second instance would open it. */
  openPeer(): Promise<OpenedDatabase>;
}

export interface QueueBackend {
  name: "embedded" | "postgres";
  open(): Promise<QueueDatabase>;
}

const embedded: QueueBackend = {
  name: "embedded",
  async open() {
    const server = await startEmbeddedServer({ dataDir: "memory://" });
    const open = () => openDatabase({ databaseUrl: server.connectionString });
    const opened = await open();
    await migrateToLatest(opened.db);
    return {
      ...opened,
      connectionString: server.connectionString,
      workerSchema: "graphile_worker",
      openPeer: open,
      async close() {
        await opened.close();
        await server.stop();
      },
    };
  },
};

const postgres = (url: string): QueueBackend => ({
  name: "postgres",
  async open() {
    const schema = `q_${randomBytes(6).toString("hex")}`;
    const workerSchema = `${schema}_jobs`;
    const open = () => openDatabase({ databaseUrl: url, schema });
    const opened = await open();
    await migrateToLatest(opened.db);
    return {
      ...opened,
      connectionString: url,
      schema,
      workerSchema,
      openPeer: open,
      async close() {
        await sql`drop schema if exists ${sql.id(workerSchema)} cascade`.execute(opened.db);
        await sql`drop schema ${sql.id(schema)} cascade`.execute(opened.db);
        await opened.close();
      },
    };
  },
});

const databaseUrl = process.env.DATABASE_URL || undefined;
export const queueBackends: QueueBackend[] = databaseUrl ? [embedded, postgres(databaseUrl)] : [embedded];

export interface RecordingLogger extends QueueLogger {
  lines: { level: string; msg: string; fields: object }[];
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger["lines"] = [];
  const at = (level: string) => (fields: object, msg: string) => {
    lines.push({ level, msg, fields });
  };
  return { lines, error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}

/** Resolves when check() is true, polling; rejects with `what` after timeoutMs. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A promise with its resolve function, to hold a job running until the test lets it go. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Jobs left in graphile-worker's table (waiting, running or failed). */
export async function jobsLeft(database: QueueDatabase): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from ${sql.id(database.workerSchema, "jobs")}`.execute(database.db);
  return rows[0]?.n ?? 0;
}
