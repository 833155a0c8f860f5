/** unmanaged/<group>/<kind>/<namespace>/<name>.yaml: objects that differ in group or namespace never share a file. */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { gitBlobSha } from "../../src/pipeline/git-blob.js";
import { ingest } from "../../src/pipeline/ingest.js";
import { checkResult } from "../../src/report/check-result.js";
import { commitMessage } from "../../src/report/commit-message.js";
import { FABRIC_ROOT, RAW } from "../support/fabric.js";
import { applyToTree, ingestTree, SOURCE, text } from "../support/pipeline.js";

const UNMANAGED = `${FABRIC_ROOT}/unmanaged`;
const configMap = (namespace: string | undefined, owner: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n${namespace ? `  namespace: ${namespace}\n` : ""}data:\n  owner: ${owner}\n`;
const widget = (group: string) => `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: w\n`;

const unmanagedPaths = (tree: Record<string, unknown>) =>
  Object.keys(tree)
    .filter((p) => p.startsWith(`${UNMANAGED}/`))
    .sort();

describe("the unmanaged layout", () => {
  it("two ConfigMaps named settings in team-a and team-b, in one push, get a file each", () => {
    const tree = { [`${RAW}/a.yaml`]: configMap("team-a", "a"), [`${RAW}/b.yaml`]: configMap("team-b", "b") };
    const result = ingestTree(tree);
    expect(result.report.roots[0]?.files.map((f) => f.verdict)).toEqual(["ingested", "ingested"]);
    expect(unmanagedPaths(applyToTree(tree, result))).toEqual([
      `${UNMANAGED}/core/configmap/team-a/settings.yaml`,
      `${UNMANAGED}/core/configmap/team-b/settings.yaml`,
    ]);
  });

  it("in separate pushes the second does not overwrite the first", () => {
    const first = { [`${RAW}/a.yaml`]: configMap("team-a", "a") };
    const after = applyToTree(first, ingestTree(first));
    const second = { ...after, [`${RAW}/b.yaml`]: configMap("team-b", "b") };
    const result = ingestTree(second);
    expect(result.report.roots[0]?.counts.ConfigMap).toEqual({ created: 1, updated: 0, unchanged: 0 });
    const final = applyToTree(second, result);
    expect(text(final[`${UNMANAGED}/core/configmap/team-a/settings.yaml`])).toContain("owner: a");
    expect(text(final[`${UNMANAGED}/core/configmap/team-b/settings.yaml`])).toContain("owner: b");
  });

  it("the same kind name in two API groups, and an object without a namespace, get their own folders", () => {
    const tree = {
      [`${RAW}/w.yaml`]: `${widget("a.example.com")}---\n${widget("b.example.com")}`,
      [`${RAW}/c.yaml`]: configMap(undefined, "x"),
    };
    expect(unmanagedPaths(applyToTree(tree, ingestTree(tree)))).toEqual([
      `${UNMANAGED}/a.example.com/widget/_none/w.yaml`,
      `${UNMANAGED}/b.example.com/widget/_none/w.yaml`,
      `${UNMANAGED}/core/configmap/_none/settings.yaml`,
    ]);
  });

  it("a namespace or API group that cannot be a folder name is an error at its line", () => {
    const result = ingestTree({
      [`${RAW}/ns.yaml`]: configMap("../../escape", "x"),
      [`${RAW}/group.yaml`]: widget("Bad_Group"),
    });
    const problems = result.report.roots[0]?.files.map((f) =>
      f.documents[0]?.problems.map((p) => [p.code, p.line]),
    );
    expect(problems).toEqual([[["invalid-api-group", 1]], [["invalid-namespace", 5]]]);
    expect(result.plan.writes).toEqual([]);
  });
});

describe("migration from unmanaged/<kind>/<name>.yaml", () => {
  const legacyA = configMap("team-a", "a");
  const tree = {
    [`${RAW}/.gitkeep`]: "",
    [`${UNMANAGED}/configmap/settings.yaml`]: legacyA,
    [`${UNMANAGED}/widget/w.yaml`]: widget("a.example.com"),
  };

  it("moves old-layout files to their group/kind/namespace path, reusing the blob", () => {
    const result = ingestTree(tree);
    const moves = result.plan.writes.filter((w) => w.reason === "moved");
    expect(moves.map((w) => [w.path, w.blobSha])).toEqual([
      [`${UNMANAGED}/core/configmap/team-a/settings.yaml`, gitBlobSha(new TextEncoder().encode(legacyA))],
      [
        `${UNMANAGED}/a.example.com/widget/_none/w.yaml`,
        gitBlobSha(new TextEncoder().encode(widget("a.example.com"))),
      ],
    ]);
    expect(result.plan.deletes.sort()).toEqual([
      `${UNMANAGED}/configmap/settings.yaml`,
      `${UNMANAGED}/widget/w.yaml`,
    ]);
    expect(checkResult(result.report).title).toBe("Moved 2 unmanaged files to the new layout");
    expect(commitMessage(result.report)).toContain(
      `- ${UNMANAGED}/configmap/settings.yaml -> ${UNMANAGED}/core/configmap/team-a/settings.yaml`,
    );
    const after = applyToTree(tree, result);
    expect(unmanagedPaths(after)).toEqual([
      `${UNMANAGED}/a.example.com/widget/_none/w.yaml`,
      `${UNMANAGED}/core/configmap/team-a/settings.yaml`,
    ]);
    expect(ingestTree(after).plan).toEqual({ writes: [], deletes: [] });
  });

  it("a push of the same object in the new layout supersedes the old file, which is deleted", () => {
    const pushed = { ...tree, [`${RAW}/a.yaml`]: configMap("team-a", "newer") };
    const after = applyToTree(pushed, ingestTree(pushed));
    expect(text(after[`${UNMANAGED}/core/configmap/team-a/settings.yaml`])).toContain("owner: newer");
    expect(after[`${UNMANAGED}/configmap/settings.yaml`]).toBeUndefined();
  });

  it("leaves a file it cannot place and says why: target taken, bytes not given", () => {
    const taken = ingestTree({
      ...tree,
      [`${UNMANAGED}/core/configmap/team-a/settings.yaml`]: configMap("team-a", "other"),
    });
    expect(taken.report.roots[0]?.unmoved).toEqual([
      {
        path: `${UNMANAGED}/configmap/settings.yaml`,
        reason: `${UNMANAGED}/core/configmap/team-a/settings.yaml exists with other content: keep one of the two by hand`,
      },
    ]);
    expect(taken.plan.deletes).not.toContain(`${UNMANAGED}/configmap/settings.yaml`);

    const blind = ingest({
      sourceCommit: SOURCE,
      current: new Map([[`${UNMANAGED}/configmap/settings.yaml`, "0".repeat(40)]]),
      roots: [{ root: FABRIC_ROOT, raw: [], hasGitkeep: true }],
    });
    expect(blind.plan).toEqual({ writes: [], deletes: [] });
    expect(checkResult(blind.report).annotations).toContainEqual(
      expect.objectContaining({
        path: `${UNMANAGED}/configmap/settings.yaml`,
        annotation_level: "warning",
        title: "unmanaged-layout",
      }),
    );
  });

  it("gitops-ingest apply moves them on disk", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gitops-layout-"));
    try {
      for (const [path, content] of Object.entries(tree)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
      const bin = join(import.meta.dirname, "..", "..", "bin", "gitops-ingest.js");
      await promisify(execFile)(process.execPath, [bin, "apply", dir, "--commit", SOURCE]);
      expect(await readdir(join(dir, UNMANAGED))).toEqual(["a.example.com", "core"]);
      expect(await readFile(join(dir, UNMANAGED, "core/configmap/team-a/settings.yaml"), "utf8")).toBe(
        legacyA,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
