/** Which failed imports the reconcile sweep tries again, and when: the backoff, the cap, the filters. */
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { beginImport, failedImportsDue, markCommitted, markFailed } from "../../src/db/imports.js";
import { markInstallationSuspended, upsertRepository } from "../../src/db/installations.js";
import { backends, freshId, sha, type TestDatabase } from "./support.js";

const RETRY = { maxAttempts: 3, baseSeconds: 60 };

describe.each(backends)("failed imports due for another try on $name", (backend) => {
  let t: TestDatabase;
  afterEach(async () => {
    await t?.close();
  });

  /** A repository with one import on `branch` that failed `attempts` times, the last one `agoSeconds` ago. */
  async function failed(options: {
    attempts: number;
    agoSeconds: number;
    branch?: string;
    installationId?: number;
  }) {
    const repositoryId = freshId();
    const installationId = options.installationId ?? freshId();
    await upsertRepository(t.db, {
      githubId: repositoryId,
      installationId,
      fullName: `acme/r${repositoryId}`,
      defaultBranch: "main",
    });
    const branch = options.branch ?? "main";
    const key = { repositoryId, branch, sourceCommit: sha(`${repositoryId}`), trigger: "push" };
    for (let i = 0; i < options.attempts; i++) {
      const { import: row } = await beginImport(t.db, key);
      await markFailed(t.db, row.id, "GitHub answered 502");
    }
    await sql`update imports set ended_at = now() - make_interval(secs => ${options.agoSeconds})
              where repository_id = ${repositoryId}`.execute(t.db);
    return { repositoryId, installationId, branch };
  }

  it("waits 60 s after the first failure, 120 s after the second, and gives up after the third", async () => {
    t = await backend.open();
    const early = await failed({ attempts: 1, agoSeconds: 30 });
    const due = await failed({ attempts: 1, agoSeconds: 90 });
    const secondEarly = await failed({ attempts: 2, agoSeconds: 90 });
    const secondDue = await failed({ attempts: 2, agoSeconds: 150 });
    const exhausted = await failed({ attempts: 3, agoSeconds: 10_000 });
    const found = (await failedImportsDue(t.db, RETRY)).map((f) => f.repositoryId);
    expect(found).toContain(due.repositoryId);
    expect(found).toContain(secondDue.repositoryId);
    for (const not of [early, secondEarly, exhausted]) expect(found).not.toContain(not.repositoryId);
  });

  it("skips a branch whose latest import landed, and a suspended installation", async () => {
    t = await backend.open();
    const landed = await failed({ attempts: 1, agoSeconds: 600 });
    const { import: next } = await beginImport(t.db, {
      repositoryId: landed.repositoryId,
      branch: "main",
      sourceCommit: sha("newer"),
      trigger: "push",
    });
    await markCommitted(t.db, next.id, sha("ingestion"));
    const suspended = await failed({ attempts: 1, agoSeconds: 600 });
    await markInstallationSuspended(t.db, suspended.installationId);
    const due = await failed({ attempts: 1, agoSeconds: 600, branch: "lab" });
    const found = await failedImportsDue(t.db, RETRY);
    const ids = found.map((f) => f.repositoryId);
    expect(ids).not.toContain(landed.repositoryId);
    expect(ids).not.toContain(suspended.repositoryId);
    expect(found.find((f) => f.repositoryId === due.repositoryId)).toEqual({
      repositoryId: due.repositoryId,
      installationId: due.installationId,
      fullName: `acme/r${due.repositoryId}`,
      branch: "lab",
      attempts: 1,
    });
  });
});
