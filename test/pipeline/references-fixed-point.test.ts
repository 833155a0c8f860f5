import { describe, expect, it } from "vitest";
import { RAW } from "../support/fabric.js";
import { ingestTree } from "../support/pipeline.js";

const vpc = (name: string, ipv4Namespace: string) =>
  `apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: ${name}\nspec:\n  ipv4Namespace: ${ipv4Namespace}\n  subnets:\n    subnet-1:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n`;
const peering = (name: string, a: string, b: string) =>
  `apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCPeering\nmetadata:\n  name: ${name}\nspec:\n  permit:\n    - ${a}: {}\n      ${b}: {}\n`;

const verdicts = (result: ReturnType<typeof ingestTree>) =>
  Object.fromEntries(result.report.roots[0]?.files.map((f) => [f.path, f.verdict]) ?? []);

describe("strict references reach a fixed point", () => {
  it("a reference to a resource whose file is rejected in the same run is unresolved, down the whole chain", () => {
    const result = ingestTree(
      {
        // vpc.yaml references a namespace nobody defines: rejected in strict mode…
        [`${RAW}/vpc.yaml`]: vpc("vpc-1", "missing-ns"),
        // …so peering.yaml, which references vpc-1, must be rejected too.
        [`${RAW}/peering.yaml`]: peering("vpc-1--vpc-2", "vpc-1", "vpc-2"),
        // A file with no unresolved reference stays ingested.
        [`${RAW}/ok.yaml`]: vpc("vpc-2", "default"),
      },
      { strict: true },
    );
    expect(verdicts(result)).toEqual({
      [`${RAW}/peering.yaml`]: "rejected",
      [`${RAW}/ok.yaml`]: "ingested",
      [`${RAW}/vpc.yaml`]: "rejected",
    });
    const peer = result.report.roots[0]?.files.find((f) => f.path === `${RAW}/peering.yaml`);
    const problems = peer?.documents[0]?.problems ?? [];
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ level: "error", code: "unresolved-reference", line: 7 });
    expect(problems[0]?.message).toContain(`defined in ${RAW}/vpc.yaml, which is rejected`);
    expect(result.plan.deletes).toEqual([`${RAW}/ok.yaml`]);
  });

  it("outside strict mode the same chain only warns and ingests both", () => {
    const result = ingestTree({
      [`${RAW}/vpc.yaml`]: vpc("vpc-1", "missing-ns"),
      [`${RAW}/ok.yaml`]: vpc("vpc-2", "default"),
      [`${RAW}/peering.yaml`]: peering("vpc-1--vpc-2", "vpc-1", "vpc-2"),
    });
    expect(Object.values(verdicts(result))).toEqual(["ingested", "ingested", "ingested"]);
    const peer = result.report.roots[0]?.files.find((f) => f.path === `${RAW}/peering.yaml`);
    expect(peer?.documents[0]?.problems).toEqual([]);
  });
});
