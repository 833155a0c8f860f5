import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findRepository,
  markInstallationRemoved,
  markInstallationSuspended,
  markInstallationUnsuspended,
  markRepositoryRemoved,
  upsertInstallation,
  upsertRepository,
} from "../../src/db/installations.js";
import { backends, freshId, type TestDatabase } from "./support.js";

describe.each(backends)("installations and repositories on $name", (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.open();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("records an installation once, with suspension and removal", async () => {
    const id = freshId();
    const first = await upsertInstallation(t.db, { id, account: "acme" });
    expect(first).toMatchObject({ id, account: "acme", suspendedAt: null, removedAt: null });
    expect(first.createdAt).toBeInstanceOf(Date);

    const at = new Date("2025-01-02T03:04:05Z");
    expect((await markInstallationSuspended(t.db, id, at))?.suspendedAt).toEqual(at);
    // An upsert without suspendedAt keeps the suspension; the account is refreshed.
    const renamed = await upsertInstallation(t.db, { id, account: "acme-corp" });
    expect(renamed).toMatchObject({ account: "acme-corp", suspendedAt: at });
    expect((await markInstallationUnsuspended(t.db, id))?.suspendedAt).toBeNull();
    expect(await markInstallationSuspended(t.db, freshId())).toBeUndefined();
  });

  it("records a repository by GitHub id, finds it by name case-insensitively, and removes it", async () => {
    const installationId = freshId();
    const id = freshId();
    await upsertInstallation(t.db, { id: installationId, account: "acme" });
    const repo = await upsertRepository(t.db, {
      githubId: id,
      installationId,
      fullName: "acme/Fabric-GitOps",
      defaultBranch: "main",
    });
    expect(repo).toMatchObject({ id, installationId, fullName: "acme/Fabric-GitOps", removedAt: null });
    expect((await findRepository(t.db, "ACME/fabric-gitops"))?.id).toBe(id);
    expect((await findRepository(t.db, id))?.fullName).toBe("acme/Fabric-GitOps");

    expect((await markRepositoryRemoved(t.db, id))?.removedAt).toBeInstanceOf(Date);
    // Seen again (re-added to the installation): the removal is cleared, the name refreshed.
    const back = await upsertRepository(t.db, {
      githubId: id,
      installationId,
      fullName: "acme/fabric",
      defaultBranch: "master",
    });
    expect(back).toMatchObject({ fullName: "acme/fabric", defaultBranch: "master", removedAt: null });
  });

  it("records an unseen installation when a repository arrives first", async () => {
    const installationId = freshId();
    await upsertRepository(t.db, {
      githubId: freshId(),
      installationId,
      fullName: "octo/net",
      defaultBranch: "main",
    });
    const row = await t.db
      .selectFrom("installations")
      .selectAll()
      .where("id", "=", installationId)
      .executeTakeFirst();
    expect(row?.account).toBe("octo");
  });

  it("marks an installation's repositories removed with it", async () => {
    const installationId = freshId();
    const a = freshId();
    const b = freshId();
    await upsertInstallation(t.db, { id: installationId, account: "acme" });
    await upsertRepository(t.db, { githubId: a, installationId, fullName: "acme/a", defaultBranch: "main" });
    await upsertRepository(t.db, { githubId: b, installationId, fullName: "acme/b", defaultBranch: "main" });
    const removed = await markInstallationRemoved(t.db, installationId);
    expect(removed?.removedAt).toBeInstanceOf(Date);
    const repos = await t.db
      .selectFrom("repositories")
      .select("removedAt")
      .where("id", "in", [a, b])
      .execute();
    expect(repos.map((r) => r.removedAt)).toEqual([removed?.removedAt, removed?.removedAt]);
  });

  it("refuses a raw repository row whose installation is unknown (foreign key)", async () => {
    await expect(
      t.db
        .insertInto("repositories")
        .values({ id: freshId(), installationId: freshId(), fullName: "x/y", defaultBranch: "main" })
        .execute(),
    ).rejects.toThrow(/foreign key/);
  });
});
