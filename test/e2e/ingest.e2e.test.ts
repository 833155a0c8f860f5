/**
 * The real path: `git push` into a bare repository behind the GitHub stand-in, a signed webhook
 * over HTTP to the running app, and the result checked with real git and in the database.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { getImport, listImports } from "../../src/db/imports.js";
import { listResources } from "../../src/db/resources.js";
import { gitIn, type Harness, pushFiles, REPO_ID, startHarness } from "../support/e2e.js";
import { FABRIC_ROOT, manyVpcFiles, RAW, SAMPLE_COUNTS, sampleInbox, vpcYaml } from "../support/fabric.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h?.stop();
});

const lsTree = async (rev: string, path: string) =>
  (await gitIn(h.gh, "ls-tree", "-r", "--name-only", rev, "--", path)).split("\n").filter(Boolean);

/** Pushes the sample inbox; a colleague's commit lands just before the app's compare-and-swap. */
async function pushWhileAColleaguePushes(colleague: Record<string, string>, message: string) {
  let lateSha = "";
  h.gh.beforeNext({ method: "POST", path: /^\/graphql$/, body: /updateRefs\(/ }, async () => {
    lateSha = await pushFiles(h.gh, "main", colleague, message);
  });
  const pushed = await h.push(sampleInbox());
  return { pushed, lateSha };
}

describe("a push into raw/", () => {
  it("ends as one ingestion commit on top of the push, 48 managed files, originals archived, and a green check", async () => {
    const pushed = await h.push(sampleInbox(), "add fabric-1 inbox");
    // 202: the webhook middleware's timeout passed on a loaded machine; the harness waited for the run.
    expect([200, 202]).toContain(pushed.status);
    const [check] = await h.waitForChecks(pushed.after);

    // One commit, on top of the pushed one.
    const head = await h.head();
    expect(await gitIn(h.gh, "rev-parse", `${head}^`)).toBe(pushed.after);
    expect(await gitIn(h.gh, "rev-list", "--count", `${pushed.after}..${head}`)).toBe("1");
    const message = await gitIn(h.gh, "log", "-1", "--format=%B", head);
    expect(message.split("\n")[0]).toBe(`Ingest 48 resources from 3 files into ${FABRIC_ROOT}`);
    expect(message).toContain(`Gitops-Ingest-Source: ${pushed.after}`);

    // 48 managed files, one per resource, by plural.
    const managed = await lsTree(head, `${FABRIC_ROOT}/managed`);
    expect(managed).toHaveLength(48);
    const byPlural = Object.fromEntries(
      ["connections", "servers", "switches", "switchgroups", "vpcs"].map((p) => [
        p,
        managed.filter((f) => f.startsWith(`${FABRIC_ROOT}/managed/${p}/`)).length,
      ]),
    );
    expect(byPlural).toEqual({ connections: 26, servers: 10, switches: 7, switchgroups: 3, vpcs: 2 });
    const leaf = parse(await gitIn(h.gh, "show", `${head}:${FABRIC_ROOT}/managed/switches/leaf-01.yaml`));
    expect(leaf.spec.boot.mac).toBe("0c:20:12:fe:00:00");

    // Originals archived byte for byte (same blobs), raw/ holds only .gitkeep.
    const short = pushed.after.slice(0, 7);
    for (const path of Object.keys(sampleInbox())) {
      const archived = `${FABRIC_ROOT}/archive/${short}/${path.slice(RAW.length + 1)}`;
      expect(await gitIn(h.gh, "rev-parse", `${head}:${archived}`)).toBe(
        await gitIn(h.gh, "rev-parse", `${pushed.after}:${path}`),
      );
    }
    expect(await lsTree(head, RAW)).toEqual([`${RAW}/.gitkeep`]);
    await gitIn(h.gh, "fsck", "--strict");

    // The check run says what happened.
    expect(check).toMatchObject({ name: "gitops-ingest", conclusion: "success" });
    expect(check?.output.title).toBe("Ingested 48 resources from 3 files");
    expect(check?.output.summary).toContain("| Connection | 26 | 0 | 0 |");
    expect(check?.output.summary).toContain(head);
    expect(check?.history[0]?.body).toMatchObject({ status: "in_progress" });
    expect(check?.actions.map((a) => a.identifier)).toEqual(["rerun"]);

    // The database knows it too.
    const db = h.app.database.db;
    const [imported] = await listImports(db, { repo: REPO_ID });
    expect(imported).toMatchObject({
      status: "committed",
      ingestionCommit: head,
      sourceCommit: pushed.after,
      resourcesCreated: 48,
    });
    const detail = await getImport(db, imported?.id ?? 0);
    expect(detail?.files).toHaveLength(3);
    expect(detail?.resources).toHaveLength(48);
    const resources = await listResources(db, { repo: REPO_ID, root: FABRIC_ROOT });
    expect(resources).toHaveLength(48);
    const counts: Record<string, number> = {};
    for (const r of resources) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    expect(counts).toEqual(SAMPLE_COUNTS);
  });

  it("makes no commit for the app's own push, nor for a second push with nothing new", async () => {
    const first = await h.push(sampleInbox());
    await h.waitForChecks(first.after);
    const ingestion = await h.head();

    // The app's own push reaches it as a webhook too: ignored, no check run.
    const own = h.pushPayload(first.after, ingestion, [], { sender: "gitops-ingest[bot]" });
    expect(await h.deliver("push", own)).toBe(200);
    expect(h.checkRunsFor(ingestion)).toEqual([]);

    // A human push that adds nothing to raw/.
    const second = await h.push({ "README.md": "# fabric repo\n" }, "docs");
    const [check] = await h.waitForChecks(second.after);
    expect(await h.head()).toBe(second.after);
    expect(check?.conclusion).toBe("neutral");
  });

  it("records nothing twice when the same webhook is delivered again", async () => {
    const pushed = await h.push(sampleInbox());
    await h.waitForChecks(pushed.after);
    const head = await h.head();
    const payload = h.pushPayload(pushed.before, pushed.after, Object.keys(sampleInbox()));
    expect(await h.deliver("push", payload, pushed.delivery)).toBe(200);
    expect(await h.head()).toBe(head);
    expect(h.checkRunsFor(pushed.after)).toHaveLength(1);
    const imports = await listImports(h.app.database.db, { repo: REPO_ID });
    expect(imports).toHaveLength(1);
    expect((await getImport(h.app.database.db, imports[0]?.id ?? 0))?.resources).toHaveLength(48);
  });

  it("leaves a rejected file in raw/ byte for byte, annotates its line, and ingests the others", async () => {
    const bad = vpcYaml("bad-vpc", 9, 1009).replace("vlan:", "vlna:");
    const pushed = await h.push({ ...sampleInbox(), [`${RAW}/bad.yaml`]: bad });
    const [check] = await h.waitForChecks(pushed.after);
    const head = await h.head();
    expect(await gitIn(h.gh, "show", `${head}:${RAW}/bad.yaml`)).toBe(bad.trimEnd());
    expect(await gitIn(h.gh, "rev-parse", `${head}:${RAW}/bad.yaml`)).toBe(
      await gitIn(h.gh, "rev-parse", `${pushed.after}:${RAW}/bad.yaml`),
    );
    expect(await lsTree(head, `${FABRIC_ROOT}/managed`)).toHaveLength(48);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.title).toBe("1 of 4 files rejected");
    expect(check?.annotations).toContainEqual(
      expect.objectContaining({
        path: `${RAW}/bad.yaml`,
        start_line: 11,
        end_line: 11,
        annotation_level: "failure",
      }),
    );
    expect(check?.output.summary).toContain(`${RAW}/bad.yaml`);
  });

  it("starts again on the new head when the branch moves under it (422), never forcing", async () => {
    const other = { [`${RAW}/late.yaml`]: vpcYaml("late-vpc", 7, 1007) };
    const { pushed, lateSha } = await pushWhileAColleaguePushes(other, "a colleague pushes meanwhile");
    await h.waitForChecks(pushed.after);
    await h.waitForChecks(lateSha);
    const head = await h.head();
    expect(await gitIn(h.gh, "rev-parse", `${head}^`)).toBe(lateSha);
    expect(await lsTree(head, `${FABRIC_ROOT}/managed`)).toHaveLength(49);
    expect(await lsTree(head, RAW)).toEqual([`${RAW}/.gitkeep`]);
    // Each compare-and-swap demands the head its run read: the first (stale) was refused, nothing forced.
    expect(h.refUpdates().map((u) => [u.beforeOid, u.force])).toEqual([
      [pushed.after, false],
      [lateSha, false],
    ]);
    expect(h.checkRunsFor(pushed.after)[0]?.conclusion).toBe("neutral");
    expect(h.checkRunsFor(lateSha)[0]?.conclusion).toBe("success");
    await gitIn(h.gh, "fsck", "--strict");
  });

  it("puts its commit on top of a colleague's unrelated commit that moved the branch (422), never forcing", async () => {
    const { pushed, lateSha } = await pushWhileAColleaguePushes(
      { "README.md": "# the fabric\n" },
      "a colleague edits the README",
    );
    const [check] = await h.waitForChecks(pushed.after);
    expect(check).toMatchObject({
      conclusion: "success",
      output: { title: "Ingested 48 resources from 3 files" },
    });
    const head = await h.head();
    expect(await gitIn(h.gh, "rev-parse", `${head}^`)).toBe(lateSha);
    expect(await gitIn(h.gh, "rev-parse", `${lateSha}^`)).toBe(pushed.after);
    expect(await lsTree(head, `${FABRIC_ROOT}/managed`)).toHaveLength(48);
    expect(await lsTree(head, RAW)).toEqual([`${RAW}/.gitkeep`]);
    expect((await gitIn(h.gh, "show", `${head}:README.md`)).trim()).toBe("# the fabric");
    // The same commit, re-parented: each compare-and-swap demands the head it builds on, none forced.
    expect(h.refUpdates().map((u) => [u.beforeOid, u.force])).toEqual([
      [pushed.after, false],
      [lateSha, false],
    ]);
    expect(h.checkRunsFor(lateSha)).toEqual([]);
    await gitIn(h.gh, "fsck", "--strict");
  });

  it("starts again on the new head when a colleague's push changed a file the run archives (422), never forcing", async () => {
    const changed = { [`${RAW}/test-vpc-2.yaml`]: vpcYaml("test-vpc-2", 2, 1012) };
    const { pushed, lateSha } = await pushWhileAColleaguePushes(
      changed,
      "a colleague edits a file meanwhile",
    );
    await h.waitForChecks(pushed.after);
    await h.waitForChecks(lateSha);
    const head = await h.head();
    expect(await gitIn(h.gh, "rev-parse", `${head}^`)).toBe(lateSha);
    expect(await lsTree(head, `${FABRIC_ROOT}/managed`)).toHaveLength(48);
    expect(await lsTree(head, RAW)).toEqual([`${RAW}/.gitkeep`]);
    // The colleague's version of the file is the one ingested.
    expect(await gitIn(h.gh, "show", `${head}:${FABRIC_ROOT}/managed/vpcs/test-vpc-2.yaml`)).toContain(
      "vlan: 1012",
    );
    expect(h.refUpdates().map((u) => [u.beforeOid, u.force])).toEqual([
      [pushed.after, false],
      [lateSha, false],
    ]);
    expect(h.checkRunsFor(pushed.after)[0]?.conclusion).toBe("neutral");
    expect(h.checkRunsFor(lateSha)[0]?.conclusion).toBe("success");
    await gitIn(h.gh, "fsck", "--strict");
  });

  it("writes a 150-file change in one tree request and one commit", async () => {
    const files = manyVpcFiles(150);
    const pushed = await h.push(files);
    const [check] = await h.waitForChecks(pushed.after);
    expect(check?.conclusion).toBe("success");
    const trees = h.gh.requests.filter((r) => r.method === "POST" && r.path.endsWith("/git/trees"));
    // 150 managed files + 150 archived + 150 removed from raw/ + .gitkeep = 451 entries.
    expect(trees.map((r) => r.entryCount)).toEqual([451]);
    expect(await gitIn(h.gh, "rev-list", "--count", `${pushed.after}..main`)).toBe("1");
    expect(await lsTree("main", `${FABRIC_ROOT}/managed/vpcs`)).toHaveLength(150);
    // Two blob reads, then the branch's compare-and-swap.
    const graphql = h.gh.requests.filter((r) => r.path.endsWith("graphql"));
    expect(graphql.map((r) => JSON.stringify(r.body).includes("updateRefs("))).toEqual([false, false, true]);
  });

  it("reports a GitHub outage in the check run and leaves the branch untouched", async () => {
    h.gh.failNext(
      { method: "POST", path: /\/git\/commits$/, times: 4 },
      { status: 500, body: { message: "Server Error" } },
    );
    const pushed = await h.push(sampleInbox());
    const [check] = await h.waitForChecks(pushed.after);
    expect(await h.head()).toBe(pushed.after);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.summary).toContain("Nothing was committed");
    // The queue tries again by itself after the wait GitHub asked for (none given: 60 s).
    expect(check?.output.summary).toContain("The app tries again by itself in about 60 s");
    const [imported] = await listImports(h.app.database.db, { repo: REPO_ID });
    expect(imported?.status).toBe("failed");

    // The 4 faults covered the first try and plugin-retry's 3 retries; GitHub is back: a re-run ingests.
    expect(
      h.gh.requests
        .filter((r) => r.path.endsWith("/git/commits") && r.method === "POST")
        .map((r) => r.status),
    ).toEqual([500, 500, 500, 500]);
    const rerun = {
      action: "rerequested",
      check_run: {
        id: check?.id,
        name: "gitops-ingest",
        head_sha: pushed.after,
        app: { id: h.gh.appId, slug: h.gh.appSlug },
        check_suite: { head_branch: "main" },
      },
      repository: (h.pushPayload(pushed.before, pushed.after, []) as { repository: unknown }).repository,
      installation: { id: 1 },
      sender: { login: "alice", type: "User" },
    };
    expect(await h.deliver("check_run", rerun)).toBe(200);
    // The re-run answers on the check run it was asked on: no second run piles up.
    await h.waitFor("the re-run's success", () => h.checkRunsFor(pushed.after)[0]?.conclusion === "success");
    expect(h.checkRunsFor(pushed.after)).toHaveLength(1);
    expect(await gitIn(h.gh, "rev-parse", "main^")).toBe(pushed.after);
  });

  it("waits out a secondary rate limit and goes on", async () => {
    h.gh.failNext(
      { method: "POST", path: /\/git\/trees$/, times: 1 },
      {
        status: 403,
        body: {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        },
        headers: { "retry-after": "1" },
      },
    );
    const pushed = await h.push(sampleInbox());
    const [check] = await h.waitForChecks(pushed.after);
    expect(check?.conclusion).toBe("success");
    const trees = h.gh.requests.filter((r) => r.method === "POST" && r.path.endsWith("/git/trees"));
    expect(trees.map((r) => r.status)).toEqual([403, 201]);
  });

  it("rejects a file over the size limit without downloading it, and ingests the rest", async () => {
    const huge = `# ${"x".repeat(2000)}\n`.repeat(3000); // ~6 MB of comments
    const pushed = await h.push({ ...sampleInbox(), [`${RAW}/huge.yaml`]: huge });
    const [check] = await h.waitForChecks(pushed.after);
    const hugeSha = await gitIn(h.gh, "rev-parse", `${pushed.after}:${RAW}/huge.yaml`);
    expect(check?.conclusion).toBe("failure");
    expect(check?.annotations).toContainEqual(
      expect.objectContaining({ path: `${RAW}/huge.yaml`, start_line: 1, annotation_level: "failure" }),
    );
    expect(JSON.stringify(h.gh.requests.map((r) => r.body))).not.toContain(hugeSha);
    expect(h.gh.requests.some((r) => r.path.includes(`/git/blobs/${hugeSha}`))).toBe(false);
    expect(await lsTree("main", `${FABRIC_ROOT}/managed`)).toHaveLength(48);
    expect(await gitIn(h.gh, "rev-parse", `main:${RAW}/huge.yaml`)).toBe(hugeSha);
  });

  it("reports an invalid configuration in the check run", async () => {
    const pushed = await h.push({ ".github/gitops-ingest.yml": "rootz: [x]\n", ...sampleInbox() });
    const [check] = await h.waitForChecks(pushed.after);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.title).toBe("Invalid configuration: nothing was ingested");
    expect(check?.output.summary).toContain('unknown key "rootz"');
    expect(await h.head()).toBe(pushed.after);
  });
});
