/**
 * `npm start`: the Probot server with the standard environment (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET,
 * PORT, HOST, LOG_LEVEL, GHE_HOST, GHE_PROTOCOL) plus DATABASE_URL / DATABASE_SCHEMA / DATA_DIR.
 * Without APP_ID and PRIVATE_KEY, Probot serves its setup page to register the app from app.yml.
 */
import { pathToFileURL } from "node:url";
import { type Probot, run, type Server } from "probot";
import { gitopsIngest, settlePendingImports } from "./app.js";
import { type OpenedDatabase, openDatabase } from "./db/connect.js";
import { migrateToLatest } from "./db/migrate.js";
import { createRecorder } from "./db/recorder.js";
import { appOctokit, type OctokitTuning } from "./github/octokit.js";

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  octokit?: OctokitTuning;
  /** Show the check run in progress only after this many ms (default 3 s). */
  checkStartAfterMs?: number;
}

export interface Started {
  server: Server;
  port: number;
  database: OpenedDatabase;
  stop(): Promise<void>;
}

export async function start(options: StartOptions = {}): Promise<Started> {
  const env = options.env ?? process.env;
  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    ...(env.DATABASE_SCHEMA ? { schema: env.DATABASE_SCHEMA } : {}),
  });
  const migrated = await migrateToLatest(database.db);
  const recorder = createRecorder(database.db);
  const appFn = async (app: Probot) => {
    app.log.info({ database: database.kind, migrationsApplied: migrated.applied }, "database ready");
    await gitopsIngest({
      recorder,
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
    database,
    async stop() {
      await server.stop();
      await database.close();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  start().then(
    (started) => {
      process.once("SIGTERM", () => {
        started.stop().finally(() => process.exit(0));
      });
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
