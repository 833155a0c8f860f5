import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { startEmbeddedServer } from "../../src/db/embedded-server.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it("serves many pg connections at once from a private socket, and keeps the data across a restart", {
  timeout: 180_000,
}, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "embedded-server-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

  const first = await startEmbeddedServer({ dataDir });
  const socketDir = new URL(first.connectionString).searchParams.get("host") ?? "";
  expect((await stat(socketDir)).mode & 0o777).toBe(0o700);

  const pool = new pg.Pool({ connectionString: first.connectionString, max: 8 });
  // Parameterized queries from eight connections at once: each gets its own answer.
  const answers = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      pool.query("select $1::int * 2 as twice, $2::text as name", [i, `n${i}`]),
    ),
  );
  expect(answers.map((a) => a.rows[0])).toEqual(
    Array.from({ length: 40 }, (_, i) => ({ twice: i * 2, name: `n${i}` })),
  );
  await pool.query("create table kept (v text)");
  await pool.query("insert into kept values ('still here')");
  await pool.end();
  await first.stop();
  await expect(stat(socketDir)).rejects.toThrow();

  const second = await startEmbeddedServer({ dataDir });
  cleanups.push(() => second.stop());
  const client = new pg.Client(second.connectionString);
  await client.connect();
  expect((await client.query("select v from kept")).rows).toEqual([{ v: "still here" }]);
  await client.end();
});
