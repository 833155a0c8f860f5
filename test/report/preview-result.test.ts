import { describe, expect, it } from "vitest";
import { gitBlobSha } from "../../src/pipeline/git-blob.js";
import { previewResult } from "../../src/report/preview-result.js";
import { updatedPaths, updatedResources } from "../../src/report/updated-resources.js";
import { FABRIC_ROOT, RAW, sampleInbox, vpcYaml } from "../support/fabric.js";
import { applyToTree, ingestTree } from "../support/pipeline.js";

const encoder = new TextEncoder();

describe("the pull-request preview's check result", () => {
  it("speaks in the conditional and keeps the per-kind table", () => {
    const { report } = ingestTree(sampleInbox());
    const result = previewResult(report, [], []);
    expect(result.title).toBe("Would ingest 48 resources from 3 files");
    expect(result.conclusion).toBe("success");
    expect(result.summary).toContain("| VPC | 2 | 0 | 0 |");
    expect(result.summary).toContain("nothing is committed until it is merged");
  });

  it("says how many files would be rejected", () => {
    const { report } = ingestTree({ ...sampleInbox(), [`${RAW}/broken.yaml`]: "kind: [\n" });
    const result = previewResult(report, [], []);
    expect(result.title).toBe("1 of 4 files would be rejected");
    expect(result.conclusion).toBe("failure");
    expect(result.annotations).toContainEqual(
      expect.objectContaining({ path: `${RAW}/broken.yaml`, annotation_level: "failure" }),
    );
  });

  it("shows what an update changes, read from the current managed file", () => {
    const first = ingestTree({ [`${RAW}/v.yaml`]: vpcYaml("vpc-1", 1, 1001) });
    const tree = applyToTree({ [`${RAW}/v.yaml`]: vpcYaml("vpc-1", 1, 1001) }, first);
    const { report } = ingestTree({ ...tree, [`${RAW}/v2.yaml`]: vpcYaml("vpc-1", 1, 1002) });
    const managed = `${FABRIC_ROOT}/managed/vpcs/vpc-1.yaml`;
    expect(updatedPaths(report)).toEqual([managed]);
    const current = tree[managed];
    const bytes = typeof current === "string" ? encoder.encode(current) : current;
    expect(bytes && gitBlobSha(bytes)).toBeTruthy();
    const updated = updatedResources(report, (path) => (path === managed ? bytes : undefined));
    const result = previewResult(report, [], updated);
    expect(result.title).toBe("Would ingest 1 resource from 1 file");
    expect(result.summary).toContain(
      "- spec.subnets.subnet-1.vlan: 1001\n+ spec.subnets.subnet-1.vlan: 1002",
    );
  });
});
