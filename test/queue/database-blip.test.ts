/**
 * The database connection drops under a running queue (Postgres behind a proxy that can cut every
 * connection): once the database answers again, the workers take jobs again, without a restart.
 */
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import type { IngestJob } from "../../src/queue/jobs.js";
import { startQueue } from "../../src/queue/queue.js";
import { startTcpProxy } from "../support/tcp-proxy.js";
import { recordingLogger, waitFor } from "./support.js";

const DATABASE_URL = process.env.DATABASE_URL;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.runIf(DATABASE_URL)("the queue when Postgres goes away and comes back", () => {
  it("runs a job queued after the outage", { timeout: 120_000 }, async () => {
    const target = new URL(DATABASE_URL ?? "");
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.close());
    const url = new URL(DATABASE_URL ?? "");
    url.host = `127.0.0.1:${proxy.port}`;
    const schema = `blip_${Date.now().toString(36)}`;
    const database = await openDatabase({ databaseUrl: url.toString(), schema });
    cleanups.push(async () => {
      await sql`drop schema if exists ${sql.id(`${schema}_jobs`)} cascade`.execute(database.db);
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db);
      await database.close();
    });
    await migrateToLatest(database.db);
    const ran: IngestJob[] = [];
    const log = recordingLogger();
    const queue = await startQueue({
      connectionString: url.toString(),
      workerSchema: `${schema}_jobs`,
      db: database.db,
      log,
      pollIntervalMs: 200,
      heartbeatMs: 300,
      handlers: {
        ingest: async (job) => void ran.push(job),
        backfill: async () => {},
      },
    });
    cleanups.push(() => queue.stop({ timeoutMs: 5_000 }));

    proxy.down();
    await new Promise((r) => setTimeout(r, 1_500));
    proxy.up();
    const job: IngestJob = {
      installationId: 1,
      repositoryId: 2,
      fullName: "acme/fabric",
      branch: "main",
      trigger: "push",
    };
    await queue.enqueueIngest(job);
    await waitFor("the job to run", () => ran.length === 1);
    expect(ran).toEqual([job]);
  });
});
