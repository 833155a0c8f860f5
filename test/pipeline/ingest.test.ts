import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { gitBlobSha } from "../../src/pipeline/git-blob.js";
import { MANAGED_HEADER } from "../../src/pipeline/normalize.js";
import { checkResult } from "../../src/report/check-result.js";
import { FABRIC_ROOT, RAW, SAMPLE_COUNTS, sampleInbox, vpcYaml } from "../support/fabric.js";
import { applyToTree, ingestTree, SOURCE, type Tree, text, writeText } from "../support/pipeline.js";

const counts = (result: ReturnType<typeof ingestTree>) => result.report.roots[0]?.counts ?? {};
const created = (result: ReturnType<typeof ingestTree>) =>
  Object.fromEntries(Object.entries(counts(result)).map(([k, c]) => [k, c.created]));
const fileReport = (result: ReturnType<typeof ingestTree>, path: string) =>
  result.report.roots.flatMap((r) => r.files).find((f) => f.path === path);

describe("the sample inbox (3 files, 48 resources)", () => {
  const tree: Tree = { ...sampleInbox(), "README.md": "# fabric\n" };
  const result = ingestTree(tree);

  it("plans 48 created resources per kind and rejects nothing", () => {
    expect(created(result)).toEqual(SAMPLE_COUNTS);
    expect(result.report.roots[0]?.files.map((f) => f.verdict)).toEqual(["ingested", "ingested", "ingested"]);
  });

  it("writes one file per resource under managed/<plural>/, archives originals by blob, removes them from raw/ and keeps .gitkeep", () => {
    const managed = result.plan.writes.filter((w) => w.path.includes("/managed/"));
    expect(managed).toHaveLength(48);
    expect(managed.map((w) => w.path)).toContain(
      `${FABRIC_ROOT}/managed/connections/server-01--unbundled--leaf-01.yaml`,
    );
    expect(managed.map((w) => w.path)).toContain(`${FABRIC_ROOT}/managed/vpcs/test-vpc.yaml`);
    const archived = result.plan.writes.filter((w) => w.reason === "archived");
    expect(archived.map((w) => w.path).sort()).toEqual([
      `${FABRIC_ROOT}/archive/0123456/prepop.yaml`,
      `${FABRIC_ROOT}/archive/0123456/test-vpc-2.yaml`,
      `${FABRIC_ROOT}/archive/0123456/test-vpc.yaml`,
    ]);
    expect(archived.every((w) => w.blobSha && !w.bytes)).toBe(true);
    expect(result.plan.deletes.sort()).toEqual(Object.keys(sampleInbox()).sort());
    expect(result.plan.writes.find((w) => w.reason === "gitkeep")?.path).toBe(`${RAW}/.gitkeep`);
  });

  it("normalizes: header, key order, explicit namespace, MACs kept as strings", () => {
    const sw = writeText(result, `${FABRIC_ROOT}/managed/switches/leaf-01.yaml`);
    expect(sw.startsWith(MANAGED_HEADER)).toBe(true);
    expect(sw.slice(MANAGED_HEADER.length).split("\n").slice(0, 5)).toEqual([
      "apiVersion: wiring.githedgehog.com/v1beta1",
      "kind: Switch",
      "metadata:",
      "  name: leaf-01",
      "  namespace: default",
    ]);
    expect(parse(sw).spec.boot.mac).toBe("0c:20:12:fe:00:00");
  });

  it("a second run over the committed tree has nothing to do", () => {
    const after = applyToTree(tree, result);
    expect(Object.keys(after).filter((p) => p.startsWith(`${RAW}/`))).toEqual([`${RAW}/.gitkeep`]);
    const again = ingestTree(after);
    expect(again.plan).toEqual({ writes: [], deletes: [] });
    expect(again.report.roots[0]?.files).toEqual([]);
  });

  it("re-adding the same files finds every resource unchanged and rewrites none", () => {
    const after = applyToTree(tree, result);
    const again = ingestTree({ ...after, ...sampleInbox() }, {}, "fedcba9876543210fedcba9876543210fedcba98");
    expect(Object.values(counts(again)).reduce((n, c) => n + c.unchanged, 0)).toBe(48);
    expect(again.plan.writes.filter((w) => w.path.includes("/managed/"))).toEqual([]);
    expect(again.plan.writes.map((w) => w.path)).toContain(`${FABRIC_ROOT}/archive/fedcba9/prepop.yaml`);
  });

  it("a changed resource is updated, the others unchanged", () => {
    const after = applyToTree(tree, result);
    const again = ingestTree({ ...after, [`${RAW}/vpc.yaml`]: vpcYaml("test-vpc", 1, 1500) });
    expect(counts(again)).toEqual({ VPC: { created: 0, updated: 1, unchanged: 0 } });
    expect(
      parse(writeText(again, `${FABRIC_ROOT}/managed/vpcs/test-vpc.yaml`)).spec.subnets["subnet-1"].vlan,
    ).toBe(1500);
  });
});

