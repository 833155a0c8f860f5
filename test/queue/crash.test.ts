import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { IngestJob } from "../../src/queue/jobs.js";
import { jobsLeft, queueBackends, waitFor } from "./support.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/queue-process.ts", import.meta.url));

interface QueueProcess {
  child: ChildProcess;
  events: { event: string; headSha?: string; attempt?: number }[];
  exited: Promise<void>;
}

function spawnQueue(env: Record<string, string>): QueueProcess {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const events: QueueProcess["events"] = [];
  createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on("line", (line) => {
    events.push(JSON.parse(line));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, events, exited };
}

const job: IngestJob = {
  installationId: 7,
  repositoryId: 61,
  fullName: "acme/crashy",
  branch: "main",
  headSha: "c".repeat(40),
  trigger: "push",
  deliveryId: "delivery-crash",
};

describe.each(queueBackends)("a queue instance killed mid-job, on $name", (backend) => {
  const children: QueueProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const { child, exited } of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    }
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("runs the job again to completion after a restart", { timeout: 300_000 }, async () => {
    let spec: string;
    let left: () => Promise<number>;
    if (backend.name === "embedded") {
      // The process hosts the embedded database itself, as the app does: the restart reopens the folder.
      const dataDir = await mkdtemp(join(tmpdir(), "queue-crash-"));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      spec = `embedded:${dataDir}`;
      left = async () => -1;
    } else {
      const database = await backend.open();
      cleanups.push(() => database.close());
      spec = `postgres:${database.connectionString}#${database.schema}#${database.workerSchema}`;
      left = () => jobsLeft(database);
    }

    const first = spawnQueue({ QUEUE_DATABASE: spec, ENQUEUE: JSON.stringify(job), HANG: "1" });
    children.push(first);
    await waitFor("the job to start", () => first.events.some((e) => e.event === "started"), 120_000);
    first.child.kill("SIGKILL");
    await first.exited;

    const second = spawnQueue({ QUEUE_DATABASE: spec });
    children.push(second);
    await waitFor("the job to finish", () => second.events.some((e) => e.event === "finished"), 120_000);
    expect(first.events.filter((e) => e.event === "started")).toEqual([
      { event: "started", headSha: job.headSha, attempt: 1 },
    ]);
    // graphile-worker counts the attempt the crash cut short.
    expect(second.events.filter((e) => e.event !== "ready")).toEqual([
      { event: "started", headSha: job.headSha, attempt: 2 },
      { event: "finished", headSha: job.headSha },
    ]);
    if (backend.name === "postgres") await waitFor("the job to be deleted", async () => (await left()) === 0);
  });
});
