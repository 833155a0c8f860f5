import { describe, expect, it } from "vitest";
import { checkManagedEdits, type ManagedEditsInput } from "../../src/pipeline/check-managed.js";
import type { RawFile } from "../../src/pipeline/types.js";
import { locatedProblems } from "../../src/report/text.js";
import { FABRIC_ROOT, vpcYaml } from "../support/fabric.js";

const encoder = new TextEncoder();
const file = (path: string, text: string): RawFile => ({ path, bytes: encoder.encode(text) });
const managed = (rest: string) => `${FABRIC_ROOT}/managed/${rest}`;

const attachment = (name: string, vpc: string) => `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPCAttachment
metadata:
  name: ${name}
  namespace: default
spec:
  connection: server-01--unbundled--leaf-01
  subnet: ${vpc}/default
`;

function run(partial: Partial<ManagedEditsInput>) {
  const reports = checkManagedEdits({
    root: FABRIC_ROOT,
    edited: [],
    deleted: [],
    others: [],
    known: new Set(["VPC/vpc-1", "Connection/server-01--unbundled--leaf-01"]),
    ...partial,
  });
  const problems = locatedProblems({
    sourceCommit: "",
    roots: [{ root: FABRIC_ROOT, files: reports, ignored: [], counts: {} }],
  });
  return { reports, problems };
}

describe("hand edits under managed/", () => {
  it("accepts a valid edit that matches its path", () => {
    const { reports, problems } = run({
      edited: [file(managed("vpcs/vpc-1.yaml"), vpcYaml("vpc-1", 1, 1001))],
    });
    expect(reports.map((r) => r.verdict)).toEqual(["ingested"]);
    expect(problems).toEqual([]);
  });

  it("rejects an unknown field at its line, on the managed file", () => {
    const text = vpcYaml("vpc-1", 1, 1001).replace("spec:\n", "spec:\n  colour: blue\n");
    const { reports, problems } = run({ edited: [file(managed("vpcs/vpc-1.yaml"), text)] });
    expect(reports[0]?.verdict).toBe("rejected");
    const line = text.split("\n").findIndex((l) => l.includes("colour")) + 1;
    expect(problems).toContainEqual(
      expect.objectContaining({
        file: managed("vpcs/vpc-1.yaml"),
        level: "error",
        code: "unknown-field",
        line,
      }),
    );
  });

  it("rejects a file whose content names another resource than its path", () => {
    const { problems } = run({ edited: [file(managed("vpcs/vpc-1.yaml"), vpcYaml("vpc-9", 9, 1009))] });
    expect(problems).toContainEqual(
      expect.objectContaining({
        code: "managed-path-mismatch",
        level: "error",
        file: managed("vpcs/vpc-1.yaml"),
      }),
    );
    expect(problems.find((p) => p.code === "managed-path-mismatch")?.message).toContain(
      managed("vpcs/vpc-9.yaml"),
    );
  });

  it("rejects two resources in one managed file and a non-Hedgehog object under managed/", () => {
    const two = `${vpcYaml("vpc-1", 1, 1001)}---\n${vpcYaml("vpc-2", 2, 1002)}`;
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
    const { problems } = run({
      edited: [file(managed("vpcs/vpc-1.yaml"), two), file(managed("configmaps/x.yaml"), cm)],
    });
    expect(problems.map((p) => p.code)).toEqual(
      expect.arrayContaining(["managed-one-document", "managed-not-hedgehog"]),
    );
  });

  it("warns where a deleted resource is still referenced, at the referencing line", () => {
    const still = attachment("att-1", "vpc-2");
    const { reports, problems } = run({
      deleted: [file(managed("vpcs/vpc-2.yaml"), vpcYaml("vpc-2", 2, 1002))],
      others: [
        file(managed("vpcattachments/att-1.yaml"), still),
        file(managed("vpcs/vpc-1.yaml"), vpcYaml("vpc-1", 1, 1001)),
      ],
    });
    expect(reports.map((r) => r.path)).toEqual([managed("vpcattachments/att-1.yaml")]);
    expect(problems).toEqual([
      expect.objectContaining({
        level: "warning",
        code: "deleted-still-referenced",
        line: still.split("\n").findIndex((l) => l.includes("subnet:")) + 1,
      }),
    ]);
  });

  it("says nothing about a deletion nobody references, or one the change re-adds", () => {
    const { problems } = run({
      deleted: [file(managed("vpcs/vpc-1.yaml"), vpcYaml("vpc-1", 1, 1001))],
      others: [file(managed("vpcattachments/att-1.yaml"), attachment("att-1", "vpc-1"))],
    });
    // vpc-1 is still known (re-added from raw/ in the same change): not gone.
    expect(problems).toEqual([]);
  });
});

describe("hand edits under unmanaged/", () => {
  it("rejects an object moved to another namespace without moving its file", () => {
    const path = `${FABRIC_ROOT}/unmanaged/core/configmap/team-a/settings.yaml`;
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: team-b\n";
    const { problems } = run({ edited: [file(path, cm)] });
    expect(problems).toContainEqual(
      expect.objectContaining({ code: "managed-path-mismatch", file: path, line: 4 }),
    );
    const ok = cm.replace("team-b", "team-a");
    expect(run({ edited: [file(path, ok)] }).problems).toEqual([]);
  });
});