describe("a run that only shows its result (reportObjects and planBytes off, as the CLI's check and plan)", () => {
  const unresolved =
    "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCAttachment\nmetadata:\n  name: att-1\nspec:\n  connection: server-01--unbundled--leaf-01\n  subnet: vpc-1/default\n";
  const tree: Tree = { ...sampleInbox(), [`${RAW}/att.yaml`]: unresolved };
  const full = ingestTree(tree);
  const lean = ingestTree(tree, { reportObjects: false, planBytes: false });

  it("keeps the normalized objects by default, for the database", () => {
    const documents = full.report.roots.flatMap((r) => r.files.flatMap((f) => f.documents));
    expect(documents.every((d) => d.target !== "managed" || d.object !== undefined)).toBe(true);
  });

  it("reports the same documents, problems and positions, without the objects", () => {
    const withoutObjects = JSON.parse(
      JSON.stringify(full.report, (k, v) => (k === "object" ? undefined : v)),
    );
    expect(lean.report).toEqual(withoutObjects);
    const att = lean.report.roots[0]?.files.find((f) => f.path === `${RAW}/att.yaml`);
    // The sample inbox has the connection, not the VPC: the warning is found after the file is done.
    expect(att?.documents[0]?.problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ["unresolved-reference", 7, 3],
    ]);
  });

  it("plans the same writes, new content named by the blob SHA of the bytes a full run writes", () => {
    expect(lean.plan.deletes).toEqual(full.plan.deletes);
    expect(lean.plan.writes.map((w) => [w.path, w.reason])).toEqual(
      full.plan.writes.map((w) => [w.path, w.reason]),
    );
    full.plan.writes.forEach((write, i) => {
      const planned = lean.plan.writes[i];
      if (write.reason !== "created") expect(planned).toEqual(write);
      else
        expect(planned).toEqual({
          path: write.path,
          reason: "created",
          blobSha: gitBlobSha(write.bytes ?? new Uint8Array()),
        });
    });
  });
});

describe("determinism", () => {
  it("gives the same bytes for the same input, whatever order the files come in", () => {
    const files = Object.entries(sampleInbox());
    const reference = ingestTree(Object.fromEntries(files));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(files, { minLength: files.length, maxLength: files.length }),
        (shuffled) => {
          const result = ingestTree(Object.fromEntries(shuffled));
          expect(result.plan).toEqual(reference.plan);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("normalizes any reordering of a document's keys to the same top-level order", () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(["apiVersion", "kind", "metadata", "spec"], { minLength: 4, maxLength: 4 }),
        (order) => {
          const parts: Record<string, string> = {
            apiVersion: "apiVersion: vpc.githedgehog.com/v1beta1",
            kind: "kind: IPv4Namespace",
            metadata: "metadata:\n  name: ipns-1",
            spec: "spec:\n  subnets:\n  - 10.10.0.0/16",
          };
          const result = ingestTree({ [`${RAW}/ns.yaml`]: `${order.map((k) => parts[k]).join("\n")}\n` });
          const out = writeText(result, `${FABRIC_ROOT}/managed/ipv4namespaces/ipns-1.yaml`);
          expect(out.slice(MANAGED_HEADER.length)).toBe(
            "apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: ipns-1\n  namespace: default\nspec:\n  subnets:\n  - 10.10.0.0/16\n",
          );
        },
      ),
      { numRuns: 24 },
    );
  });
});

