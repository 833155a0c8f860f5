/**
 * Pull-request previews through the real path: branches made with real git in the stand-in's bare
 * repository, a signed `pull_request` webhook, and the check run on the PR head. Every test also
 * checks that no branch moved: a preview commits nothing anywhere.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitIn, type Harness, OWNER, pushFiles, REPO, REPO_ID, startHarness } from "../support/e2e.js";
import { FABRIC_ROOT, RAW, sampleInbox, vpcYaml } from "../support/fabric.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h?.stop();
});

const refs = async () => gitIn(h.gh, "for-each-ref", "--format=%(refname) %(objectname)");

function prPayload(
  action: string,
  pr: { number: number; headSha: string; headRef: string; baseSha: string; fork?: string },
) {
  const repository = {
    id: REPO_ID,
    node_id: "R_1",
    name: REPO,
    full_name: `${OWNER}/${REPO}`,
    private: false,
    owner: { login: OWNER, id: 1, type: "Organization" },
    default_branch: "main",
  };
  const headRepo = pr.fork
    ? {
        ...repository,
        id: 999,
        node_id: "R_fork",
        full_name: `${pr.fork}/${REPO}`,
        owner: { login: pr.fork, id: 9, type: "User" },
      }
    : repository;
  return {
    action,
    number: pr.number,
    pull_request: {
      number: pr.number,
      state: "open",
      draft: false,
      head: {
        ref: pr.headRef,
        sha: pr.headSha,
        repo: headRepo,
        label: `${headRepo.owner.login}:${pr.headRef}`,
      },
      base: { ref: "main", sha: pr.baseSha, repo: repository, label: `${OWNER}:main` },
    },
    repository,
    installation: { id: 1, node_id: "I_1" },
    sender: { login: "alice", id: 7, type: "User" },
  };
}

/** The base branch with the 48-resource inbox already ingested (managed/ filled). */
async function ingestedBase() {
  const pushed = await h.push(sampleInbox(), "add fabric-1 inbox");
  await h.waitForChecks(pushed.after);
  return h.head();
}

