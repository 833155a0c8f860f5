import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  beginImport,
  getImport,
  ImportStateError,
  listImports,
  listPendingImports,
  markCommitted,
  markFailed,
  markNothingToDo,
  markRejected,
  markSuperseded,
  recordPlanned,
} from "../../src/db/imports.js";
import { upsertRepository } from "../../src/db/installations.js";
import { listResources } from "../../src/db/resources.js";
import {
  backends,
  type DocSpec,
  freshId,
  ingestedFile,
  rejectedFile,
  report,
  sha,
  type TestDatabase,
} from "./support.js";

const ROOT = "gitops/hedgehog/fabric-1";

describe.each(backends)("imports on $name", (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.open();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A fresh repository; returns its id and name. */
  async function repository() {
    const id = freshId();
    const fullName = `acme/fabric-${id}`;
    await upsertRepository(t.db, {
      githubId: id,
      installationId: freshId(),
      fullName,
      defaultBranch: "main",
    });
    return { id, fullName };
  }

  async function begin(repositoryId: number, source: string, deliveryId = `d-${source.slice(0, 8)}`) {
    return beginImport(t.db, {
      repositoryId,
      branch: "main",
      sourceCommit: source,
      deliveryId,
      trigger: "push",
    });
  }

  async function count(table: "imports" | "importFiles" | "importResources", importId?: number) {
    let q = t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n"));
    if (importId !== undefined) {
      q = q.where(table === "imports" ? "id" : "importId", "=", importId);
    }
    return (await q.executeTakeFirstOrThrow()).n;
  }

  it("a redelivered webhook (same beginImport twice) yields one import", async () => {
    const repo = await repository();
    const source = sha("redelivery");
    const first = await begin(repo.id, source, "delivery-1");
    expect(first.created).toBe(true);
    expect(first.import).toMatchObject({
      status: "pending",
      attempts: 1,
      deliveryId: "delivery-1",
      trigger: "push",
    });
    expect(typeof first.import.id).toBe("number");

    const again = await begin(repo.id, source, "delivery-2");
    expect(again.created).toBe(false);
    expect(again.import.id).toBe(first.import.id);
    // Still pending (the first attempt never finished): counted as a second attempt, first delivery kept.
    expect(again.import).toMatchObject({ status: "pending", attempts: 2, deliveryId: "delivery-1" });

    await markNothingToDo(t.db, first.import.id);
    const late = await begin(repo.id, source, "delivery-3");
    expect(late).toMatchObject({
      created: false,
      import: { id: first.import.id, status: "nothing_to_do", attempts: 2 },
    });
    expect((await listImports(t.db, { repo: repo.id, limit: 10 })).length).toBe(1);
  });

  it("the same commit on another branch is another import", async () => {
    const repo = await repository();
    const source = sha("two branches");
    const a = await begin(repo.id, source);
    const b = await beginImport(t.db, {
      repositoryId: repo.id,
      branch: "dev",
      sourceCommit: source,
      trigger: "push",
    });
    expect(b.created).toBe(true);
    expect(b.import.id).not.toBe(a.import.id);
    expect(b.import.deliveryId).toBeNull();
  });

  it("a re-run of the same commit records nothing twice", async () => {
    const repo = await repository();
    const source = sha("rerun");
    const r = report(source, {
      [ROOT]: [
        ingestedFile(
          ROOT,
          "vpcs.yaml",
          [
            { name: "vpc-1", action: "created" },
            { name: "vpc-2", action: "created" },
          ],
          source,
        ),
        rejectedFile(ROOT, "broken.yaml"),
      ],
    });
    const { import: imp } = await begin(repo.id, source);
    await recordPlanned(t.db, imp.id, r);
    // A crash before the commit, then a retry: the plan is recorded again over the first one.
    const retry = await begin(repo.id, source);
    expect(retry).toMatchObject({ created: false, import: { id: imp.id, status: "pending", attempts: 2 } });
    const planned = await recordPlanned(t.db, imp.id, r);
    expect(await count("importFiles", imp.id)).toBe(2);
    expect(await count("importResources", imp.id)).toBe(2);
    expect(planned).toMatchObject({
      filesTotal: 2,
      filesIngested: 1,
      filesRejected: 1,
      resourcesCreated: 2,
      errors: 2,
      warnings: 1,
    });

    await markCommitted(t.db, imp.id, sha("ingestion rerun"));
    const redo = await begin(repo.id, source);
    expect(redo).toMatchObject({ created: false, import: { status: "committed", attempts: 2 } });
    await expect(recordPlanned(t.db, imp.id, r)).rejects.toBeInstanceOf(ImportStateError);
    expect(await count("importFiles", imp.id)).toBe(2);
    expect((await listResources(t.db, { repo: repo.id })).length).toBe(2);
  });

  it("records files with verdicts, archive paths and problems, and lists a committed import with its SHA", async () => {
    const repo = await repository();
    const source = sha("listing");
    const commit = sha("listing ingestion");
    const { import: imp } = await begin(repo.id, source);
    await recordPlanned(
      t.db,
      imp.id,
      report(source, {
        [ROOT]: [
          ingestedFile(ROOT, "a.yaml", [{ name: "vpc-a", action: "created" }], source),
          rejectedFile(ROOT, "b.yaml"),
        ],
      }),
    );
    await markCommitted(t.db, imp.id, commit);

    const [listed] = await listImports(t.db, { repo: repo.fullName.toUpperCase(), limit: 5 });
    expect(listed).toMatchObject({
      id: imp.id,
      repositoryFullName: repo.fullName,
      status: "committed",
      ingestionCommit: commit,
      sourceCommit: source,
    });
    expect(listed?.endedAt).toBeInstanceOf(Date);
    expect(listed?.endedAt?.getTime()).toBeGreaterThanOrEqual(listed?.startedAt.getTime() ?? Number.NaN);

    const detail = await getImport(t.db, imp.id);
    expect(detail?.files.map((f) => [f.path, f.verdict, f.archivePath])).toEqual([
      [`${ROOT}/raw/a.yaml`, "ingested", `${ROOT}/archive/${source.slice(0, 7)}/a.yaml`],
      [`${ROOT}/raw/b.yaml`, "rejected", null],
    ]);
    const rejected = detail?.files[1];
    expect(rejected?.blobSha).toBe(sha(`blob ${ROOT}/b.yaml`));
    expect(rejected?.problems).toEqual([
      { level: "error", code: "yaml-syntax", message: "bad indentation", line: 3, column: 5 },
      {
        level: "error",
        code: "name-too-long",
        message: "VPC names are at most 11 characters",
        hint: "shorten it",
        line: 4,
        path: ["metadata", "name"],
        document: 0,
      },
      { level: "warning", code: "crossref", message: "unknown IPv4Namespace", line: 9, document: 0 },
    ]);
    expect(detail?.resources).toEqual([
      expect.objectContaining({
        root: ROOT,
        filePath: `${ROOT}/raw/a.yaml`,
        documentIndex: 0,
        kind: "VPC",
        group: "vpc.githedgehog.com",
        name: "vpc-a",
        action: "created",
        path: `${ROOT}/managed/vpcs/vpc-a.yaml`,
      }),
    ]);
    expect(detail?.resources[0]).not.toHaveProperty("object");
    const withObjects = await getImport(t.db, imp.id, { objects: true });
    expect(withObjects?.resources[0]?.object).toMatchObject({ kind: "VPC", metadata: { name: "vpc-a" } });
    expect(await getImport(t.db, 987654321)).toBeUndefined();
  });

  it("current state: updated resources are replaced, unchanged ones kept, new ones added", async () => {
    const repo = await repository();
    const s1 = sha("state 1");
    const s2 = sha("state 2");
    const first = (await begin(repo.id, s1)).import;
    await recordPlanned(
      t.db,
      first.id,
      report(s1, {
        [ROOT]: [
          ingestedFile(
            ROOT,
            "all.yaml",
            [
              { name: "vpc-a", action: "created" },
              { name: "vpc-b", action: "created" },
              { name: "vpc-c", action: "created" },
            ],
            s1,
          ),
        ],
        "gitops/hedgehog/fabric-2": [
          ingestedFile("gitops/hedgehog/fabric-2", "x.yaml", [{ name: "vpc-a", action: "created" }], s1),
        ],
      }),
    );
    await markCommitted(t.db, first.id, sha("state 1 ingestion"));

    const second = (await begin(repo.id, s2)).import;
    const changed: DocSpec[] = [
      { name: "vpc-b", action: "updated", version: 2 },
      { name: "vpc-c", action: "unchanged" },
      { name: "vpc-d", action: "created" },
      { kind: "ConfigMap", name: "notes", action: "created", target: "unmanaged" },
    ];
    await recordPlanned(
      t.db,
      second.id,
      report(s2, { [ROOT]: [ingestedFile(ROOT, "more.yaml", changed, s2)] }),
    );
    // Nothing reaches the current state before the commit.
    expect((await listResources(t.db, { repo: repo.id, root: ROOT })).map((r) => r.name)).toEqual([
      "vpc-a",
      "vpc-b",
      "vpc-c",
    ]);
    await markCommitted(t.db, second.id, sha("state 2 ingestion"));

    const rows = await listResources(t.db, { repo: repo.fullName, root: `${ROOT}/`, branch: "main" });
    const byName = Object.fromEntries(rows.map((r) => [`${r.kind}/${r.name}`, r]));
    expect(rows.map((r) => `${r.kind}/${r.name}`)).toEqual([
      "ConfigMap/notes",
      "VPC/vpc-a",
      "VPC/vpc-b",
      "VPC/vpc-c",
      "VPC/vpc-d",
    ]);
    expect(byName["VPC/vpc-a"]).toMatchObject({ firstImportId: first.id, lastImportId: first.id });
    expect(byName["VPC/vpc-b"]).toMatchObject({
      firstImportId: first.id,
      lastImportId: second.id,
      contentHash: sha("VPC/vpc-b/2"),
      object: { spec: { version: 2 } },
    });
    expect(byName["VPC/vpc-c"]).toMatchObject({ lastImportId: first.id, contentHash: sha("VPC/vpc-c/1") });
    expect(byName["VPC/vpc-d"]).toMatchObject({ firstImportId: second.id, lastImportId: second.id });
    expect(byName["ConfigMap/notes"]).toMatchObject({ target: "unmanaged", group: "" });
    expect(byName["VPC/vpc-a"]?.object).toEqual({
      apiVersion: "vpc.githedgehog.com/v1beta1",
      kind: "VPC",
      metadata: { name: "vpc-a", namespace: "default" },
      spec: { subnets: { default: { subnet: "10.0.1.0/24", vlan: 1001 } }, version: 1 },
    });
    // Each fabric root has its own state; filters by target and kind work.
    expect(await listResources(t.db, { repo: repo.id, root: "gitops/hedgehog/fabric-2" })).toHaveLength(1);
    expect(await listResources(t.db, { repo: repo.id, target: "unmanaged" })).toHaveLength(1);
    expect(await listResources(t.db, { repo: repo.id, branch: "dev" })).toHaveLength(0);
  });

  it("an older import resolved late does not overwrite newer content", async () => {
    const repo = await repository();
    const older = (await begin(repo.id, sha("old"))).import;
    const newer = (await begin(repo.id, sha("new"))).import;
    await recordPlanned(
      t.db,
      older.id,
      report(sha("old"), {
        [ROOT]: [ingestedFile(ROOT, "a.yaml", [{ name: "vpc-a", action: "created" }], sha("old"))],
      }),
    );
    await recordPlanned(
      t.db,
      newer.id,
      report(sha("new"), {
        [ROOT]: [
          ingestedFile(ROOT, "a.yaml", [{ name: "vpc-a", action: "updated", version: 3 }], sha("new")),
        ],
      }),
    );
    await markCommitted(t.db, newer.id, sha("new ingestion"));
    await markCommitted(t.db, older.id, sha("old ingestion"));
    const [row] = await listResources(t.db, { repo: repo.id });
    expect(row).toMatchObject({ contentHash: sha("VPC/vpc-a/3"), lastImportId: newer.id });
  });

  it("10,000 resources are recorded in a few round trips", async () => {
    const repo = await repository();
    const source = sha("big");
    const files = Array.from({ length: 20 }, (_, f) =>
      ingestedFile(
        ROOT,
        `big-${f}.yaml`,
        Array.from({ length: 500 }, (_, i) => ({ name: `vpc-${f}-${i}`, action: "created" as const })),
        source,
      ),
    );
    const { import: imp } = await begin(repo.id, source);

    t.statements.length = 0;
    const started = performance.now();
    await recordPlanned(t.db, imp.id, report(source, { [ROOT]: files }));
    const recordMs = performance.now() - started;
    const inserts = t.statements.filter((s) => /^insert/i.test(s)).length;
    const recordStatements = t.statements.length;

    t.statements.length = 0;
    const commitStarted = performance.now();
    await markCommitted(t.db, imp.id, sha("big ingestion"));
    const commitMs = performance.now() - commitStarted;
    const commitStatements = t.statements.length;

    console.log(
      `[${backend.name}] 10,000 resources: recordPlanned ${recordStatements} statements (${inserts} inserts) in ${recordMs.toFixed(0)} ms; ` +
        `markCommitted ${commitStatements} statements in ${commitMs.toFixed(0)} ms`,
    );
    expect(inserts).toBeLessThanOrEqual(10);
    expect(recordStatements).toBeLessThanOrEqual(12);
    expect(commitStatements).toBeLessThanOrEqual(5);
    expect(await count("importResources", imp.id)).toBe(10_000);
    expect((await getImport(t.db, imp.id))?.resourcesCreated).toBe(10_000);
    expect(await listResources(t.db, { repo: repo.id })).toHaveLength(10_000);
  });

  it("resolves pending imports left by a crash: committed with the found SHA, or failed", async () => {
    const repo = await repository();
    const landed = (await begin(repo.id, sha("landed"))).import;
    const lost = (await begin(repo.id, sha("lost"))).import;
    const cutoff = new Date(Date.now() + 1000);

    const pending = await listPendingImports(t.db, { olderThan: cutoff, repositoryId: repo.id });
    expect(pending.map((p) => [p.id, p.sourceCommit, p.repositoryFullName])).toEqual([
      [landed.id, sha("landed"), repo.fullName],
      [lost.id, sha("lost"), repo.fullName],
    ]);
    expect(pending[0]?.installationId).toEqual(expect.any(Number));
    expect(await listPendingImports(t.db, { olderThan: new Date(0), repositoryId: repo.id })).toEqual([]);

    const commitDate = new Date("2025-06-01T12:00:00Z");
    const committed = await markCommitted(t.db, landed.id, sha("landed ingestion"), { endedAt: commitDate });
    expect(committed).toMatchObject({
      status: "committed",
      ingestionCommit: sha("landed ingestion"),
      endedAt: commitDate,
    });
    // Recovery running twice is harmless.
    expect((await markCommitted(t.db, landed.id, sha("landed ingestion"))).endedAt).toEqual(commitDate);
    await expect(markCommitted(t.db, landed.id, sha("another"))).rejects.toBeInstanceOf(ImportStateError);

    const failed = await markFailed(t.db, lost.id, "interrupted before its commit landed");
    expect(failed).toMatchObject({ status: "failed", message: "interrupted before its commit landed" });
    expect(await listPendingImports(t.db, { repositoryId: repo.id })).toEqual([]);

    // A failed import is retried by the next delivery; a failure after the end changes nothing.
    const retried = await begin(repo.id, sha("lost"));
    expect(retried.import).toMatchObject({
      id: lost.id,
      status: "pending",
      attempts: 2,
      message: null,
      endedAt: null,
    });
    expect((await markFailed(t.db, landed.id, "check run update failed")).status).toBe("committed");
  });

  it("end states: nothing to do, rejected (with config problems), superseded; only pending changes", async () => {
    const repo = await repository();
    const a = (await begin(repo.id, sha("a"))).import;
    const b = (await begin(repo.id, sha("b"))).import;
    const c = (await begin(repo.id, sha("c"))).import;
    expect((await markNothingToDo(t.db, a.id)).status).toBe("nothing_to_do");
    const rejected = await markRejected(t.db, b.id, {
      message: "invalid configuration",
      problems: [{ level: "error", code: "config", message: "unknown key `rootz`", line: 2 }],
    });
    expect(rejected).toMatchObject({ status: "rejected", errors: 1, message: "invalid configuration" });
    expect(rejected.problems).toEqual([
      { level: "error", code: "config", message: "unknown key `rootz`", line: 2 },
    ]);
    expect((await markSuperseded(t.db, c.id, "branch moved")).status).toBe("superseded");
    expect((await markRejected(t.db, b.id)).status).toBe("rejected");
    await expect(markCommitted(t.db, a.id, sha("x"))).rejects.toThrow(
      /is nothing_to_do; cannot mark it committed/,
    );
    await expect(markSuperseded(t.db, 123456789)).rejects.toThrow(/does not exist/);
    await expect(markFailed(t.db, 123456789, "x")).rejects.toThrow(/does not exist/);
    expect(await listImports(t.db, { repo: repo.id, status: "superseded", limit: 10 })).toHaveLength(1);
  });

  it("constraints refuse what cannot be true", async () => {
    const repo = await repository();
    await expect(begin(repo.id, "HEAD")).rejects.toThrow(/check constraint/);
    await expect(begin(freshId(), sha("no repo"))).rejects.toThrow(/foreign key/);
    const { import: imp } = await begin(repo.id, sha("constraints"));
    await expect(
      t.db.updateTable("imports").set({ status: "committed" }).where("id", "=", imp.id).execute(),
    ).rejects.toThrow(/check constraint/);
    // One ingestion commit cannot belong to two imports.
    const other = (await begin(repo.id, sha("constraints 2"))).import;
    await markCommitted(t.db, imp.id, sha("shared"));
    await expect(markCommitted(t.db, other.id, sha("shared"))).rejects.toThrow(/unique|duplicate/);
    expect((await getImport(t.db, other.id))?.status).toBe("pending");
    // A report for another commit is not recorded against this import.
    await expect(recordPlanned(t.db, other.id, report(sha("elsewhere"), {}))).rejects.toThrow(
      /is for commit/,
    );
  });
});