describe("per-file atomicity", () => {
  it("holds back a whole file when one of its documents is invalid, and ingests the other files", () => {
    const bad = `${vpcYaml("good-vpc", 3, 1003)}---\n${vpcYaml("this-name-is-too-long", 4, 1004)}`;
    const result = ingestTree({ [`${RAW}/bad.yaml`]: bad, [`${RAW}/ok.yaml`]: vpcYaml("ok-vpc", 5, 1005) });
    const badReport = fileReport(result, `${RAW}/bad.yaml`);
    expect(badReport?.verdict).toBe("rejected");
    const problem = badReport?.documents[1]?.problems[0];
    expect(problem).toMatchObject({ level: "error", code: "name-too-long", line: 16 });
    expect(result.plan.deletes).toEqual([`${RAW}/ok.yaml`]);
    expect(result.plan.writes.map((w) => w.path)).not.toContain(`${FABRIC_ROOT}/managed/vpcs/good-vpc.yaml`);
    expect(result.plan.writes.map((w) => w.path)).toContain(`${FABRIC_ROOT}/managed/vpcs/ok-vpc.yaml`);
  });

  it("rejects both files when two documents share one identity", () => {
    const result = ingestTree({
      [`${RAW}/a.yaml`]: vpcYaml("same", 1, 1001),
      [`${RAW}/b.yaml`]: vpcYaml("same", 2, 1002),
    });
    expect(result.report.roots[0]?.files.map((f) => f.verdict)).toEqual(["rejected", "rejected"]);
    const problem = fileReport(result, `${RAW}/a.yaml`)?.documents[0]?.problems[0];
    expect(problem?.code).toBe("identity-clash");
    expect(problem?.message).toContain(`${RAW}/b.yaml:1`);
    expect(result.plan).toEqual({ writes: [], deletes: [] });
  });

  it("rejects a file that defines one resource twice", () => {
    const result = ingestTree({
      [`${RAW}/a.yaml`]: `${vpcYaml("same", 1, 1001)}---\n${vpcYaml("same", 2, 1002)}`,
    });
    expect(fileReport(result, `${RAW}/a.yaml`)?.verdict).toBe("rejected");
  });
});

