/**
 * Test fabrics written in code: a wiring inbox shaped like a real GitOps test repository
 * (3 switch groups, 7 switches, 10 servers, 26 connections in one file, plus 2 VPC files:
 * 48 resources), and generators for larger inboxes.
 */

export const FABRIC_ROOT = "gitops/hedgehog/fabric-1";
export const RAW = `${FABRIC_ROOT}/raw`;

const doc = (lines: string[]) => lines.join("\n");

function switchGroup(name: string): string {
  return doc([
    "apiVersion: wiring.githedgehog.com/v1beta1",
    "kind: SwitchGroup",
    "metadata:",
    `  name: ${name}`,
    "spec: {}",
  ]);
}

function switchDoc(name: string, role: string, mac: string, description: string): string {
  return doc([
    "apiVersion: wiring.githedgehog.com/v1beta1",
    "kind: Switch",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    "  boot:",
    `    mac: ${mac}`,
    `  description: ${description}`,
    "  profile: vs",
    `  role: ${role}`,
  ]);
}

function serverDoc(name: string): string {
  return doc([
    "apiVersion: wiring.githedgehog.com/v1beta1",
    "kind: Server",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    `  description: ${name} in rack 1`,
  ]);
}

function unbundled(server: string, sw: string, serverPort: string, switchPort: string): string {
  return doc([
    "apiVersion: wiring.githedgehog.com/v1beta1",
    "kind: Connection",
    "metadata:",
    `  name: ${server}--unbundled--${sw}`,
    "  namespace: default",
    "spec:",
    "  unbundled:",
    "    link:",
    "      server:",
    `        port: ${server}/${serverPort}`,
    "      switch:",
    `        port: ${sw}/${switchPort}`,
  ]);
}

function bundled(server: string, sw: string, ports: [string, string][]): string {
  return doc([
    "apiVersion: wiring.githedgehog.com/v1beta1",
    "kind: Connection",
    "metadata:",
    `  name: ${server}--bundled--${sw}`,
    "spec:",
    "  bundled:",
    "    links:",
    ...ports.flatMap(([serverPort, switchPort]) => [
      "    - server:",
      `        port: ${server}/${serverPort}`,
      "      switch:",
      `        port: ${sw}/${switchPort}`,
    ]),
  ]);
}

function fabricLink(spine: string, leaf: string, spinePort: string, leafPort: string): string {
  return doc([
    "apiVersion: wiring.githedgehog.com/v1beta1",
    "kind: Connection",
    "metadata:",
    `  name: ${spine}--fabric--${leaf}`,
    "spec:",
    "  fabric:",
    "    links:",
    "    - spine:",
    `        port: ${spine}/${spinePort}`,
    "      leaf:",
    `        port: ${leaf}/${leafPort}`,
  ]);
}

/** The wiring file: 46 documents, with comments between some of them like real exports. */
export function wiringYaml(): string {
  const docs: string[] = [];
  for (const g of ["empty", "eslag-1", "mclag-1"]) docs.push(switchGroup(g));
  docs.push("#\n# SwitchList\n#");
  const spines = ["spine-01", "spine-02"];
  const leaves = ["leaf-01", "leaf-02", "leaf-03", "leaf-04", "leaf-05"];
  spines.forEach((s, i) => {
    docs.push(switchDoc(s, "spine", `0c:20:12:ff:0${i}:00`, `VS-0${i + 1} spine`));
  });
  leaves.forEach((l, i) => {
    docs.push(switchDoc(l, "server-leaf", `0c:20:12:fe:0${i}:00`, `VS-0${i + 3} leaf`));
  });
  const servers = Array.from({ length: 10 }, (_, i) => `server-${String(i + 1).padStart(2, "0")}`);
  for (const s of servers) docs.push(serverDoc(s));
  const nextPort = new Map<string, number>();
  const port = (sw: string) => {
    const n = (nextPort.get(sw) ?? 0) + 1;
    nextPort.set(sw, n);
    return `E1/${n}`;
  };
  for (const spine of spines)
    for (const leaf of leaves) docs.push(fabricLink(spine, leaf, port(spine), port(leaf)));
  servers.forEach((s, i) => {
    const leaf = leaves[i % leaves.length] ?? "leaf-01";
    docs.push(unbundled(s, leaf, "enp2s1", port(leaf)));
  });
  servers.slice(0, 6).forEach((s, i) => {
    const leaf = leaves[(i + 1) % leaves.length] ?? "leaf-01";
    docs.push(
      bundled(s, leaf, [
        ["enp2s2", port(leaf)],
        ["enp2s3", port(leaf)],
      ]),
    );
  });
  return `---\n${docs.join("\n---\n")}\n`;
}

export function vpcYaml(name: string, octet: number, vlan: number): string {
  return doc([
    "apiVersion: vpc.githedgehog.com/v1beta1",
    "kind: VPC",
    "metadata:",
    `  name: ${name}`,
    "  namespace: default",
    "spec:",
    "  subnets:",
    "    subnet-1:",
    `      subnet: 10.0.${octet}.0/24`,
    `      gateway: 10.0.${octet}.1`,
    `      vlan: ${vlan}`,
    "",
  ]);
}

/** The 48-resource inbox: raw path → text. */
export function sampleInbox(raw = RAW): Record<string, string> {
  return {
    [`${raw}/prepop.yaml`]: wiringYaml(),
    [`${raw}/test-vpc.yaml`]: vpcYaml("test-vpc", 1, 1001),
    [`${raw}/test-vpc-2.yaml`]: vpcYaml("test-vpc-2", 2, 1002),
  };
}

export const SAMPLE_COUNTS = { Connection: 26, Server: 10, Switch: 7, SwitchGroup: 3, VPC: 2 };

/** n files of one VPC each (for request-count and speed measurements). */
export function manyVpcFiles(n: number, raw = RAW): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    files[`${raw}/vpcs/vpc-${i}.yaml`] = vpcYaml(`v-${i}`, i % 250, 1000 + (i % 1000));
  }
  return files;
}
