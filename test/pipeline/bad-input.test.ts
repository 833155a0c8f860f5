/** Bad input gets a clear error at a line, the file stays in raw/, and the run goes on. */
import { describe, expect, it } from "vitest";
import { discoverRoots } from "../../src/pipeline/discover.js";
import { FABRIC_ROOT, RAW, vpcYaml } from "../support/fabric.js";
import { ingestTree } from "../support/pipeline.js";

const GOOD = `${RAW}/good.yaml`;

/** Runs one bad file beside a good one; returns the bad file's problems after checking the good one went ahead. */
function problemsOf(content: string | Uint8Array, options = {}) {
  const result = ingestTree({ [`${RAW}/bad.yaml`]: content, [GOOD]: vpcYaml("good", 1, 1001) }, options);
  expect(result.plan.deletes).toEqual([GOOD]);
  const bad = result.report.roots[0]?.files.find((f) => f.path === `${RAW}/bad.yaml`);
  expect(bad?.verdict).toBe("rejected");
  return [...(bad?.problems ?? []), ...(bad?.documents.flatMap((d) => d.problems) ?? [])];
}

describe("files that are not valid YAML", () => {
  it("reports a syntax error at its line", () => {
    const problems = problemsOf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [unclosed\n");
    expect(problems[0]).toMatchObject({ level: "error", code: "yaml-syntax" });
    expect(problems[0]?.line).toBeGreaterThanOrEqual(5);
  });

  it("reports duplicate keys at the second key", () => {
    const problems = problemsOf(`${vpcYaml("dup", 2, 1002)}metadata:\n  name: other\n`);
    expect(problems[0]).toMatchObject({ code: "duplicate-key", line: 12 });
  });

  it("refuses an alias bomb instead of expanding it", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
    ].join("\n");
    expect(problemsOf(bomb)[0]).toMatchObject({ code: "alias-limit", line: 1 });
  });

  it("rejects non-UTF-8 bytes with the offset and line", () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("a: 1\nb: caf"), 0xe9, 0x0a]);
    expect(problemsOf(bytes)[0]).toMatchObject({ code: "encoding", line: 2, column: 7 });
  });

  it("rejects binary content", () => {
    expect(problemsOf(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]))[0]).toMatchObject({
      code: "binary",
    });
  });

  it("rejects a file over the size limit without parsing it", () => {
    const problems = problemsOf("x: [\n".repeat(2000), { maxFileBytes: 1000 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "file-too-large" });
    expect(problems[0]?.message).toContain("over the 1000 B limit");
  });
});

describe("hostile and invalid names", () => {
  it.each([
    ["../../../.github/workflows/evil", "invalid-name"],
    ["UPPER", "invalid-name"],
    ["a/b", "invalid-name"],
    ["x".repeat(254), "name-too-long"],
  ])("rejects %j and writes nothing outside the root", (name, code) => {
    const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${JSON.stringify(name)}\n`;
    const problems = problemsOf(doc);
    expect(problems[0]).toMatchObject({ code, line: 4 });
  });

  it("rejects kinds that could not be a folder name", () => {
    expect(problemsOf("apiVersion: v1\nkind: ../x\nmetadata:\n  name: a\n")[0]).toMatchObject({
      code: "kind",
      line: 2,
    });
  });
});

describe("Hedgehog versions and kinds", () => {
  it("tells users of the retired v1alpha2 to use v1beta1", () => {
    const problems = problemsOf(vpcYaml("old", 1, 1001).replace("v1beta1", "v1alpha2"));
    expect(problems[0]).toMatchObject({
      code: "retired-version",
      line: 1,
      hint: "use apiVersion: vpc.githedgehog.com/v1beta1",
    });
  });

  it("rejects kinds that no longer exist in a Hedgehog group", () => {
    const problems = problemsOf(
      "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Rack\nmetadata:\n  name: r1\n",
    );
    expect(problems[0]).toMatchObject({ code: "unknown-kind", line: 2 });
  });

  it("rejects controller-generated kinds", () => {
    const problems = problemsOf(
      "apiVersion: agent.githedgehog.com/v1beta1\nkind: Agent\nmetadata:\n  name: leaf-01\nspec: {}\n",
    );
    expect(problems[0]).toMatchObject({ code: "generated-kind" });
  });

  it("places schema problems at the offending key with a hint", () => {
    const problems = problemsOf(vpcYaml("typo", 1, 1001).replace("vlan:", "vlna:"));
    const unknown = problems.find((p) => p.code === "unknown-field");
    expect(unknown).toMatchObject({ line: 11, column: 7, path: ["spec", "subnets", "subnet-1", "vlna"] });
    expect(unknown?.hint).toContain('did you mean "vlan"');
  });

  it("rejects a namespace other than default", () => {
    const problems = problemsOf(vpcYaml("ns", 1, 1001).replace("namespace: default", "namespace: fab"));
    expect(problems[0]).toMatchObject({ code: "namespace", line: 5 });
  });
});

describe("discovery", () => {
  it("finds every inbox under gitops/, the shortest raw/ winning, and never the app's own folders", () => {
    const roots = discoverRoots([
      `${RAW}/a.yaml`,
      `${RAW}/nested/raw/b.yml`,
      `${RAW}/.gitkeep`,
      `${RAW}/notes.txt`,
      `${FABRIC_ROOT}/archive/0123456/nested/raw/b.yml`,
      `${FABRIC_ROOT}/managed/vpcs/raw/x.yaml`,
      "gitops/other/raw/c.yaml",
      "elsewhere/raw/d.yaml",
    ]);
    expect(roots).toEqual([
      {
        root: FABRIC_ROOT,
        rawPaths: [`${RAW}/a.yaml`, `${RAW}/nested/raw/b.yml`],
        ignoredPaths: [`${RAW}/notes.txt`],
        hasGitkeep: true,
      },
      { root: "gitops/other", rawPaths: ["gitops/other/raw/c.yaml"], ignoredPaths: [], hasGitkeep: false },
    ]);
  });

  it("follows configured globs", () => {
    const roots = discoverRoots(["fabrics/east/raw/a.yaml", "gitops/x/raw/b.yaml"], ["fabrics/*/raw"]);
    expect(roots.map((r) => r.root)).toEqual(["fabrics/east"]);
  });
});