describe("mixed and odd content", () => {
  it("sends Hedgehog kinds to managed/ and other Kubernetes objects to unmanaged/ as written", () => {
    const configMap =
      "# keep me\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fabric-notes\ndata:\n  owner:   netops   # spacing kept\n";
    const result = ingestTree({ [`${RAW}/mixed.yaml`]: `${vpcYaml("v1", 1, 1001)}---\n${configMap}` });
    expect(fileReport(result, `${RAW}/mixed.yaml`)?.verdict).toBe("ingested");
    expect(writeText(result, `${FABRIC_ROOT}/unmanaged/core/configmap/_none/fabric-notes.yaml`)).toBe(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fabric-notes\ndata:\n  owner:   netops   # spacing kept\n",
    );
    expect(result.plan.writes.map((w) => w.path)).toContain(`${FABRIC_ROOT}/managed/vpcs/v1.yaml`);
  });

  it("rejects documents that are not Kubernetes objects", () => {
    const result = ingestTree({ [`${RAW}/notes.yaml`]: "hello: world\n" });
    expect(fileReport(result, `${RAW}/notes.yaml`)?.documents[0]?.problems[0]).toMatchObject({
      code: "not-kubernetes",
      line: 1,
    });
    expect(result.plan.deletes).toEqual([]);
  });

  it("archives an empty or comment-only file with a notice", () => {
    const result = ingestTree({ [`${RAW}/empty.yaml`]: "# nothing here yet\n---\n" });
    const report = fileReport(result, `${RAW}/empty.yaml`);
    expect(report?.verdict).toBe("empty");
    expect(report?.problems[0]).toMatchObject({ level: "notice", code: "empty-file" });
    expect(result.plan.deletes).toEqual([`${RAW}/empty.yaml`]);
    expect(result.plan.writes.map((w) => w.path)).toContain(`${FABRIC_ROOT}/archive/0123456/empty.yaml`);
  });

  it("strips server-populated fields from `kubectl get -o yaml` output", () => {
    const exported = [
      "apiVersion: wiring.githedgehog.com/v1beta1",
      "kind: Server",
      "metadata:",
      "  annotations:",
      "    kubectl.kubernetes.io/last-applied-configuration: '{}'",
      "  creationTimestamp: '2024-10-10T10:10:10Z'",
      "  generation: 3",
      "  name: server-09",
      "  namespace: default",
      "  resourceVersion: '12345'",
      "  uid: 6b1d0d9e-0000-4000-8000-000000000000",
      "spec:",
      "  description: exported",
      "status: {}",
    ].join("\n");
    const result = ingestTree({ [`${RAW}/export.yaml`]: exported });
    const out = writeText(result, `${FABRIC_ROOT}/managed/servers/server-09.yaml`);
    expect(parse(out)).toEqual({
      apiVersion: "wiring.githedgehog.com/v1beta1",
      kind: "Server",
      metadata: { name: "server-09", namespace: "default" },
      spec: { description: "exported" },
    });
  });

  it("takes the items of a `kubectl get -o yaml` List one by one, each at its own line", () => {
    const list = [
      "apiVersion: v1",
      "kind: List",
      "items:",
      "- apiVersion: vpc.githedgehog.com/v1beta1",
      "  kind: VPC",
      "  metadata:",
      "    name: vpc-1",
      "    namespace: default",
      "    resourceVersion: '4242'",
      "  spec:",
      "    subnets:",
      "      default:",
      "        subnet: 10.0.1.0/24",
      "        vlan: 1001",
      "  status: {}",
      "- apiVersion: v1",
      "  kind: ConfigMap",
      "  metadata:",
      "    name: notes",
      "  data:",
      "    owner: netops",
      "metadata:",
      "  resourceVersion: ''",
    ].join("\n");
    const result = ingestTree({ [`${RAW}/export.yaml`]: list });
    expect(fileReport(result, `${RAW}/export.yaml`)?.documents.map((d) => [d.kind, d.name, d.line])).toEqual([
      ["VPC", "vpc-1", 4],
      ["ConfigMap", "notes", 16],
    ]);
    expect(parse(writeText(result, `${FABRIC_ROOT}/managed/vpcs/vpc-1.yaml`)).metadata).toEqual({
      name: "vpc-1",
      namespace: "default",
    });
    expect(parse(writeText(result, `${FABRIC_ROOT}/unmanaged/core/configmap/_none/notes.yaml`))).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "notes" },
      data: { owner: "netops" },
    });

    const bad = ingestTree({
      [`${RAW}/export.yaml`]: list.replace("vlan: 1001", "vlan: 1001\n        vlna: 1"),
    });
    const problem = fileReport(bad, `${RAW}/export.yaml`)?.documents[0]?.problems[0];
    expect(problem).toMatchObject({ code: "unknown-field", line: 15, column: 9 });
  });

  it("quotes strings that YAML 1.1 readers would take for something else", () => {
    const result = ingestTree({
      [`${RAW}/sw.yaml`]:
        "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata:\n  name: s1\nspec:\n  role: spine\n  profile: vs\n  description: on\n  boot:\n    mac: 00:11:22:33:44:55\n",
    });
    const out = writeText(result, `${FABRIC_ROOT}/managed/switches/s1.yaml`);
    expect(out).toContain('mac: "00:11:22:33:44:55"');
    expect(out).toContain('description: "on"');
    expect(parse(out, { version: "1.1" }).spec.boot.mac).toBe("00:11:22:33:44:55");
  });

  it("ignores files in raw/ that are not YAML and leaves them where they are", () => {
    const result = ingestTree({
      [`${RAW}/README.md`]: "# inbox\n",
      [`${RAW}/v.yaml`]: vpcYaml("v1", 1, 1001),
    });
    expect(result.plan.deletes).toEqual([`${RAW}/v.yaml`]);
    expect(result.report.roots[0]?.ignored).toEqual([`${RAW}/README.md`]);
    expect(checkResult(result.report).annotations).toContainEqual(
      expect.objectContaining({ path: `${RAW}/README.md`, annotation_level: "notice", start_line: 1 }),
    );
    expect(checkResult(result.report).summary).toContain(
      `Left alone in \`raw/\` (not \`.yaml\`/\`.yml\`): \`${RAW}/README.md\``,
    );
  });

  it("deletes originals instead of archiving them when archive is off", () => {
    const result = ingestTree({ [`${RAW}/v.yaml`]: vpcYaml("v1", 1, 1001) }, { archive: false });
    expect(result.plan.writes.some((w) => w.path.includes("/archive/"))).toBe(false);
    expect(result.plan.deletes).toEqual([`${RAW}/v.yaml`]);
  });

  it("keeps files found in nested raw/ folders of any depth, archived under their path inside raw/", () => {
    const result = ingestTree({ [`${RAW}/site-a/rack-1/v.yaml`]: vpcYaml("v1", 1, 1001) });
    expect(result.plan.writes.map((w) => w.path)).toContain(
      `${FABRIC_ROOT}/archive/0123456/site-a/rack-1/v.yaml`,
    );
  });
});

