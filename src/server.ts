/**
 * `npm start`: the Probot server with the standard environment (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET,
 * PORT, HOST, LOG_LEVEL, GHE_HOST, GHE_PROTOCOL) plus DATABASE_URL / DATABASE_SCHEMA / DATA_DIR.
 * Without APP_ID and PRIVATE_KEY, Probot serves its setup page to register the app from app.yml.
 */
import { pathToFileURL } from "node:url";
import { type ApplicationFunctionOptions, type Probot, run, type Server } from "probot";
import { gitopsIngest, settlePendingImports } from "./app.js";
import { databaseFromEnv } from "./data-dir.js";
import { type OpenedDatabase, openDatabase } from "./db/connect.js";
import { migrateToLatest } from "./db/migrate.js";
import { createRecorder } from "./db/recorder.js";
import { appOctokit, type OctokitTuning } from "./github/octokit.js";
import type { Octokit } from "./github/types.js";
import { healthHandler } from "./health.js";
import { startAppQueue } from "./queue/app-queue.js";
import type { Queue } from "./queue/queue.js";
import { queueSettings } from "./queue/settings.js";
import { rootWebhookHandler } from "./root-webhooks.js";

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  octokit?: OctokitTuning;
  /** Show the check run in progress only after this many ms (default 3 s). */
  checkStartAfterMs?: number;
}

export interface Started {
  server: Server;
  port: number;
  /** The app's database; throws in setup mode, which opens none. */
  readonly database: OpenedDatabase;
  /** No APP_ID/PRIVATE_KEY: Probot serves its setup page, and no database is created. */
  setupMode: boolean;
  /** The app's logger (undefined in setup mode). */
  readonly log: Probot["log"] | undefined;
  /** The job queue (throws in setup mode). */
  readonly queue: Queue;
  /** Drains the queue (running jobs finish, up to SHUTDOWN_TIMEOUT), then stops the server and the database. */
  stop(): Promise<void>;
}

export async function start(options: StartOptions = {}): Promise<Started> {
  const env = options.env ?? process.env;
  // .env as Probot reads it, before the database settings below are read (existing variables win).
  if (!options.env) loadDotEnv();
  let database: OpenedDatabase | undefined;
  let queue: Queue | undefined;
  let log: Probot["log"] | undefined;
  // Probot calls this only with credentials, so setup mode never creates or migrates a database.
  const appFn = async (app: Probot, { addHandler }: ApplicationFunctionOptions) => {
    log = app.log;
    const settings = queueSettings(env);
    const where = databaseFromEnv(env);
    const { dataDir } = where;
    // The embedded database is served over a private socket so the queue's pool connects to it too.
    database = await openDatabase({ ...where, serve: true });
    if (env.NODE_ENV === "production" && !env.DATABASE_URL) {
      app.log.warn(
        { dataDir },
        `NODE_ENV=production without DATABASE_URL: the embedded database is in ${dataDir}, on this machine only; in a container it is lost with the container unless that folder is a volume, and several instances cannot share it. Set DATABASE_URL to a Postgres database.`,
      );
    }
    const migrated = await migrateToLatest(database.db);
    const recorder = createRecorder(database.db);
    app.log.info({ database: database.kind, migrationsApplied: migrated.applied }, "database ready");
    const started = await startAppQueue({
      database,
      settings,
      recorder,
      octokitFor: async (installationId) => (await app.auth(installationId)) as Octokit,
      log: app.log,
      sweeps: true,
      ...(options.checkStartAfterMs !== undefined ? { checkStartAfterMs: options.checkStartAfterMs } : {}),
    });
    queue = started.queue;
    app.log.info(
      { concurrency: settings.concurrency, reconcileIntervalSeconds: settings.reconcileIntervalSeconds },
      "job queue started",
    );
    addHandler(healthHandler(database.db));
    addHandler(await rootWebhookHandler(app));
    await gitopsIngest({
      recorder,
      jobs: started.queue,
      reconcileEnabled: settings.reconcileIntervalSeconds > 0,
      ...(options.checkStartAfterMs !== undefined ? { checkStartAfterMs: options.checkStartAfterMs } : {}),
    })(app);
    // Settle imports a previous crash left pending, without holding up the start.
    setImmediate(() => {
      settlePendingImports(app, recorder).catch((error: unknown) =>
        app.log.warn(
          { err: error },
          "could not settle pending imports at start; the next run of each repository will",
        ),
      );
    });
  };
  const server = await run(appFn, { env, Octokit: appOctokit(options.octokit) } as never);
  return {
    server,
    port: server.port,
    get database() {
      if (!database) throw new Error("setup mode: no database was opened");
      return database;
    },
    setupMode: database === undefined,
    get log() {
      return log;
    },
    get queue() {
      if (!queue) throw new Error("setup mode: no job queue");
      return queue;
    },
    async stop() {
      // Webhooks are still recorded while running jobs finish; then the server closes.
      await queue?.stop();
      await server.stop();
      await database?.close();
    },
  };
}

function loadDotEnv(): void {
  try {
    process.loadEnvFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  start().then(
    (started) => {
      // Probot's own SIGINT handler would exit before the queue drains: ours replaces it.
      process.removeAllListeners("SIGINT");
      for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.once(signal, () => {
          started.log?.info({ signal }, "stopping: running jobs finish, no new ones start");
          started.stop().then(
            () => process.exit(0),
            (error: unknown) => {
              console.error(error);
              process.exit(1);
            },
          );
        });
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
