/** Where the fabric's admission is the judge, the pipeline follows it (issue 10, item 11). */
import { describe, expect, it } from "vitest";
import { RAW } from "../support/fabric.js";
import { ingestTree } from "../support/pipeline.js";

const fileOf = (result: ReturnType<typeof ingestTree>) => result.report.roots[0]?.files[0];

describe("a reference to a name that can never be valid for its kind", () => {
  it("an ExternalAttachment naming an External of 12 characters is an error and the file is rejected", () => {
    const result = ingestTree({
      [`${RAW}/ext-attach.yaml`]: [
        "apiVersion: vpc.githedgehog.com/v1beta1",
        "kind: ExternalAttachment",
        "metadata:",
        "  name: leaf-01--ext",
        "spec:",
        "  external: external-abc",
        "  connection: leaf-01--external",
        "  switch:",
        "    ip: 100.100.0.6/24",
        "    vlan: 100",
        "  neighbor:",
        "    asn: 65102",
        "    ip: 100.100.0.1",
        "",
      ].join("\n"),
    });
    const file = fileOf(result);
    expect(file?.verdict).toBe("rejected");
    expect(file?.documents[0]?.problems.find((p) => p.code === "reference-invalid")).toMatchObject({
      level: "error",
      line: 6,
    });
    expect(result.plan.writes).toEqual([]);
  });

  it("a VPCAttachment naming a VPC of 12 characters is rejected too", () => {
    const result = ingestTree({
      [`${RAW}/attach.yaml`]:
        "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCAttachment\nmetadata:\n  name: att\nspec:\n  connection: server-01--unbundled--leaf-01\n  subnet: vpc-too-long/default\n",
    });
    expect(fileOf(result)?.verdict).toBe("rejected");
    expect(fileOf(result)?.documents[0]?.problems.map((p) => [p.level, p.code])).toContainEqual([
      "error",
      "reference-invalid",
    ]);
  });
});

describe("deprecated MCLAG objects: only the deprecation warning, as admission does", () => {
  it("an mclagDomain connection with old EthernetN port names is ingested with the warning", () => {
    const result = ingestTree({
      [`${RAW}/mclag.yaml`]: [
        "apiVersion: wiring.githedgehog.com/v1beta1",
        "kind: Connection",
        "metadata:",
        "  name: leaf-01--mclag-domain--leaf-02",
        "spec:",
        "  mclagDomain:",
        "    peerLinks:",
        "      - switch1:",
        "          port: leaf-01/Ethernet0",
        "        switch2:",
        "          port: leaf-02/Ethernet0",
        "    sessionLinks:",
        "      - switch1:",
        "          port: leaf-01/Ethernet4",
        "        switch2:",
        "          port: leaf-02/Ethernet4",
        "",
      ].join("\n"),
    });
    const file = fileOf(result);
    expect(file?.verdict).toBe("ingested");
    const problems = file?.documents[0]?.problems ?? [];
    expect(problems.filter((p) => p.level === "error")).toEqual([]);
    expect(problems.find((p) => p.code === "mclag-deprecated")).toMatchObject({ level: "warning", line: 6 });
    expect(problems.some((p) => p.code === "switch-port-name")).toBe(false);
    expect(result.plan.writes.map((w) => w.path)).toContain(
      "gitops/hedgehog/fabric-1/managed/connections/leaf-01--mclag-domain--leaf-02.yaml",
    );
  });
});