describe("cross references", () => {
  const attachment =
    "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCAttachment\nmetadata:\n  name: att-1\nspec:\n  connection: server-01--unbundled--leaf-01\n  subnet: vpc-1/default\n";

  it("warns about references to objects that are nowhere, and still ingests", () => {
    const result = ingestTree({ [`${RAW}/att.yaml`]: attachment });
    const problems = fileReport(result, `${RAW}/att.yaml`)?.documents[0]?.problems ?? [];
    expect(problems.map((p) => [p.level, p.code, p.line])).toEqual([
      ["warning", "unresolved-reference", 6],
      ["warning", "unresolved-reference", 7],
    ]);
    expect(fileReport(result, `${RAW}/att.yaml`)?.verdict).toBe("ingested");
  });

  it("makes them errors in strict mode", () => {
    const result = ingestTree({ [`${RAW}/att.yaml`]: attachment }, { strict: true });
    expect(fileReport(result, `${RAW}/att.yaml`)?.verdict).toBe("rejected");
  });

  it("finds references in managed/ and in the same push", () => {
    const tree = {
      ...sampleInbox(),
      [`${RAW}/att.yaml`]: attachment.replace("vpc-1/default", "test-vpc/subnet-1"),
    };
    const result = ingestTree(tree, { strict: true });
    expect(fileReport(result, `${RAW}/att.yaml`)?.verdict).toBe("ingested");
    const after = applyToTree(tree, result);
    const again = ingestTree(
      {
        ...after,
        [`${RAW}/att2.yaml`]: attachment
          .replace("att-1", "att-2")
          .replace("vpc-1/default", "test-vpc/subnet-1"),
      },
      { strict: true },
    );
    expect(fileReport(again, `${RAW}/att2.yaml`)?.verdict).toBe("ingested");
  });
});

it("reports the source commit and nothing run-specific", () => {
  const a = ingestTree(sampleInbox());
  const b = ingestTree(sampleInbox());
  expect(a.report.sourceCommit).toBe(SOURCE);
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  expect(text(a.plan.writes[0]?.bytes)).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
});
