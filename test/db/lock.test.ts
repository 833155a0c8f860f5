import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OpenedDatabase } from "../../src/db/connect.js";
import { RepositoryLockTimeoutError, withRepositoryLock } from "../../src/db/lock.js";
import { backends, freshId, type TestDatabase } from "./support.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when released; lets a test hold a lock as long as it likes. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe.each(backends)("repository lock on $name", (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.open();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("runs one holder at a time for a repository, in arrival order, and returns fn's value", async () => {
    const repo = freshId();
    const events: string[] = [];
    const job = (name: string, ms: number) =>
      withRepositoryLock(t.db, repo, async () => {
        events.push(`${name} start`);
        await sleep(ms);
        // The database stays usable while the lock is held (no deadlock on PGlite's single connection).
        await t.db.selectFrom("imports").select("id").limit(1).execute();
        events.push(`${name} end`);
        return name;
      });
    const results = await Promise.all([job("a", 60), job("b", 10), job("c", 0)]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(events).toEqual(["a start", "a end", "b start", "b end", "c start", "c end"]);
  });

  it("does not make different repositories wait for each other", async () => {
    const g = gate();
    const held = withRepositoryLock(t.db, freshId(), () => g.opened);
    const other = await withRepositoryLock(t.db, freshId(), async () => "ran", { timeoutMs: 2000 });
    expect(other).toBe("ran");
    g.open();
    await held;
  });

  it("gives up after the timeout while another holder keeps it, and is free again after", async () => {
    const repo = freshId();
    const g = gate();
    const held = withRepositoryLock(t.db, repo, () => g.opened);
    const started = Date.now();
    await expect(
      withRepositoryLock(t.db, repo, async () => "never", { timeoutMs: 150 }),
    ).rejects.toBeInstanceOf(RepositoryLockTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    g.open();
    await held;
    expect(await withRepositoryLock(t.db, repo, async () => "free", { timeoutMs: 1000 })).toBe("free");
  });

  it("releases the lock when fn throws", async () => {
    const repo = freshId();
    await expect(
      withRepositoryLock(t.db, repo, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await withRepositoryLock(t.db, repo, async () => 1, { timeoutMs: 500 })).toBe(1);
  });

  it.runIf(backend.name === "postgres")("excludes a holder in another instance (a second pool)", async () => {
    const peer: OpenedDatabase = await t.openPeer();
    try {
      const repo = freshId();
      const g = gate();
      let peerRan = false;
      const held = withRepositoryLock(t.db, repo, () => g.opened);
      await sleep(100); // let the first instance take the advisory lock
      await expect(
        withRepositoryLock(
          peer.db,
          repo,
          async () => {
            peerRan = true;
          },
          { timeoutMs: 300 },
        ),
      ).rejects.toBeInstanceOf(RepositoryLockTimeoutError);
      expect(peerRan).toBe(false);

      // The peer waits, then runs as soon as the first instance lets go.
      const waiting = withRepositoryLock(peer.db, repo, async () => Date.now(), { timeoutMs: 5000 });
      await sleep(100);
      const releasedAt = Date.now();
      g.open();
      await held;
      expect(await waiting).toBeGreaterThanOrEqual(releasedAt);
      // Another repository is never blocked by it.
      expect(await withRepositoryLock(peer.db, freshId(), async () => "ok", { timeoutMs: 500 })).toBe("ok");
    } finally {
      await peer.close();
    }
  });

  it.runIf(backend.name === "postgres")(
    "holds the locks of many repositories on a bounded pool of connections, and the others wait for one",
    async () => {
      const { randomBytes } = await import("node:crypto");
      const { openDatabase } = await import("../../src/db/connect.js");
      const { sql } = await import("kysely");
      const tag = `gitops-lock-${randomBytes(4).toString("hex")}`;
      const url = new URL(process.env.DATABASE_URL ?? "");
      url.searchParams.set("application_name", tag);
      const bounded = await openDatabase({ databaseUrl: url.toString(), lockConnections: 2 });
      try {
        const g = gate();
        const held = [freshId(), freshId()].map((repo) =>
          withRepositoryLock(bounded.db, repo, () => g.opened),
        );
        await sleep(200);
        // A third repository finds both lock connections busy: it waits, and gives up at its timeout.
        await expect(
          withRepositoryLock(bounded.db, freshId(), async () => "ran", { timeoutMs: 300 }),
        ).rejects.toBeInstanceOf(RepositoryLockTimeoutError);
        const waiting = withRepositoryLock(bounded.db, freshId(), async () => "ran", { timeoutMs: 5_000 });
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity where application_name = ${tag}`.execute(t.db);
        // The two lock connections, plus the query pool's (one, for this very count's peer queries at most).
        expect(rows[0]?.n).toBeLessThanOrEqual(3);
        g.open();
        await Promise.all(held);
        expect(await waiting).toBe("ran");
      } finally {
        await bounded.close();
      }
    },
  );
});
