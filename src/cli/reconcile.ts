/**
 * `gitops-ingest reconcile [--repo OWNER/NAME]`: one reconcile sweep from the command line, with the
 * app's credentials and database, then the jobs it queued, run here (another instance on the same
 * Postgres may take some) until none is running or due. The same code as the app's sweep job.
 */
import { readFile } from "node:fs/promises";
import { Probot } from "probot";
import { databaseFromEnv } from "../data-dir.js";
import { openDatabase } from "../db/connect.js";
import { migrateToLatest } from "../db/migrate.js";
import { createRecorder } from "../db/recorder.js";
import { appOctokit } from "../github/octokit.js";
import type { Octokit } from "../github/types.js";
import { startAppQueue } from "../queue/app-queue.js";
import { reconcileOnce } from "../queue/handlers.js";
import type { Queue } from "../queue/queue.js";
import { queueSettings } from "../queue/settings.js";
import { type ParsedCommand, positiveInteger, repository } from "./args.js";
import { print } from "./database.js";
import { stderrLogger } from "./stderr-logger.js";
import { UsageError } from "./usage-error.js";

async function privateKey(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.PRIVATE_KEY) return env.PRIVATE_KEY.replace(/\\n/g, "\n");
  if (env.PRIVATE_KEY_PATH) return readFile(env.PRIVATE_KEY_PATH, "utf8");
  throw new UsageError(
    "reconcile needs the app's credentials: set APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH)",
  );
}

export async function reconcileCommand(parsed: ParsedCommand): Promise<number> {
  const { values } = parsed;
  const format = parsed.format === "json" ? "json" : "text";
  const repo = repository(values.repo as string | undefined);
  const timeoutMs = (positiveInteger("timeout", values.timeout as string | undefined) ?? 600) * 1000;
  if (parsed.positionals.length > 0)
    throw new UsageError(`reconcile takes no arguments, got "${parsed.positionals.join(" ")}"`);
  const env = process.env;
  if (!env.APP_ID) throw new UsageError("reconcile needs the app's credentials: set APP_ID and PRIVATE_KEY");
  const key = await privateKey(env);
  const settings = queueSettings(env);
  const log = stderrLogger(env.LOG_LEVEL ?? "warn");
  const probot = new Probot({
    appId: env.APP_ID,
    privateKey: key,
    Octokit: appOctokit(),
    log: log as never,
    ...(env.GHE_HOST ? { baseUrl: `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}/api/v3` } : {}),
  });

  const database = await openDatabase({ ...databaseFromEnv(env), serve: true });
  let queue: Queue | undefined;
  try {
    await migrateToLatest(database.db);
    const started = await startAppQueue({
      database,
      settings,
      recorder: createRecorder(database.db),
      octokitFor: async (id) => (await probot.auth(id)) as Octokit,
      log: log as never,
      sweeps: false,
    });
    queue = started.queue;
    const { deps } = started;
    const summary = await reconcileOnce(deps, repo ? { fullName: repo } : {});
    const deadline = Date.now() + timeoutMs;
    let busy = await queue.busyJobs();
    while (busy > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      busy = await queue.busyJobs();
    }
    const result = { ...summary, jobsStillRunning: busy };
    print(format, result, () =>
      [
        `swept ${summary.repositories} repositories: ${summary.queued} branches queued, ${summary.unchanged} unchanged, ${summary.idle} idle, ${summary.missing} missing, ${summary.failed} failed`,
        `settled ${summary.settled} pending imports, retried ${summary.retried} failed ones, queued ${summary.backfills} backfills`,
        busy > 0
          ? `${busy} jobs still running or due after ${timeoutMs / 1000} s`
          : "every queued job is done",
      ].join("\n"),
    );
    return summary.failed > 0 || busy > 0 ? 1 : 0;
  } finally {
    await queue?.stop();
    await database.close();
  }
}
