/**
 * The embedded database served over the Postgres wire protocol, so that everything speaking `pg`
 * (the job queue, which needs a connection pool, and the app's Kysely) runs one code path on the
 * embedded default and on a real Postgres.
 *
 * What the socket server does and does not give (checked against @electric-sql/pglite-socket 0.1.6):
 * - PGlite has ONE session. The server accepts several connections and runs their messages one at
 *   a time; while a transaction is open, only its connection's messages run. So transactions are
 *   serialized, not concurrent, and nothing can deadlock on row locks.
 * - Session state is shared by every connection: `SET`, advisory locks (always granted: one
 *   session), LISTEN, named prepared statements (two clients preparing the same name collide; the
 *   queue turns them off). Use the in-process repository lock here, never advisory locks.
 * - A connection beyond `maxConnections` is refused, not queued: keep the pools' sum below it.
 * - It listens on a Unix socket in a private (0700) folder, so no other local user can connect.
 *
 * One process owns a data folder: the embedded default runs a single instance.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedServerOptions {
  /** PGlite data folder; `memory://` keeps it in memory (tests). */
  dataDir: string;
  /** Connections accepted at once (default 64). */
  maxConnections?: number;
}

export interface EmbeddedServer {
  /** A postgres:// URL for `pg` (Unix socket; no password, the folder's permissions guard it). */
  connectionString: string;
  stop(): Promise<void>;
}

// pg connects to `<host>/.s.PGSQL.<port>` when host is a folder.
const SOCKET_PORT = 5432;

export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const inMemory = options.dataDir.startsWith("memory://");
  const location = inMemory ? options.dataDir : resolve(options.dataDir);
  if (!inMemory) await mkdir(location, { recursive: true });
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(location);
  } catch (error) {
    throw new Error(`cannot open the embedded database in ${location}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // A short path under the temp folder: Unix socket paths are limited to about 100 bytes, too
  // little for a data folder deep in a checkout.
  const socketDir = await mkdtemp(join(tmpdir(), "gitops-ingest-db-"));
  const server = new PGLiteSocketServer({
    db: pglite,
    path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`),
    maxConnections: options.maxConnections ?? 64,
  });
  try {
    await server.start();
  } catch (error) {
    await pglite.close().catch(() => {});
    await rm(socketDir, { recursive: true, force: true });
    throw error;
  }
  const connectionString = `postgres://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socketDir)}`;
  let stopped: Promise<void> | undefined;
  return {
    connectionString,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        await pglite.close();
        await rm(socketDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
