import { describe, expect, it } from "vitest";
import { diffMarkdown, dotted, fieldChanges } from "../../src/report/field-diff.js";

const vpc = (vlan: number, extra: Record<string, unknown> = {}) => ({
  apiVersion: "vpc.githedgehog.com/v1beta1",
  kind: "VPC",
  metadata: { name: "vpc-1", namespace: "default" },
  spec: { subnets: { default: { subnet: "10.0.1.0/24", vlan, ...extra } } },
});

describe("field-level diff of an updated resource", () => {
  it("names the one field that changed, with both values", () => {
    expect(fieldChanges(vpc(1001), vpc(1002))).toEqual([
      { path: ["spec", "subnets", "default", "vlan"], change: "changed", before: 1001, after: 1002 },
    ]);
  });

  it("tells added and removed fields and list items apart", () => {
    const before = { spec: { a: 1, list: ["x", "y"] } };
    const after = { spec: { b: 2, list: ["x"] } };
    expect(fieldChanges(before, after)).toEqual([
      { path: ["spec", "a"], change: "removed", before: 1 },
      { path: ["spec", "list", 1], change: "removed", before: "y" },
      { path: ["spec", "b"], change: "added", after: 2 },
    ]);
  });

  it("finds nothing between equal objects, whatever their key order", () => {
    expect(fieldChanges({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it("renders a collapsed diff block per updated file", () => {
    const md = diffMarkdown([{ path: "f/managed/vpcs/vpc-1.yaml", before: vpc(1001), after: vpc(1002) }]);
    expect(md).toMatch(/^<details><summary>What changes in 1 updated resource<\/summary>/);
    expect(md).toContain(
      "`f/managed/vpcs/vpc-1.yaml`\n```diff\n- spec.subnets.default.vlan: 1001\n+ spec.subnets.default.vlan: 1002\n```",
    );
    expect(md.endsWith("</details>")).toBe(true);
    expect(diffMarkdown([])).toBe("");
  });

  it("stays within its size bound and says how much it left out", () => {
    const updated = Array.from({ length: 500 }, (_, i) => ({
      path: `f/managed/vpcs/vpc-${i}.yaml`,
      before: vpc(1000, { note: "x".repeat(300) }),
      after: vpc(1001, { note: "y".repeat(300) }),
    }));
    const md = diffMarkdown(updated, { perResource: 20, maxChars: 5_000, valueChars: 40 });
    expect(md.length).toBeLessThanOrEqual(5_000);
    expect(md).toMatch(/… and \d+ more updated resources not shown\./);
    expect(md).toContain("…"); // long values are cut
  });

  it("caps the changes shown for one resource", () => {
    const before = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
    const after = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i + 1]));
    const md = diffMarkdown([{ path: "p.yaml", before, after }], {
      perResource: 5,
      maxChars: 10_000,
      valueChars: 80,
    });
    expect(md).toContain("# … and 25 more changes");
  });

  it("writes paths the way kubectl users read them", () => {
    expect(dotted(["spec", "subnets", "a.b", "dhcp", "range", 0])).toBe('spec.subnets."a.b".dhcp.range[0]');
  });
});