describe("a pull request into an ingest branch", () => {
  it("gives success and says what would be ingested, committing nothing", async () => {
    const base = await h.head().catch(() => "");
    const baseSha = base || (await pushFiles(h.gh, "main", { "README.md": "fabric\n" }, "init"));
    const headSha = await pushFiles(h.gh, "feature", sampleInbox(), "add inbox");
    const before = await refs();
    expect(
      await h.deliver(
        "pull_request",
        prPayload("opened", { number: 1, headSha, headRef: "feature", baseSha }),
      ),
    ).toBe(200);
    const [check] = await h.waitForChecks(headSha);
    expect(check?.conclusion).toBe("success");
    expect(check?.output?.title).toBe("Would ingest 48 resources from 3 files");
    expect(check?.output?.summary).toContain("| Connection | 26 | 0 | 0 |");
    expect(await refs()).toBe(before);
  });

  it("fails a synchronize that adds a broken file, annotated at its line", async () => {
    const baseSha = await pushFiles(h.gh, "main", { "README.md": "fabric\n" }, "init");
    const first = await pushFiles(h.gh, "feature", { [`${RAW}/vpc.yaml`]: vpcYaml("vpc-1", 1, 1001) }, "vpc");
    await h.deliver(
      "pull_request",
      prPayload("opened", { number: 2, headSha: first, headRef: "feature", baseSha }),
    );
    expect((await h.waitForChecks(first))[0]?.conclusion).toBe("success");
    const broken =
      "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-2\nspec:\n  subnets: [\n";
    const second = await pushFiles(h.gh, "feature", { [`${RAW}/broken.yaml`]: broken }, "broken");
    const before = await refs();
    await h.deliver(
      "pull_request",
      prPayload("synchronize", { number: 2, headSha: second, headRef: "feature", baseSha }),
    );
    const [check] = await h.waitForChecks(second);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output?.title).toBe("1 of 2 files would be rejected");
    expect(check?.annotations).toContainEqual(
      expect.objectContaining({ path: `${RAW}/broken.yaml`, annotation_level: "failure", start_line: 7 }),
    );
    expect(await refs()).toBe(before);
  });

  it("fails a hand edit of managed/ with an unknown field, annotated on that managed file", async () => {
    const baseSha = await ingestedBase();
    const path = `${FABRIC_ROOT}/managed/vpcs/test-vpc.yaml`;
    const current = await gitIn(h.gh, "show", `${baseSha}:${path}`);
    const edited = current.replace("spec:\n", "spec:\n  colour: blue\n");
    const headSha = await pushFiles(h.gh, "hand-edit", { [path]: `${edited}\n` }, "quick fix");
    const before = await refs();
    await h.deliver(
      "pull_request",
      prPayload("opened", { number: 3, headSha, headRef: "hand-edit", baseSha }),
    );
    const [check] = await h.waitForChecks(headSha);
    expect(check?.conclusion).toBe("failure");
    const line = edited.split("\n").findIndex((l) => l.includes("colour")) + 1;
    expect(check?.annotations).toContainEqual(
      expect.objectContaining({ path, annotation_level: "failure", start_line: line }),
    );
    expect(await refs()).toBe(before);
  });

  it("previews a pull request from a fork, read through the base repository", async () => {
    const baseSha = await pushFiles(h.gh, "main", { "README.md": "fabric\n" }, "init");
    // A fork's commits reach the base repository as refs/pull/<n>/head, not as a branch.
    const forkSha = await pushFiles(
      h.gh,
      "fork-tmp",
      { [`${RAW}/vpc.yaml`]: vpcYaml("vpc-7", 7, 1007) },
      "from a fork",
    );
    await gitIn(h.gh, "update-ref", "refs/pull/4/head", forkSha);
    await gitIn(h.gh, "update-ref", "-d", "refs/heads/fork-tmp");
    const before = await refs();
    await h.deliver(
      "pull_request",
      prPayload("opened", { number: 4, headSha: forkSha, headRef: "main", baseSha, fork: "contributor" }),
    );
    const [check] = await h.waitForChecks(forkSha);
    expect(check?.conclusion).toBe("success");
    expect(check?.output?.title).toBe("Would ingest 1 resource from 1 file");
    expect(await refs()).toBe(before);
  });

  it("shows the field-level diff of an update", async () => {
    const baseSha = await ingestedBase();
    const headSha = await pushFiles(
      h.gh,
      "bump",
      { [`${RAW}/vlan.yaml`]: vpcYaml("test-vpc", 1, 1099) },
      "vlan",
    );
    const before = await refs();
    await h.deliver("pull_request", prPayload("opened", { number: 5, headSha, headRef: "bump", baseSha }));
    const [check] = await h.waitForChecks(headSha);
    expect(check?.conclusion).toBe("success");
    expect(check?.output?.summary).toContain(
      "<details><summary>What changes in 1 updated resource</summary>",
    );
    expect(check?.output?.summary).toContain(
      "- spec.subnets.subnet-1.vlan: 1001\n+ spec.subnets.subnet-1.vlan: 1099",
    );
    expect(await refs()).toBe(before);
  });

  it("says nothing for a pull request into a branch the app does not ingest on", async () => {
    const baseSha = await pushFiles(h.gh, "main", { "README.md": "fabric\n" }, "init");
    const headSha = await pushFiles(h.gh, "feature", sampleInbox(), "add inbox");
    const payload = prPayload("opened", { number: 6, headSha, headRef: "feature", baseSha });
    payload.pull_request.base.ref = "release";
    expect(await h.deliver("pull_request", payload)).toBe(200);
    expect(h.checkRunsFor(headSha)).toEqual([]);
  });
});

describe("a push that changes managed/ or updates a resource", () => {
  it("fails a hand edit with an unknown field, annotated on the managed file, and never rewrites it", async () => {
    await ingestedBase();
    const path = `${FABRIC_ROOT}/managed/vpcs/test-vpc.yaml`;
    const current = await gitIn(h.gh, "show", `HEAD:${path}`);
    const edited = `${current.replace("spec:\n", "spec:\n  colour: blue\n")}\n`;
    const pushed = await h.push({ [path]: edited }, "quick fix by hand");
    const [check] = await h.waitForChecks(pushed.after);
    expect(check?.conclusion).toBe("failure");
    const line = edited.split("\n").findIndex((l) => l.includes("colour")) + 1;
    expect(check?.annotations).toContainEqual(
      expect.objectContaining({ path, annotation_level: "failure", start_line: line }),
    );
    expect(await h.head()).toBe(pushed.after);
    expect(`${await gitIn(h.gh, "show", `HEAD:${path}`)}\n`).toBe(edited);
  });

  it("shows the field-level diff of what the ingestion updated", async () => {
    await ingestedBase();
    const pushed = await h.push({ [`${RAW}/vlan.yaml`]: vpcYaml("test-vpc", 1, 1099) }, "new vlan");
    const [check] = await h.waitForChecks(pushed.after);
    expect(check?.conclusion).toBe("success");
    expect(check?.output?.summary).toContain(
      "<details><summary>What changes in 1 updated resource</summary>",
    );
    expect(check?.output?.summary).toContain(
      "- spec.subnets.subnet-1.vlan: 1001\n+ spec.subnets.subnet-1.vlan: 1099",
    );
  });
});
