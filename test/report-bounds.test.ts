/** What a check run says about many problems: warnings in the summary, a bounded set of annotations. */
import { describe, expect, it } from "vitest";
import { MAX_PROBLEMS_PER_FILE } from "../src/pipeline/bound-problems.js";
import { FAIR_SHARE_PER_FILE, MAX_ANNOTATIONS } from "../src/report/annotation-budget.js";
import { checkResult } from "../src/report/check-result.js";
import { RAW } from "./support/fabric.js";
import { ingestTree } from "./support/pipeline.js";

const vpcWithMissingNamespace = (name: string) =>
  `apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: ${name}\nspec:\n  ipv4Namespace: ns-${name}\n  subnets:\n    subnet-1:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n`;

const invalidDocs = (n: number) => Array.from({ length: n }, (_, i) => `kind: Thing${i}\n`).join("---\n");

describe("the check summary shows warnings", () => {
  it("a success with 5 warnings counts them and lists each as file:line message", () => {
    const tree = Object.fromEntries(
      [1, 2, 3, 4, 5].map((i) => [`${RAW}/vpc-${i}.yaml`, vpcWithMissingNamespace(`vpc-${i}`)]),
    );
    const result = checkResult(ingestTree(tree).report);
    expect(result.conclusion).toBe("success");
    expect(result.summary).toContain("**Warnings: 5**");
    for (const i of [1, 2, 3, 4, 5])
      expect(result.summary).toContain(`${RAW}/vpc-${i}.yaml:6:3: warning: IPv4Namespace "ns-vpc-${i}"`);
  });

  it("lists the first ten and counts the rest", () => {
    const tree = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`${RAW}/vpc-${i}.yaml`, vpcWithMissingNamespace(`vpc-${i}`)]),
    );
    const summary = checkResult(ingestTree(tree).report).summary;
    expect(summary).toContain("**Warnings: 12**");
    expect(summary.match(/: warning: /g)).toHaveLength(10);
    expect(summary).toContain("… and 2 more (see annotations)");
  });
});

describe("an annotation flood is capped", () => {
  it("keeps at most 100 problems per file in the report, plus one that counts the rest", () => {
    const report = ingestTree({ [`${RAW}/flood.yaml`]: invalidDocs(1000) }).report;
    const file = report.roots[0]?.files[0];
    const problems = [...(file?.problems ?? []), ...(file?.documents.flatMap((d) => d.problems) ?? [])];
    expect(problems).toHaveLength(MAX_PROBLEMS_PER_FILE + 1);
    expect(file?.verdict).toBe("rejected");
    const more = file?.problems.find((p) => p.code === "more-problems");
    expect(more?.level).toBe("error");
    expect(more?.message).toMatch(/and \d+ more problems in this file/);
  });

  it("annotates at most 250 per run, every file its share first, errors before warnings, and says how many were left out", () => {
    const tree: Record<string, string> = {};
    for (let i = 0; i < 20; i++) tree[`${RAW}/bad-${String(i).padStart(2, "0")}.yaml`] = invalidDocs(40);
    for (let i = 0; i < 5; i++) tree[`${RAW}/warn-${i}.yaml`] = vpcWithMissingNamespace(`vpc-${i}`);
    const result = checkResult(ingestTree(tree).report);
    expect(result.annotations).toHaveLength(MAX_ANNOTATIONS);
    const perFile = new Map<string, number>();
    for (const a of result.annotations) perFile.set(a.path, (perFile.get(a.path) ?? 0) + 1);
    // First every file's share (errors before warnings): 20 × 10 errors and the 5 warning files' one
    // warning each; then the 45 left, most severe first in report order: the first file's next errors.
    expect(perFile.size).toBe(25);
    expect([...perFile.values()].sort((a, b) => a - b)).toEqual([
      ...Array(5).fill(1),
      ...Array(19).fill(FAIR_SHARE_PER_FILE),
      55,
    ]);
    expect(perFile.get(`${RAW}/bad-00.yaml`)).toBe(55);
    expect(result.annotations.filter((a) => a.annotation_level === "warning")).toHaveLength(5);
    expect(result.summary).toMatch(
      /\d+ more problems are not annotated \(\d+ errors, 0 warnings, 0 notices\)/,
    );
  });

  it("a small run annotates everything and says nothing about a budget", () => {
    const result = checkResult(ingestTree({ [`${RAW}/bad.yaml`]: invalidDocs(3) }).report);
    expect(result.annotations.length).toBeGreaterThan(0);
    expect(result.summary).not.toContain("not annotated");
  });
});
