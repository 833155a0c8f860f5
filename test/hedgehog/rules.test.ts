import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/pipeline/hedgehog/finding.js";
import { HEDGEHOG_KINDS, type HedgehogKind } from "../../src/pipeline/hedgehog/kinds.js";
import { checkRules } from "../../src/pipeline/hedgehog/rules/index.js";
import type { JsonPath, Level } from "../../src/pipeline/types.js";

type Doc = Record<string, unknown>;

function kindOf(name: string): HedgehogKind {
  const kind = HEDGEHOG_KINDS.find((k) => k.kind === name);
  if (kind === undefined) throw new Error(`unknown kind ${name}`);
  return kind;
}

function doc(kind: string, name: string, spec: unknown, metadata: Doc = {}): Doc {
  const k = kindOf(kind);
  return {
    apiVersion: `${k.group}/${k.version}`,
    kind,
    metadata: { name, namespace: "default", ...metadata },
    spec,
  };
}

function check(d: Doc): Finding[] {
  return checkRules(kindOf(String(d.kind)), d);
}

/** A copy of `base` with each [path, value] applied; value undefined deletes the key. */
function edit(base: Doc, ...edits: [JsonPath, unknown][]): Doc {
  const copy = structuredClone(base);
  for (const [path, value] of edits) {
    let node: Record<string | number, unknown> = copy;
    path.slice(0, -1).forEach((key, i) => {
      const next = node[key];
      if (typeof next !== "object" || next === null) node[key] = typeof path[i + 1] === "number" ? [] : {};
      node = node[key] as Record<string | number, unknown>;
    });
    const last = path[path.length - 1] as string | number;
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return copy;
}

// ---------------------------------------------------------------- valid base documents

const VPC = doc("VPC", "vpc-1", {
  ipv4Namespace: "default",
  vlanNamespace: "default",
  subnets: {
    default: {
      subnet: "10.0.1.0/24",
      gateway: "10.0.1.1",
      vlan: 1001,
      dhcp: {
        enable: true,
        range: { start: "10.0.1.10", end: "10.0.1.99" },
        options: {
          dnsServers: ["1.1.1.1"],
          interfaceMTU: 1500,
          advertisedRoutes: [{ destination: "10.12.10.0/24", gateway: "10.0.1.2" }],
        },
        static: { "aa:bb:cc:dd:ee:01": { ip: "10.0.1.200" } },
      },
    },
    other: { subnet: "10.0.2.0/24", vlan: 1002, dhcp: { relay: "10.99.0.100/32", relayVPC: "vpc-2" } },
    bgp: {
      subnet: "10.0.3.0/25",
      hostBGP: true,
      hostBGPMinPrefixLen: 25,
      hostBGPExtraPrefixes: { "10.0.5.0/24": { minPrefixLen: 26 }, "10.0.6.14/32": { minPrefixLen: 32 } },
    },
  },
  permit: [["default", "other"]],
  staticRoutes: [{ prefix: "10.100.0.0/24", nextHops: ["10.0.1.5"] }],
});

const ATTACH = doc("VPCAttachment", "server-01--vpc-1", {
  subnet: "vpc-1/default",
  connection: "server-01--unbundled--leaf-01",
});

const PEERING = doc("VPCPeering", "vpc-1--vpc-2", {
  permit: [{ "vpc-1": {}, "vpc-2": { subnets: ["default"] } }],
});

const IPNS = doc("IPv4Namespace", "default", { subnets: ["10.0.0.0/16", "10.1.0.0/16"] });

const EXTERNAL = doc("External", "ext-1", {
  ipv4Namespace: "default",
  inboundCommunity: "65102:5000",
  outboundCommunity: "50000:50001",
});
const STATIC_EXTERNAL = doc("External", "ext-2", { static: { prefixes: ["0.0.0.0/0"] } });

const EXT_ATTACH = doc("ExternalAttachment", "leaf-01--ext-1", {
  external: "ext-1",
  connection: "leaf-01--external",
  switch: { ip: "100.100.0.6/24", vlan: 100 },
  neighbor: { asn: 65102, ip: "100.100.0.1" },
  inboundACL: {
    statements: [
      {
        seq: 10,
        action: "permit",
        protocol: "tcp",
        srcPrefix: "any",
        dstPrefix: "10.0.0.0/8",
        portRangeBegin: 80,
        portRangeEnd: 443,
        tcpFilters: { established: true },
      },
      { seq: 20, action: "deny", protocol: "icmp", srcPrefix: "10.1.0.0/16", dstPrefix: "any", icmpType: 8 },
    ],
  },
});
const STATIC_ATTACH = doc("ExternalAttachment", "leaf-01--ext-2", {
  external: "ext-2",
  connection: "leaf-01--external",
  switch: {},
  neighbor: {},
  static: { remoteIP: "100.100.0.1", proxy: true },
});

const EXT_PEERING = doc("ExternalPeering", "vpc-1--ext-1", {
  permit: {
    vpc: { name: "vpc-1", subnets: ["default"] },
    external: { name: "ext-1", prefixes: [{ prefix: "0.0.0.0/0" }] },
  },
});

const SWITCH = doc("Switch", "leaf-01", {
  role: "server-leaf",
  profile: "vs",
  redundancy: { group: "eslag-1", type: "eslag" },
  ip: "172.30.0.8/21",
  protocolIP: "172.30.8.2/32",
  vtepIP: "172.30.12.1/32",
  asn: 65101,
});

const UNBUNDLED = doc("Connection", "server-01--unbundled--leaf-01", {
  unbundled: { link: { server: { port: "server-01/enp2s1" }, switch: { port: "leaf-01/E1/1" } }, mtu: 9000 },
});
const BUNDLED = doc("Connection", "server-02--bundled--leaf-01", {
  bundled: {
    links: [
      { server: { port: "server-02/enp2s1" }, switch: { port: "leaf-01/E1/2" } },
      { server: { port: "server-02/enp2s2" }, switch: { port: "leaf-01/E1/3" } },
    ],
  },
});
const ESLAG = doc("Connection", "server-03--eslag--leaf-01--leaf-02", {
  eslag: {
    links: [
      { server: { port: "server-03/enp2s1" }, switch: { port: "leaf-01/E1/4" } },
      { server: { port: "server-03/enp2s2" }, switch: { port: "leaf-02/E1/4" } },
    ],
  },
});
const FABRIC = doc("Connection", "spine-01--fabric--leaf-01", {
  fabric: {
    links: [
      {
        spine: { port: "spine-01/E1/1", ip: "172.30.128.0/31" },
        leaf: { port: "leaf-01/E1/49", ip: "172.30.128.1/31" },
      },
      {
        spine: { port: "spine-01/E1/2", ip: "172.30.128.2/31" },
        leaf: { port: "leaf-01/E1/50", ip: "172.30.128.3/31" },
      },
    ],
  },
});
const GATEWAY_CONN = doc("Connection", "spine-01--gateway--gateway-1", {
  gateway: { links: [{ switch: { port: "spine-01/E1/20/1" }, gateway: { port: "gateway-1/enp2s1np0" } }] },
});
const LOOPBACK = doc("Connection", "leaf-01--vpc-loopback", {
  vpcLoopback: { links: [{ switch1: { port: "leaf-01/E1/10" }, switch2: { port: "leaf-01/E1/11" } }] },
});
const EXTERNAL_CONN = doc("Connection", "leaf-01--external", {
  external: { link: { switch: { port: "leaf-01/M1" } } },
});
const STATIC_EXTERNAL_CONN = doc("Connection", "leaf-01--static-external", {
  staticExternal: {
    link: {
      switch: {
        port: "leaf-01/E1/12",
        ip: "172.31.255.1/24",
        nextHop: "172.31.255.5",
        subnets: ["10.199.0.0/16", "10.200.0.0/16"],
        vlan: 100,
      },
    },
  },
});

const VLANNS = doc("VLANNamespace", "default", {
  ranges: [{ from: 1000, to: 1999 }, { from: 2000, to: 2999 }, { from: 100 }],
});

const GATEWAY = doc("Gateway", "gateway-1", {
  asn: 65534,
  protocolIP: "172.30.8.3/32",
  vtepIP: "172.30.12.3/32",
  vtepMAC: "CA:FE:BA:BE:01:02",
  interfaces: {
    enp2s1: { ips: ["172.30.128.1/31"], pci: "0000:02:00.0" },
    eth1: { ips: ["172.30.128.11/31"], kernel: "enp2s2" },
  },
  neighbors: [{ asn: 65101, ip: "172.30.128.0", source: "enp2s1" }],
  workers: 8,
  groups: [
    { name: "default", priority: 0 },
    { name: "backup", priority: 1 },
  ],
});

const GW_PEERING = doc("GatewayPeering", "vpc-1--vpc-2", {
  peering: {
    "vpc-1": {
      expose: [
        {
          ips: [{ cidr: "10.0.1.0/24" }, { not: "10.0.1.128/25" }],
          as: [{ cidr: "192.168.1.0/24" }],
          nat: { masquerade: { idleTimeout: "5m0s" } },
        },
        {
          ips: [{ cidr: "10.0.9.0/24" }],
          as: [{ cidr: "192.168.9.0/24" }],
          nat: {
            portForward: {
              idleTimeout: "1h30m",
              ports: [
                { proto: "tcp", port: "8080", as: "80" },
                { port: "9000-9010", as: "9000-9010" },
              ],
            },
          },
        },
      ],
    },
    "vpc-2": { expose: [{ ips: [{ vpcSubnet: "default" }] }] },
  },
  acl: {
    default: "deny",
    rules: [
      {
        name: "app-to-db",
        from: "vpc-1",
        to: "vpc-2",
        action: "allow",
        match: { dst: [{ cidr: "10.0.2.0/24", ports: ["5432", "8000-8080"] }], proto: "tcp" },
      },
      { to: "vpc-1", action: "deny", match: { src: [{ vpcSubnet: "default" }], proto: "17" } },
    ],
  },
});
const GW_PEERING_EXT = doc("GatewayPeering", "vpc-1--ext-2", {
  peering: {
    "vpc-1": {
      expose: [{ ips: [{ vpcSubnet: "default" }], as: [{ cidr: "192.168.7.0/24" }], nat: { static: {} } }],
    },
    "ext.ext-2": { expose: [{ default: true }] },
  },
});

const SERVER = doc("Server", "server-01", { description: "a server" });
const SWITCH_GROUP = doc("SwitchGroup", "eslag-1", {});
const GATEWAY_GROUP = doc("GatewayGroup", "default", {});

const VALID: Doc[] = [
  VPC,
  ATTACH,
  PEERING,
  IPNS,
  EXTERNAL,
  STATIC_EXTERNAL,
  EXT_ATTACH,
  STATIC_ATTACH,
  EXT_PEERING,
  SWITCH,
  UNBUNDLED,
  BUNDLED,
  ESLAG,
  FABRIC,
  GATEWAY_CONN,
  LOOPBACK,
  EXTERNAL_CONN,
  STATIC_EXTERNAL_CONN,
  VLANNS,
  GATEWAY,
  GW_PEERING,
  GW_PEERING_EXT,
  SERVER,
  SWITCH_GROUP,
  GATEWAY_GROUP,
];

describe("valid documents", () => {
  it.each(VALID.map((d) => [`${d.kind} ${(d.metadata as Doc).name}`, d] as const))(
    "%s has no findings",
    (_, d) => {
      expect(check(d)).toEqual([]);
    },
  );

  it("accepts documents without namespace and non-hydrated wiring", () => {
    const bare = [
      edit(
        SWITCH,
        [["metadata", "namespace"], undefined],
        [["spec", "ip"], undefined],
        [["spec", "protocolIP"], undefined],
        [["spec", "vtepIP"], undefined],
        [["spec", "asn"], undefined],
      ),
      doc("Gateway", "gateway-2", { interfaces: { enp2s1np0: {} }, workers: 16 }),
      edit(
        FABRIC,
        [["spec", "fabric", "links", 0, "spine", "ip"], undefined],
        [["spec", "fabric", "links", 0, "leaf", "ip"], undefined],
      ),
      edit(
        VPC,
        [["spec", "subnets", "default", "gateway"], undefined],
        [["spec", "subnets", "default", "dhcp", "range"], undefined],
      ),
      edit(ATTACH, [["spec", "subnet"], "vpc-1"]),
      doc("Connection", "server-04--mclag--leaf-01--leaf-02", {
        mesh: { links: [{ leaf1: { port: "leaf-01/E1/30" }, leaf2: { port: "leaf-02/E1/30" } }] },
      }),
    ];
    for (const d of bare) expect(check(d)).toEqual([]);
  });
});

// ---------------------------------------------------------------- failing cases

interface Case {
  name: string;
  doc: Doc;
  code: string;
  path: JsonPath;
  /** Text the message must contain: the bad value. */
  shows: string;
  level?: Level;
}

const S = ["spec", "subnets", "default"];
const CASES: Case[] = [
  // common metadata rules
  {
    name: "namespace other than default",
    doc: edit(SERVER, [["metadata", "namespace"], "fab"]),
    code: "namespace",
    path: ["metadata", "namespace"],
    shows: '"fab"',
  },
  {
    name: "gateway kinds need namespace default too",
    doc: edit(GATEWAY, [["metadata", "namespace"], "fab"]),
    code: "namespace",
    path: ["metadata", "namespace"],
    shows: "fab",
  },
  {
    name: "VPC name over 11",
    doc: edit(VPC, [["metadata", "name"], "vpc-number-1"]),
    code: "name-too-long",
    path: ["metadata", "name"],
    shows: "vpc-number-1",
  },
  {
    name: "External name over 11",
    doc: edit(EXTERNAL, [["metadata", "name"], "default--5835"]),
    code: "name-too-long",
    path: ["metadata", "name"],
    shows: "default--5835",
  },
  {
    name: "IPv4Namespace name over 11",
    doc: edit(IPNS, [["metadata", "name"], "namespace-two"]),
    code: "name-too-long",
    path: ["metadata", "name"],
    shows: "namespace-two",
  },
  {
    name: "VPC name starting with ext.",
    doc: edit(VPC, [["metadata", "name"], "ext.a"]),
    code: "name-prefix",
    path: ["metadata", "name"],
    shows: "ext.a",
  },

  // VPC
  {
    name: "VPC without subnets",
    doc: edit(VPC, [["spec", "subnets"], {}]),
    code: "subnet-count",
    path: ["spec", "subnets"],
    shows: "spec.subnets",
  },
  {
    name: "VPC with 21 subnets",
    doc: edit(
      VPC,
      [["spec", "permit"], undefined],
      [
        ["spec", "subnets"],
        Object.fromEntries(
          Array.from({ length: 21 }, (_, i) => [`s${i}`, { subnet: `10.0.${i}.0/24`, vlan: 1000 + i }]),
        ),
      ],
    ),
    code: "subnet-count",
    path: ["spec", "subnets"],
    shows: "21",
  },
  {
    name: "subnet missing",
    doc: edit(VPC, [[...S, "subnet"], undefined]),
    code: "required",
    path: [...S, "subnet"],
    shows: "spec.subnets.default.subnet",
  },
  {
    name: "subnet without prefix length",
    doc: edit(VPC, [[...S, "subnet"], "10.0.1.0"]),
    code: "cidr-invalid",
    path: [...S, "subnet"],
    shows: '"10.0.1.0"',
  },
  {
    name: "subnet with bad octet",
    doc: edit(VPC, [[...S, "subnet"], "10.0.256.0/24"]),
    code: "cidr-invalid",
    path: [...S, "subnet"],
    shows: "10.0.256.0/24",
  },
  {
    name: "subnet /31",
    doc: edit(VPC, [[...S, "subnet"], "10.0.1.0/31"]),
    code: "prefix-too-long",
    path: [...S, "subnet"],
    shows: "10.0.1.0/31",
  },
  {
    name: "subnet with host bits",
    doc: edit(VPC, [[...S, "subnet"], "10.0.1.5/24"]),
    code: "prefix-not-canonical",
    path: [...S, "subnet"],
    shows: "10.0.1.5/24",
    level: "warning",
  },
  {
    name: "subnet in reserved range",
    doc: edit(
      VPC,
      [[...S, "subnet"], "172.30.8.0/24"],
      [[...S, "gateway"], "172.30.8.1"],
      [[...S, "dhcp"], {}],
    ),
    code: "subnet-reserved",
    path: [...S, "subnet"],
    shows: "172.30.8.0/24",
  },
  {
    name: "subnets overlap",
    doc: edit(VPC, [["spec", "subnets", "other", "subnet"], "10.0.1.128/25"]),
    code: "subnet-overlap",
    path: ["spec", "subnets", "other", "subnet"],
    shows: "10.0.1.128/25",
  },
  {
    name: "hostBGP extra prefix overlaps a subnet",
    doc: edit(VPC, [
      ["spec", "subnets", "bgp", "hostBGPExtraPrefixes"],
      { "10.0.2.0/25": { minPrefixLen: 25 } },
    ]),
    code: "subnet-overlap",
    path: ["spec", "subnets", "bgp", "hostBGPExtraPrefixes", "10.0.2.0/25"],
    shows: "10.0.2.0/25",
  },
  {
    name: "gateway outside subnet",
    doc: edit(VPC, [[...S, "gateway"], "10.0.9.1"]),
    code: "gateway-outside-subnet",
    path: [...S, "gateway"],
    shows: "10.0.9.1",
  },
  {
    name: "gateway with prefix length",
    doc: edit(VPC, [[...S, "gateway"], "10.0.1.1/24"]),
    code: "ip-invalid",
    path: [...S, "gateway"],
    shows: "10.0.1.1/24",
  },
  {
    name: "vlan missing",
    doc: edit(VPC, [[...S, "vlan"], undefined]),
    code: "vlan-required",
    path: [...S, "vlan"],
    shows: "null",
  },
  {
    name: "vlan zero",
    doc: edit(VPC, [[...S, "vlan"], 0]),
    code: "vlan-required",
    path: [...S, "vlan"],
    shows: "0",
  },
  {
    name: "vlan used twice",
    doc: edit(VPC, [["spec", "subnets", "other", "vlan"], 1001]),
    code: "vlan-duplicate",
    path: ["spec", "subnets", "other", "vlan"],
    shows: "1001",
  },
  {
    name: "dhcp range start outside",
    doc: edit(VPC, [[...S, "dhcp", "range", "start"], "10.0.2.10"]),
    code: "dhcp-range",
    path: [...S, "dhcp", "range", "start"],
    shows: "10.0.2.10",
  },
  {
    name: "dhcp range end is the network",
    doc: edit(VPC, [[...S, "dhcp", "range", "end"], "10.0.1.0"]),
    code: "dhcp-range",
    path: [...S, "dhcp", "range", "end"],
    shows: "10.0.1.0",
  },
  {
    name: "dhcp range start is the gateway",
    doc: edit(VPC, [[...S, "dhcp", "range", "start"], "10.0.1.1"]),
    code: "dhcp-range",
    path: [...S, "dhcp", "range", "start"],
    shows: "10.0.1.1",
  },
  {
    name: "dhcp range reversed",
    doc: edit(VPC, [[...S, "dhcp", "range", "start"], "10.0.1.100"]),
    code: "dhcp-range",
    path: [...S, "dhcp", "range", "start"],
    shows: "10.0.1.100",
  },
  {
    name: "default dhcp start hits the gateway",
    doc: edit(VPC, [[...S, "gateway"], "10.0.1.2"], [[...S, "dhcp", "range"], undefined]),
    code: "dhcp-range",
    path: [...S, "gateway"],
    shows: "10.0.1.2",
  },
  {
    name: "dhcp relay as bare IP",
    doc: edit(VPC, [["spec", "subnets", "other", "dhcp", "relay"], "10.99.0.100"]),
    code: "dhcp-relay-not-prefix",
    path: ["spec", "subnets", "other", "dhcp", "relay"],
    shows: "10.99.0.100",
  },
  {
    name: "dhcp relay garbage",
    doc: edit(VPC, [["spec", "subnets", "other", "dhcp", "relay"], "dhcp-server"]),
    code: "cidr-invalid",
    path: ["spec", "subnets", "other", "dhcp", "relay"],
    shows: "dhcp-server",
  },
  {
    name: "dhcp relay with server",
    doc: edit(VPC, [[...S, "dhcp", "relay"], "10.99.0.100/32"]),
    code: "dhcp-relay-conflict",
    path: [...S, "dhcp", "relay"],
    shows: "10.99.0.100/32",
  },
  {
    name: "relayVPC without relay",
    doc: edit(VPC, [["spec", "subnets", "other", "dhcp", "relay"], undefined]),
    code: "dhcp-relay-vpc",
    path: ["spec", "subnets", "other", "dhcp", "relayVPC"],
    shows: "vpc-2",
  },
  {
    name: "static leases without dhcp",
    doc: edit(VPC, [[...S, "dhcp", "enable"], false]),
    code: "dhcp-disabled",
    path: [...S, "dhcp", "static"],
    shows: "static",
  },
  {
    name: "range without dhcp is ignored",
    doc: edit(VPC, [[...S, "dhcp", "enable"], false], [[...S, "dhcp", "static"], undefined]),
    code: "dhcp-ignored",
    path: [...S, "dhcp", "range"],
    shows: "range",
    level: "warning",
  },
  {
    name: "dhcp MTU too small",
    doc: edit(VPC, [[...S, "dhcp", "options", "interfaceMTU"], 50]),
    code: "dhcp-option",
    path: [...S, "dhcp", "options", "interfaceMTU"],
    shows: "50",
  },
  {
    name: "advertised route gateway outside",
    doc: edit(VPC, [[...S, "dhcp", "options", "advertisedRoutes", 0, "gateway"], "10.9.9.9"]),
    code: "dhcp-option",
    path: [...S, "dhcp", "options", "advertisedRoutes", 0, "gateway"],
    shows: "10.9.9.9",
  },
  {
    name: "dns server not an IP",
    doc: edit(VPC, [[...S, "dhcp", "options", "dnsServers", 0], "dns.example"]),
    code: "ip-invalid",
    path: [...S, "dhcp", "options", "dnsServers", 0],
    shows: "dns.example",
  },
  {
    name: "static lease outside",
    doc: edit(VPC, [[...S, "dhcp", "static", "aa:bb:cc:dd:ee:01", "ip"], "10.0.7.1"]),
    code: "dhcp-static",
    path: [...S, "dhcp", "static", "aa:bb:cc:dd:ee:01", "ip"],
    shows: "10.0.7.1",
  },
  {
    name: "static lease on broadcast",
    doc: edit(VPC, [[...S, "dhcp", "static", "aa:bb:cc:dd:ee:01", "ip"], "10.0.1.255"]),
    code: "dhcp-static",
    path: [...S, "dhcp", "static", "aa:bb:cc:dd:ee:01", "ip"],
    shows: "10.0.1.255",
  },
  {
    name: "static lease MAC invalid",
    doc: edit(VPC, [[...S, "dhcp", "static"], { "aa:bb:cc:dd:ee": { ip: "10.0.1.200" } }]),
    code: "mac-invalid",
    path: [...S, "dhcp", "static", "aa:bb:cc:dd:ee"],
    shows: "aa:bb:cc:dd:ee",
  },
  {
    name: "mode l3flat",
    doc: edit(VPC, [["spec", "mode"], "l3flat"]),
    code: "mode-unsupported",
    path: ["spec", "mode"],
    shows: "l3flat",
  },
  {
    name: "unknown mode",
    doc: edit(VPC, [["spec", "mode"], "l2"]),
    code: "mode-invalid",
    path: ["spec", "mode"],
    shows: '"l2"',
  },
  {
    name: "permit names unknown subnet",
    doc: edit(VPC, [["spec", "permit"], [["default", "subnet-1"]]]),
    code: "permit-unknown-subnet",
    path: ["spec", "permit", 0, 1],
    shows: "subnet-1",
  },
  {
    name: "permit with one subnet",
    doc: edit(VPC, [["spec", "permit"], [["default"]]]),
    code: "permit-too-short",
    path: ["spec", "permit", 0],
    shows: '["default"]',
  },
  {
    name: "permit repeats a subnet",
    doc: edit(VPC, [["spec", "permit"], [["default", "other", "default"]]]),
    code: "permit-duplicate",
    path: ["spec", "permit", 0, 2],
    shows: "default",
  },
  {
    name: "static route with host bits",
    doc: edit(VPC, [["spec", "staticRoutes", 0, "prefix"], "10.100.0.1/24"]),
    code: "prefix-not-canonical",
    path: ["spec", "staticRoutes", 0, "prefix"],
    shows: "10.100.0.1/24",
  },
  {
    name: "static route without next hops",
    doc: edit(VPC, [["spec", "staticRoutes", 0, "nextHops"], []]),
    code: "required",
    path: ["spec", "staticRoutes", 0, "nextHops"],
    shows: "nextHops",
  },
  {
    name: "hostBGP with dhcp",
    doc: edit(VPC, [["spec", "subnets", "bgp", "dhcp"], { enable: true }]),
    code: "hostbgp-dhcp",
    path: ["spec", "subnets", "bgp", "dhcp", "enable"],
    shows: "true",
  },
  {
    name: "hostBGP min shorter than subnet",
    doc: edit(VPC, [["spec", "subnets", "bgp", "hostBGPMinPrefixLen"], 20]),
    code: "hostbgp-prefix-len",
    path: ["spec", "subnets", "bgp", "hostBGPMinPrefixLen"],
    shows: "20",
  },
  {
    name: "hostBGP min above max",
    doc: edit(VPC, [["spec", "subnets", "bgp", "hostBGPMaxPrefixLen"], 24]),
    code: "hostbgp-prefix-len",
    path: ["spec", "subnets", "bgp", "hostBGPMinPrefixLen"],
    shows: "24",
  },
  {
    name: "extra prefix inherits a too short min",
    doc: edit(VPC, [["spec", "subnets", "bgp", "hostBGPExtraPrefixes", "10.0.6.14/32"], {}]),
    code: "hostbgp-prefix-len",
    path: ["spec", "subnets", "bgp", "hostBGPExtraPrefixes", "10.0.6.14/32"],
    shows: "10.0.6.14/32",
  },
  {
    name: "extra prefix not canonical",
    doc: edit(VPC, [
      ["spec", "subnets", "bgp", "hostBGPExtraPrefixes"],
      { "10.0.5.1/24": { minPrefixLen: 26 } },
    ]),
    code: "prefix-not-canonical",
    path: ["spec", "subnets", "bgp", "hostBGPExtraPrefixes", "10.0.5.1/24"],
    shows: "10.0.5.1/24",
  },
  {
    name: "hostBGP fields on a normal subnet",
    doc: edit(VPC, [[...S, "hostBGPMaxPrefixLen"], 28]),
    code: "hostbgp-only",
    path: [...S, "hostBGPMaxPrefixLen"],
    shows: "28",
  },
  {
    name: "subnet name not a DNS label",
    doc: edit(
      VPC,
      [["spec", "permit"], undefined],
      [["spec", "subnets", "Web_Servers"], { subnet: "10.0.8.0/24", vlan: 1008 }],
    ),
    code: "subnet-name",
    path: ["spec", "subnets", "Web_Servers"],
    shows: "Web_Servers",
    level: "warning",
  },
  {
    name: "ipv4Namespace that cannot exist",
    doc: edit(VPC, [["spec", "ipv4Namespace"], "namespace-two"]),
    code: "reference-invalid",
    path: ["spec", "ipv4Namespace"],
    shows: "namespace-two",
  },

  {
    name: "more than 100 hostBGP extra prefixes",
    doc: edit(
      VPC,
      [
        ["spec", "subnets", "bgp", "hostBGPExtraPrefixes"],
        Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`10.50.${i}.0/24`, {}])),
      ],
      [["spec", "subnets", "bgp", "hostBGPMinPrefixLen"], undefined],
    ),
    code: "hostbgp-extra-prefixes",
    path: ["spec", "subnets", "bgp", "hostBGPExtraPrefixes"],
    shows: "101",
  },
  // VPCAttachment
  {
    name: "attachment without connection",
    doc: edit(ATTACH, [["spec", "connection"], undefined]),
    code: "required",
    path: ["spec", "connection"],
    shows: "spec.connection",
  },
  {
    name: "attachment subnet without VPC",
    doc: edit(ATTACH, [["spec", "subnet"], "/default"]),
    code: "attachment-subnet",
    path: ["spec", "subnet"],
    shows: "/default",
  },
  {
    name: "attachment subnet without subnet part",
    doc: edit(ATTACH, [["spec", "subnet"], "vpc-1/"]),
    code: "attachment-subnet",
    path: ["spec", "subnet"],
    shows: "vpc-1/",
  },
  {
    name: "p2p-link annotation not /31",
    doc: edit(ATTACH, [["metadata", "annotations"], { "fabric.githedgehog.com/p2p-link": "10.0.0.0/30" }]),
    code: "p2p-link",
    path: ["metadata", "annotations", "fabric.githedgehog.com/p2p-link"],
    shows: "10.0.0.0/30",
  },

  // VPCPeering
  {
    name: "remote set",
    doc: edit(PEERING, [["spec", "remote"], "border"]),
    code: "remote-not-supported",
    path: ["spec", "remote"],
    shows: "border",
  },
  {
    name: "permit entry with one VPC",
    doc: edit(PEERING, [["spec", "permit", 0], { "vpc-1": {} }]),
    code: "peering-vpcs",
    path: ["spec", "permit", 0],
    shows: "vpc-1",
  },
  {
    name: "permit entries naming three VPCs",
    doc: edit(PEERING, [["spec", "permit", 1], { "vpc-1": {}, "vpc-3": {} }]),
    code: "peering-vpcs",
    path: ["spec", "permit"],
    shows: "vpc-3",
  },
  {
    name: "peered VPC name that cannot exist",
    doc: edit(PEERING, [["spec", "permit", 0], { "vpc-1": {}, vpc_2: {} }]),
    code: "reference-invalid",
    path: ["spec", "permit", 0, "vpc_2"],
    shows: "vpc_2",
  },

  // IPv4Namespace
  {
    name: "IPv4Namespace with 11 subnets",
    doc: edit(IPNS, [["spec", "subnets"], Array.from({ length: 11 }, (_, i) => `10.${i}.0.0/16`)]),
    code: "subnet-count",
    path: ["spec", "subnets"],
    shows: "11",
  },
  {
    name: "IPv4Namespace bad CIDR",
    doc: edit(IPNS, [["spec", "subnets", 1], "10.1.0.0/40"]),
    code: "cidr-invalid",
    path: ["spec", "subnets", 1],
    shows: "10.1.0.0/40",
  },
  {
    name: "IPv4Namespace host bits",
    doc: edit(IPNS, [["spec", "subnets", 1], "10.1.0.1/16"]),
    code: "prefix-not-canonical",
    path: ["spec", "subnets", 1],
    shows: "10.1.0.1/16",
    level: "warning",
  },
  {
    name: "IPv4Namespace overlap",
    doc: edit(IPNS, [["spec", "subnets", 1], "10.0.128.0/17"]),
    code: "subnet-overlap",
    path: ["spec", "subnets", 1],
    shows: "10.0.128.0/17",
  },
  {
    name: "IPv4Namespace reserved",
    doc: edit(IPNS, [["spec", "subnets", 1], "172.30.0.0/16"]),
    code: "subnet-reserved",
    path: ["spec", "subnets", 1],
    shows: "172.30.0.0/16",
  },

  // External
  {
    name: "community out of range",
    doc: edit(EXTERNAL, [["spec", "inboundCommunity"], "65536:1"]),
    code: "community-invalid",
    path: ["spec", "inboundCommunity"],
    shows: "65536:1",
  },
  {
    name: "community with three parts",
    doc: edit(EXTERNAL, [["spec", "outboundCommunity"], "1:2:3"]),
    code: "community-invalid",
    path: ["spec", "outboundCommunity"],
    shows: "1:2:3",
  },
  {
    name: "community on static external",
    doc: edit(STATIC_EXTERNAL, [["spec", "inboundCommunity"], "65102:5000"]),
    code: "community-with-static",
    path: ["spec", "inboundCommunity"],
    shows: "65102:5000",
  },
  {
    name: "static external without prefixes",
    doc: edit(STATIC_EXTERNAL, [["spec", "static", "prefixes"], []]),
    code: "required",
    path: ["spec", "static", "prefixes"],
    shows: "spec.static.prefixes",
  },
  {
    name: "static external overlapping prefixes",
    doc: edit(STATIC_EXTERNAL, [
      ["spec", "static", "prefixes"],
      ["10.0.0.0/8", "10.1.0.0/16"],
    ]),
    code: "subnet-overlap",
    path: ["spec", "static", "prefixes", 1],
    shows: "10.1.0.0/16",
  },

  // ExternalAttachment
  {
    name: "BGP attachment switch ip without length",
    doc: edit(EXT_ATTACH, [["spec", "switch", "ip"], "100.100.0.6"]),
    code: "cidr-invalid",
    path: ["spec", "switch", "ip"],
    shows: "100.100.0.6",
  },
  {
    name: "BGP attachment without switch ip",
    doc: edit(EXT_ATTACH, [["spec", "switch", "ip"], undefined]),
    code: "required",
    path: ["spec", "switch", "ip"],
    shows: "spec.switch.ip",
  },
  {
    name: "BGP neighbor ip with length",
    doc: edit(EXT_ATTACH, [["spec", "neighbor", "ip"], "100.100.0.1/24"]),
    code: "ip-invalid",
    path: ["spec", "neighbor", "ip"],
    shows: "100.100.0.1/24",
  },
  {
    name: "BGP neighbor without ASN",
    doc: edit(EXT_ATTACH, [["spec", "neighbor", "asn"], 0]),
    code: "required",
    path: ["spec", "neighbor", "asn"],
    shows: "spec.neighbor.asn",
  },
  {
    name: "static attachment with switch ip",
    doc: edit(STATIC_ATTACH, [["spec", "switch", "ip"], "100.100.0.6/24"]),
    code: "static-conflict",
    path: ["spec", "switch"],
    shows: "100.100.0.6/24",
  },
  {
    name: "static attachment with ip and proxy",
    doc: edit(STATIC_ATTACH, [["spec", "static", "ip"], "100.100.0.6/24"]),
    code: "static-ip-proxy",
    path: ["spec", "static"],
    shows: "100.100.0.6/24",
  },
  {
    name: "static attachment remoteIP invalid",
    doc: edit(STATIC_ATTACH, [["spec", "static", "remoteIP"], "100.100.0"]),
    code: "ip-invalid",
    path: ["spec", "static", "remoteIP"],
    shows: "100.100.0",
  },
  {
    name: "ACL seq below 10",
    doc: edit(EXT_ATTACH, [["spec", "inboundACL", "statements", 0, "seq"], 5]),
    code: "acl-seq",
    path: ["spec", "inboundACL", "statements", 0, "seq"],
    shows: "5",
  },
  {
    name: "ACL seq repeated",
    doc: edit(EXT_ATTACH, [["spec", "inboundACL", "statements", 1, "seq"], 10]),
    code: "acl-seq",
    path: ["spec", "inboundACL", "statements", 1, "seq"],
    shows: "10",
  },
  {
    name: "ACL unknown action",
    doc: edit(EXT_ATTACH, [["spec", "inboundACL", "statements", 0, "action"], "allow"]),
    code: "acl-action",
    path: ["spec", "inboundACL", "statements", 0, "action"],
    shows: "allow",
  },
  {
    name: "ACL tcp filters on udp",
    doc: edit(EXT_ATTACH, [["spec", "inboundACL", "statements", 0, "protocol"], "udp"]),
    code: "acl-match",
    path: ["spec", "inboundACL", "statements", 0, "tcpFilters"],
    shows: "udp",
  },
  {
    name: "ACL port range reversed",
    doc: edit(EXT_ATTACH, [["spec", "inboundACL", "statements", 0, "portRangeEnd"], 22]),
    code: "acl-port",
    path: ["spec", "inboundACL", "statements", 0, "portRangeBegin"],
    shows: "80-22",
  },
  {
    name: "ACL prefix invalid",
    doc: edit(EXT_ATTACH, [["spec", "inboundACL", "statements", 1, "srcPrefix"], "10.1.0.0"]),
    code: "cidr-invalid",
    path: ["spec", "inboundACL", "statements", 1, "srcPrefix"],
    shows: "10.1.0.0",
  },

  {
    name: "ACL unknown protocol",
    doc: edit(
      EXT_ATTACH,
      [["spec", "inboundACL", "statements", 1, "protocol"], "gre"],
      [["spec", "inboundACL", "statements", 1, "icmpType"], undefined],
    ),
    code: "acl-protocol",
    path: ["spec", "inboundACL", "statements", 1, "protocol"],
    shows: "gre",
  },
  // ExternalPeering
  {
    name: "external peering without vpc name",
    doc: edit(EXT_PEERING, [["spec", "permit", "vpc", "name"], ""]),
    code: "required",
    path: ["spec", "permit", "vpc", "name"],
    shows: "spec.permit.vpc.name",
  },
  {
    name: "external peering empty prefix",
    doc: edit(EXT_PEERING, [["spec", "permit", "external", "prefixes", 0, "prefix"], ""]),
    code: "required",
    path: ["spec", "permit", "external", "prefixes", 0, "prefix"],
    shows: "prefix",
  },
  {
    name: "external peering prefix not a CIDR",
    doc: edit(EXT_PEERING, [["spec", "permit", "external", "prefixes", 0, "prefix"], "10.0.0.0"]),
    code: "prefix-invalid",
    path: ["spec", "permit", "external", "prefixes", 0, "prefix"],
    shows: "10.0.0.0",
    level: "warning",
  },

  // Switch
  {
    name: "virtual-edge role",
    doc: edit(SWITCH, [["spec", "role"], "virtual-edge"]),
    code: "role-unsupported",
    path: ["spec", "role"],
    shows: "virtual-edge",
  },
  {
    name: "redundancy group without type",
    doc: edit(SWITCH, [["spec", "redundancy", "type"], undefined]),
    code: "redundancy",
    path: ["spec", "redundancy", "group"],
    shows: "eslag-1",
  },
  {
    name: "redundancy type without group",
    doc: edit(SWITCH, [["spec", "redundancy", "group"], ""]),
    code: "redundancy",
    path: ["spec", "redundancy", "type"],
    shows: "eslag",
  },
  {
    name: "mclag redundancy",
    doc: edit(SWITCH, [["spec", "redundancy", "type"], "mclag"]),
    code: "mclag-deprecated",
    path: ["spec", "redundancy", "type"],
    shows: "mclag",
    level: "warning",
  },
  {
    name: "vtepIP on a spine",
    doc: edit(SWITCH, [["spec", "role"], "spine"], [["spec", "redundancy"], undefined]),
    code: "vtep-on-spine",
    path: ["spec", "vtepIP"],
    shows: "172.30.12.1/32",
  },
  {
    name: "switch ip without length",
    doc: edit(SWITCH, [["spec", "ip"], "172.30.0.8"]),
    code: "cidr-invalid",
    path: ["spec", "ip"],
    shows: "172.30.0.8",
  },
  {
    name: "protocolIP not /32",
    doc: edit(SWITCH, [["spec", "protocolIP"], "172.30.8.2/22"]),
    code: "prefix-not-32",
    path: ["spec", "protocolIP"],
    shows: "172.30.8.2/22",
  },
  {
    name: "vtepIP bare",
    doc: edit(SWITCH, [["spec", "vtepIP"], "172.30.12.1"]),
    code: "cidr-invalid",
    path: ["spec", "vtepIP"],
    shows: "172.30.12.1",
  },
  {
    name: "ASN zero",
    doc: edit(SWITCH, [["spec", "asn"], 0]),
    code: "asn-invalid",
    path: ["spec", "asn"],
    shows: "0",
  },
  {
    name: "switch without profile",
    doc: edit(SWITCH, [["spec", "profile"], undefined]),
    code: "required",
    path: ["spec", "profile"],
    shows: "spec.profile",
  },

  // Connection
  {
    name: "no connection type",
    doc: doc("Connection", "c", {}),
    code: "connection-type",
    path: ["spec"],
    shows: "no connection type",
  },
  {
    name: "two connection types",
    doc: edit(UNBUNDLED, [["spec", "bundled"], (BUNDLED.spec as Doc).bundled]),
    code: "connection-type",
    path: ["spec", "bundled"],
    shows: "unbundled, bundled",
  },
  {
    name: "port without device",
    doc: edit(UNBUNDLED, [["spec", "unbundled", "link", "switch", "port"], "E1/1"]),
    code: "port-format",
    path: ["spec", "unbundled", "link", "switch", "port"],
    shows: '"E1/1"',
  },
  {
    name: "server port without nic",
    doc: edit(UNBUNDLED, [["spec", "unbundled", "link", "server", "port"], "server-01"]),
    code: "port-format",
    path: ["spec", "unbundled", "link", "server", "port"],
    shows: "server-01",
  },
  {
    name: "NOS port name",
    doc: edit(UNBUNDLED, [["spec", "unbundled", "link", "switch", "port"], "leaf-01/Ethernet0"]),
    code: "switch-port-name",
    path: ["spec", "unbundled", "link", "switch", "port"],
    shows: "leaf-01/Ethernet0",
  },
  {
    name: "port name not in profile format",
    doc: edit(FABRIC, [["spec", "fabric", "links", 0, "spine", "port"], "spine-01/1/1"]),
    code: "switch-port-name",
    path: ["spec", "fabric", "links", 0, "spine", "port"],
    shows: "spine-01/1/1",
  },
  {
    name: "unbundled same port twice",
    doc: edit(UNBUNDLED, [["spec", "unbundled", "link", "server", "port"], "leaf-01/E1/1"]),
    code: "port-duplicate",
    path: ["spec", "unbundled", "link", "server", "port"],
    shows: "leaf-01/E1/1",
  },
  {
    name: "bundled port reused",
    doc: edit(BUNDLED, [["spec", "bundled", "links", 1, "switch", "port"], "leaf-01/E1/2"]),
    code: "port-duplicate",
    path: ["spec", "bundled", "links", 1, "switch", "port"],
    shows: "leaf-01/E1/2",
  },
  {
    name: "bundled over two switches",
    doc: edit(BUNDLED, [["spec", "bundled", "links", 1, "switch", "port"], "leaf-02/E1/3"]),
    code: "connection-devices",
    path: ["spec", "bundled"],
    shows: "leaf-01, leaf-02",
  },
  {
    name: "eslag on one switch",
    doc: edit(ESLAG, [["spec", "eslag", "links", 1, "switch", "port"], "leaf-01/E1/5"]),
    code: "connection-devices",
    path: ["spec", "eslag"],
    shows: "leaf-01",
  },
  {
    name: "eslag with two servers",
    doc: edit(ESLAG, [["spec", "eslag", "links", 1, "server", "port"], "server-09/enp2s2"]),
    code: "connection-devices",
    path: ["spec", "eslag"],
    shows: "server-03, server-09",
  },
  {
    name: "fabric link on one switch",
    doc: edit(
      FABRIC,
      [["spec", "fabric", "links", 0, "leaf", "port"], "spine-01/E1/49"],
      [["spec", "fabric", "links", 1, "leaf", "port"], "spine-01/E1/50"],
    ),
    code: "connection-devices",
    path: ["spec", "fabric"],
    shows: "spine-01",
  },
  {
    name: "vpcLoopback over two switches",
    doc: edit(LOOPBACK, [["spec", "vpcLoopback", "links", 0, "switch2", "port"], "leaf-02/E1/11"]),
    code: "connection-devices",
    path: ["spec", "vpcLoopback"],
    shows: "leaf-01, leaf-02",
  },
  {
    name: "fabric link ip not /31",
    doc: edit(FABRIC, [["spec", "fabric", "links", 0, "leaf", "ip"], "172.30.128.1/30"]),
    code: "link-ip",
    path: ["spec", "fabric", "links", 0, "leaf", "ip"],
    shows: "172.30.128.1/30",
  },
  {
    name: "fabric link ends in different /31",
    doc: edit(
      FABRIC,
      [["spec", "fabric", "links", 0, "leaf", "ip"], "172.30.128.3/31"],
      [["spec", "fabric", "links", 1, "leaf", "ip"], "172.30.128.5/31"],
      [["spec", "fabric", "links", 1, "spine", "ip"], "172.30.128.4/31"],
    ),
    code: "link-ip",
    path: ["spec", "fabric", "links", 0, "leaf", "ip"],
    shows: "172.30.128.3/31",
  },
  {
    name: "fabric link ends with one address",
    doc: edit(FABRIC, [["spec", "fabric", "links", 0, "leaf", "ip"], "172.30.128.0/31"]),
    code: "link-ip",
    path: ["spec", "fabric", "links", 0, "leaf", "ip"],
    shows: "172.30.128.0/31",
  },
  {
    name: "fabric link outside fabric subnet",
    doc: edit(
      FABRIC,
      [["spec", "fabric", "links", 0, "spine", "ip"], "172.30.30.0/31"],
      [["spec", "fabric", "links", 0, "leaf", "ip"], "172.30.30.1/31"],
    ),
    code: "link-ip-subnet",
    path: ["spec", "fabric", "links", 0, "spine", "ip"],
    shows: "172.30.30.0/31",
    level: "warning",
  },
  {
    name: "fabric link address on one end only",
    doc: edit(FABRIC, [["spec", "fabric", "links", 1, "leaf", "ip"], undefined]),
    code: "link-ip-partial",
    path: ["spec", "fabric", "links", 1, "leaf"],
    shows: "spec.fabric.links[1].leaf.ip",
    level: "warning",
  },
  {
    name: "server MTU too large",
    doc: edit(UNBUNDLED, [["spec", "unbundled", "mtu"], 9100]),
    code: "mtu-too-large",
    path: ["spec", "unbundled", "mtu"],
    shows: "9100",
  },
  {
    name: "static external ip bare",
    doc: edit(STATIC_EXTERNAL_CONN, [["spec", "staticExternal", "link", "switch", "ip"], "172.31.255.1"]),
    code: "cidr-invalid",
    path: ["spec", "staticExternal", "link", "switch", "ip"],
    shows: "172.31.255.1",
  },
  {
    name: "static external next hop outside",
    doc: edit(STATIC_EXTERNAL_CONN, [
      ["spec", "staticExternal", "link", "switch", "nextHop"],
      "172.31.254.5",
    ]),
    code: "next-hop-outside",
    path: ["spec", "staticExternal", "link", "switch", "nextHop"],
    shows: "172.31.254.5",
  },
  {
    name: "static external subnet host bits",
    doc: edit(STATIC_EXTERNAL_CONN, [
      ["spec", "staticExternal", "link", "switch", "subnets", 0],
      "10.199.0.1/16",
    ]),
    code: "prefix-not-canonical",
    path: ["spec", "staticExternal", "link", "switch", "subnets", 0],
    shows: "10.199.0.1/16",
  },
  {
    name: "static external subnets overlap",
    doc: edit(STATIC_EXTERNAL_CONN, [
      ["spec", "staticExternal", "link", "switch", "subnets", 1],
      "10.199.128.0/17",
    ]),
    code: "subnet-overlap",
    path: ["spec", "staticExternal", "link", "switch", "subnets", 1],
    shows: "10.199.128.0/17",
  },
  {
    name: "static external default route with others",
    doc: edit(STATIC_EXTERNAL_CONN, [
      ["spec", "staticExternal", "link", "switch", "subnets", 1],
      "0.0.0.0/0",
    ]),
    code: "default-route-not-alone",
    path: ["spec", "staticExternal", "link", "switch", "subnets", 1],
    shows: "0.0.0.0/0",
  },
  {
    name: "static external reserved subnet",
    doc: edit(STATIC_EXTERNAL_CONN, [
      ["spec", "staticExternal", "link", "switch", "subnets", 1],
      "172.30.128.0/24",
    ]),
    code: "subnet-reserved",
    path: ["spec", "staticExternal", "link", "switch", "subnets", 1],
    shows: "172.30.128.0/24",
  },
  {
    name: "mclag connection",
    doc: doc("Connection", "server-05--mclag--leaf-01--leaf-02", {
      mclag: { links: (ESLAG.spec as { eslag: Doc }).eslag.links },
    }),
    code: "mclag-deprecated",
    path: ["spec", "mclag"],
    shows: "spec.mclag",
    level: "warning",
  },

  // VLANNamespace
  {
    name: "no ranges",
    doc: edit(VLANNS, [["spec", "ranges"], []]),
    code: "range-count",
    path: ["spec", "ranges"],
    shows: "0",
  },
  {
    name: "21 ranges",
    doc: edit(VLANNS, [
      ["spec", "ranges"],
      Array.from({ length: 21 }, (_, i) => ({ from: 100 + i * 10, to: 105 + i * 10 })),
    ]),
    code: "range-count",
    path: ["spec", "ranges"],
    shows: "21",
  },
  {
    name: "from zero",
    doc: edit(VLANNS, [["spec", "ranges", 2, "from"], 0]),
    code: "vlan-range",
    path: ["spec", "ranges", 2, "from"],
    shows: "0",
  },
  {
    name: "to above 4094",
    doc: edit(VLANNS, [["spec", "ranges", 2], { from: 4000, to: 4095 }]),
    code: "vlan-range",
    path: ["spec", "ranges", 2, "to"],
    shows: "4095",
  },
  {
    name: "from above to",
    doc: edit(VLANNS, [["spec", "ranges", 2], { from: 200, to: 100 }]),
    code: "vlan-range",
    path: ["spec", "ranges", 2],
    shows: "200-100",
  },
  {
    name: "range over IRB VLANs",
    doc: edit(VLANNS, [["spec", "ranges", 1, "to"], 3100]),
    code: "vlan-range-reserved",
    path: ["spec", "ranges", 1],
    shows: "2000-3100",
  },
  {
    name: "range over TH5 VLANs",
    doc: edit(VLANNS, [["spec", "ranges", 2], { from: 3950 }]),
    code: "vlan-range-reserved",
    path: ["spec", "ranges", 2],
    shows: "3950-3950",
  },
  {
    name: "ranges touching",
    doc: edit(VLANNS, [["spec", "ranges", 1, "from"], 1999]),
    code: "vlan-range-overlap",
    path: ["spec", "ranges", 1],
    shows: "1999-2999",
  },
  {
    name: "ranges overlapping out of order",
    doc: edit(VLANNS, [["spec", "ranges", 2], { from: 1500, to: 1600 }]),
    code: "vlan-range-overlap",
    path: ["spec", "ranges", 2],
    shows: "1500-1600",
  },

  // Gateway
  {
    name: "interface name too short",
    doc: edit(GATEWAY, [["spec", "interfaces", "e"], {}]),
    code: "interface-name",
    path: ["spec", "interfaces", "e"],
    shows: '"e"',
  },
  {
    name: "interface name too long",
    doc: edit(GATEWAY, [["spec", "interfaces", "enp2s1np0long"], {}]),
    code: "interface-name",
    path: ["spec", "interfaces", "enp2s1np0long"],
    shows: "enp2s1np0long",
  },
  {
    name: "interface with pci and kernel",
    doc: edit(GATEWAY, [["spec", "interfaces", "enp2s1", "kernel"], "enp9s0"]),
    code: "interface-pci-kernel",
    path: ["spec", "interfaces", "enp2s1"],
    shows: "enp9s0",
  },
  {
    name: "PCI function above 7",
    doc: edit(GATEWAY, [["spec", "interfaces", "enp2s1", "pci"], "0000:02:00.8"]),
    code: "interface-pci",
    path: ["spec", "interfaces", "enp2s1", "pci"],
    shows: "0000:02:00.8",
  },
  {
    name: "PCI without domain",
    doc: edit(GATEWAY, [["spec", "interfaces", "enp2s1", "pci"], "02:00.0"]),
    code: "interface-pci",
    path: ["spec", "interfaces", "enp2s1", "pci"],
    shows: "02:00.0",
  },
  {
    name: "PCI device above 1f",
    doc: edit(GATEWAY, [["spec", "interfaces", "enp2s1", "pci"], "0000:02:20.0"]),
    code: "interface-pci",
    path: ["spec", "interfaces", "enp2s1", "pci"],
    shows: "0000:02:20.0",
  },
  {
    name: "kernel name equals interface",
    doc: edit(GATEWAY, [["spec", "interfaces", "eth1", "kernel"], "eth1"]),
    code: "interface-kernel",
    path: ["spec", "interfaces", "eth1", "kernel"],
    shows: "eth1",
  },
  {
    name: "interface ip bare",
    doc: edit(GATEWAY, [["spec", "interfaces", "enp2s1", "ips", 0], "172.30.128.1"]),
    code: "cidr-invalid",
    path: ["spec", "interfaces", "enp2s1", "ips", 0],
    shows: "172.30.128.1",
  },
  {
    name: "interface ip IPv6",
    doc: edit(GATEWAY, [["spec", "interfaces", "enp2s1", "ips", 0], "2001:db8::1/64"]),
    code: "cidr-invalid",
    path: ["spec", "interfaces", "enp2s1", "ips", 0],
    shows: "2001:db8::1/64",
  },
  {
    name: "gateway protocolIP /31",
    doc: edit(GATEWAY, [["spec", "protocolIP"], "172.30.8.3/31"]),
    code: "prefix-not-32",
    path: ["spec", "protocolIP"],
    shows: "172.30.8.3/31",
  },
  {
    name: "gateway vtepIP loopback",
    doc: edit(GATEWAY, [["spec", "vtepIP"], "127.0.0.3/32"]),
    code: "vtep-ip",
    path: ["spec", "vtepIP"],
    shows: "127.0.0.3/32",
  },
  {
    name: "gateway vtepMAC multicast",
    doc: edit(GATEWAY, [["spec", "vtepMAC"], "01:00:5e:00:00:01"]),
    code: "mac-invalid",
    path: ["spec", "vtepMAC"],
    shows: "01:00:5e:00:00:01",
  },
  {
    name: "gateway vtepMAC zero",
    doc: edit(GATEWAY, [["spec", "vtepMAC"], "00:00:00:00:00:00"]),
    code: "mac-invalid",
    path: ["spec", "vtepMAC"],
    shows: "00:00:00:00:00:00",
  },
  {
    name: "gateway vtepMAC garbage",
    doc: edit(GATEWAY, [["spec", "vtepMAC"], "cafe"]),
    code: "mac-invalid",
    path: ["spec", "vtepMAC"],
    shows: "cafe",
  },
  {
    name: "gateway ASN zero",
    doc: edit(GATEWAY, [["spec", "asn"], 0]),
    code: "asn-invalid",
    path: ["spec", "asn"],
    shows: "0",
  },
  {
    name: "neighbor multicast",
    doc: edit(GATEWAY, [["spec", "neighbors", 0, "ip"], "224.0.0.5"]),
    code: "ip-invalid",
    path: ["spec", "neighbors", 0, "ip"],
    shows: "224.0.0.5",
  },
  {
    name: "neighbor without ASN",
    doc: edit(GATEWAY, [["spec", "neighbors", 0, "asn"], undefined]),
    code: "required",
    path: ["spec", "neighbors", 0, "asn"],
    shows: "asn",
  },
  {
    name: "workers above 64",
    doc: edit(GATEWAY, [["spec", "workers"], 65]),
    code: "workers-range",
    path: ["spec", "workers"],
    shows: "65",
  },
  {
    name: "gateway group twice",
    doc: edit(GATEWAY, [["spec", "groups", 1, "name"], "default"]),
    code: "group-duplicate",
    path: ["spec", "groups", 1, "name"],
    shows: "default",
  },

  // GatewayPeering
  {
    name: "peering with one side",
    doc: edit(GW_PEERING, [["spec", "peering", "vpc-2"], undefined], [["spec", "acl"], undefined]),
    code: "peering-count",
    path: ["spec", "peering"],
    shows: "vpc-1",
  },
  {
    name: "peering with three sides",
    doc: edit(GW_PEERING, [["spec", "peering", "vpc-3"], { expose: [{ ips: [{ cidr: "10.3.0.0/16" }] }] }]),
    code: "peering-count",
    path: ["spec", "peering"],
    shows: "vpc-3",
  },
  {
    name: "expose ip with cidr and vpcSubnet",
    doc: edit(GW_PEERING, [["spec", "peering", "vpc-2", "expose", 0, "ips", 0, "cidr"], "10.0.2.0/24"]),
    code: "expose-entry",
    path: ["spec", "peering", "vpc-2", "expose", 0, "ips", 0],
    shows: "10.0.2.0/24",
  },
  {
    name: "expose ip empty",
    doc: edit(GW_PEERING, [["spec", "peering", "vpc-2", "expose", 0, "ips", 0], {}]),
    code: "expose-entry",
    path: ["spec", "peering", "vpc-2", "expose", 0, "ips", 0],
    shows: "{}",
  },
  {
    name: "expose as with cidr and not",
    doc: edit(GW_PEERING, [["spec", "peering", "vpc-1", "expose", 0, "as", 0, "not"], "192.168.1.128/25"]),
    code: "expose-entry",
    path: ["spec", "peering", "vpc-1", "expose", 0, "as", 0],
    shows: "192.168.1.128/25",
  },
  {
    name: "expose cidr invalid",
    doc: edit(GW_PEERING, [["spec", "peering", "vpc-1", "expose", 0, "ips", 0, "cidr"], "10.0.1.0/33"]),
    code: "cidr-invalid",
    path: ["spec", "peering", "vpc-1", "expose", 0, "ips", 0, "cidr"],
    shows: "10.0.1.0/33",
  },
  {
    name: "vpcSubnet on an external",
    doc: edit(GW_PEERING_EXT, [
      ["spec", "peering", "ext.ext-2", "expose", 0],
      { ips: [{ vpcSubnet: "default" }] },
    ]),
    code: "expose-vpcsubnet-external",
    path: ["spec", "peering", "ext.ext-2", "expose", 0, "ips", 0, "vpcSubnet"],
    shows: "default",
  },
  {
    name: "as without nat",
    doc: edit(GW_PEERING, [["spec", "peering", "vpc-1", "expose", 0, "nat"], undefined]),
    code: "expose-as-nat",
    path: ["spec", "peering", "vpc-1", "expose", 0, "as"],
    shows: "spec.peering",
  },
  {
    name: "nat without as",
    doc: edit(GW_PEERING, [["spec", "peering", "vpc-1", "expose", 0, "as"], undefined]),
    code: "expose-as-nat",
    path: ["spec", "peering", "vpc-1", "expose", 0, "nat"],
    shows: "spec.peering",
  },
  {
    name: "two NAT kinds",
    doc: edit(GW_PEERING, [["spec", "peering", "vpc-1", "expose", 0, "nat", "static"], {}]),
    code: "nat-type",
    path: ["spec", "peering", "vpc-1", "expose", 0, "nat"],
    shows: "masquerade and static",
  },
  {
    name: "no NAT kind",
    doc: edit(GW_PEERING, [["spec", "peering", "vpc-1", "expose", 0, "nat"], {}]),
    code: "nat-type",
    path: ["spec", "peering", "vpc-1", "expose", 0, "nat"],
    shows: "no NAT",
  },
  {
    name: "default with ips",
    doc: edit(GW_PEERING_EXT, [
      ["spec", "peering", "ext.ext-2", "expose", 0, "ips"],
      [{ cidr: "0.0.0.0/0" }],
    ]),
    code: "expose-default",
    path: ["spec", "peering", "ext.ext-2", "expose", 0, "default"],
    shows: "default: true",
  },
  {
    name: "expose without ips",
    doc: edit(GW_PEERING, [["spec", "peering", "vpc-2", "expose", 0], {}]),
    code: "expose-ips",
    path: ["spec", "peering", "vpc-2", "expose", 0],
    shows: "spec.peering",
  },
  {
    name: "port zero",
    doc: edit(GW_PEERING, [
      ["spec", "peering", "vpc-1", "expose", 1, "nat", "portForward", "ports", 0, "port"],
      "0",
    ]),
    code: "port-invalid",
    path: ["spec", "peering", "vpc-1", "expose", 1, "nat", "portForward", "ports", 0, "port"],
    shows: '"0"',
  },
  {
    name: "port list",
    doc: edit(GW_PEERING, [["spec", "acl", "rules", 0, "match", "dst", 0, "ports", 0], "80,443"]),
    code: "port-invalid",
    path: ["spec", "acl", "rules", 0, "match", "dst", 0, "ports", 0],
    shows: "80,443",
  },
  {
    name: "port with spaces",
    doc: edit(GW_PEERING, [["spec", "acl", "rules", 0, "match", "dst", 0, "ports", 0], " 80"]),
    code: "port-invalid",
    path: ["spec", "acl", "rules", 0, "match", "dst", 0, "ports", 0],
    shows: '" 80"',
  },
  {
    name: "port range reversed",
    doc: edit(GW_PEERING, [["spec", "acl", "rules", 0, "match", "dst", 0, "ports", 1], "9000-8000"]),
    code: "port-invalid",
    path: ["spec", "acl", "rules", 0, "match", "dst", 0, "ports", 1],
    shows: "9000-8000",
  },
  {
    name: "port above 65535",
    doc: edit(GW_PEERING, [
      ["spec", "peering", "vpc-1", "expose", 1, "nat", "portForward", "ports", 0, "as"],
      "70000",
    ]),
    code: "port-invalid",
    path: ["spec", "peering", "vpc-1", "expose", 1, "nat", "portForward", "ports", 0, "as"],
    shows: "70000",
  },
  {
    name: "port forward without ports",
    doc: edit(GW_PEERING, [["spec", "peering", "vpc-1", "expose", 1, "nat", "portForward", "ports"], []]),
    code: "nat-port-forward",
    path: ["spec", "peering", "vpc-1", "expose", 1, "nat", "portForward"],
    shows: "portForward",
  },
  {
    name: "stateful NAT on both sides",
    doc: edit(GW_PEERING, [
      ["spec", "peering", "vpc-2", "expose", 0],
      { ips: [{ cidr: "10.0.2.0/24" }], as: [{ cidr: "192.168.2.0/24" }], nat: { masquerade: {} } },
    ]),
    code: "nat-stateful-both",
    path: ["spec", "peering", "vpc-2"],
    shows: '"vpc-2"',
  },
  {
    name: "static NAT facing stateful NAT",
    doc: edit(GW_PEERING, [
      ["spec", "peering", "vpc-2", "expose", 0],
      { ips: [{ cidr: "10.0.2.0/24" }], as: [{ cidr: "192.168.2.0/24" }], nat: { static: {} } },
    ]),
    code: "nat-static-stateful",
    path: ["spec", "peering", "vpc-2"],
    shows: '"vpc-1"',
  },
  {
    name: "idleTimeout not a duration",
    doc: edit(GW_PEERING, [
      ["spec", "peering", "vpc-1", "expose", 0, "nat", "masquerade", "idleTimeout"],
      "5 minutes",
    ]),
    code: "duration-invalid",
    path: ["spec", "peering", "vpc-1", "expose", 0, "nat", "masquerade", "idleTimeout"],
    shows: "5 minutes",
  },
  {
    name: "ACL from unknown side",
    doc: edit(GW_PEERING, [["spec", "acl", "rules", 0, "from"], "vpc-3"]),
    code: "acl-peer",
    path: ["spec", "acl", "rules", 0, "from"],
    shows: "vpc-3",
  },
  {
    name: "ACL rule without from and to",
    doc: edit(GW_PEERING, [["spec", "acl", "rules", 1, "to"], undefined]),
    code: "acl-peer",
    path: ["spec", "acl", "rules", 1],
    shows: "spec.acl.rules[1]",
  },
  {
    name: "ACL rule name not RFC 1123",
    doc: edit(GW_PEERING, [["spec", "acl", "rules", 0, "name"], "App_To_DB"]),
    code: "acl-rule-name",
    path: ["spec", "acl", "rules", 0, "name"],
    shows: "App_To_DB",
  },
  {
    name: "ACL match with cidr and vpcSubnet",
    doc: edit(GW_PEERING, [["spec", "acl", "rules", 1, "match", "src", 0, "cidr"], "10.0.1.0/24"]),
    code: "acl-match",
    path: ["spec", "acl", "rules", 1, "match", "src", 0],
    shows: "spec.acl.rules[1].match.src[0]",
  },
  {
    name: "ACL protocol name",
    doc: edit(GW_PEERING, [["spec", "acl", "rules", 0, "match", "proto"], "icmp"]),
    code: "acl-proto",
    path: ["spec", "acl", "rules", 0, "match", "proto"],
    shows: "icmp",
  },
  {
    name: "peering side that cannot be a VPC",
    doc: edit(
      GW_PEERING_EXT,
      [["spec", "peering", "vpc-internal"], { expose: [{ ips: [{ cidr: "10.5.0.0/16" }] }] }],
      [["spec", "peering", "vpc-1"], undefined],
    ),
    code: "reference-invalid",
    path: ["spec", "peering", "vpc-internal"],
    shows: "vpc-internal",
  },
];

describe("failing documents", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const findings = check(c.doc);
    const hit = findings.find((f) => f.code === c.code && JSON.stringify(f.path) === JSON.stringify(c.path));
    expect(
      hit,
      `no ${c.code} at ${JSON.stringify(c.path)} in ${JSON.stringify(findings, null, 1)}`,
    ).toBeDefined();
    expect(hit?.level).toBe(c.level ?? "error");
    expect(hit?.message).toContain(c.shows);
    expect(hit?.message).not.toContain("\n");
    expect(hit?.hint).toBeTruthy();
  });

  it("reports only the expected problem for a single mistake", () => {
    const findings = check(edit(VPC, [[...S, "vlan"], 0]));
    expect(findings.map((f) => f.code)).toEqual(["vlan-required"]);
  });

  it("tells how to fix a bare DHCP relay IP", () => {
    const [finding] = check(edit(VPC, [["spec", "subnets", "other", "dhcp", "relay"], "10.99.0.100"]));
    expect(finding?.hint).toBe("write it as a prefix, e.g. 10.99.0.100/32");
  });

  it("lists the valid connection types in the hint", () => {
    const [finding] = check(doc("Connection", "c", {}));
    expect(finding?.hint).toContain("unbundled");
    expect(finding?.hint).toContain("staticExternal");
  });

  it("points NOS port names to profile names", () => {
    const [finding] = check(
      edit(UNBUNDLED, [["spec", "unbundled", "link", "switch", "port"], "leaf-01/Ethernet0"]),
    );
    expect(finding?.hint).toContain("E1/");
    expect(finding?.hint).toContain("Ethernet0");
  });
});

describe("passing variants", () => {
  const passes: [string, Doc][] = [
    ["namespace absent", edit(SERVER, [["metadata", "namespace"], undefined])],
    ["namespace empty", edit(SERVER, [["metadata", "namespace"], ""])],
    ["VPC name of 11 characters", edit(VPC, [["metadata", "name"], "vpc-numb-01"])],
    ["long Switch name", edit(SWITCH, [["metadata", "name"], "a-rather-long-switch-name-01"])],
    ["l3vni mode", edit(VPC, [["spec", "mode"], "l3vni"])],
    ["dhcp relay /24", edit(VPC, [["spec", "subnets", "other", "dhcp", "relay"], "10.99.0.100/24"])],
    ["hostBGP subnet without vlan", edit(VPC, [["spec", "subnets", "bgp", "vlan"], undefined])],
    ["hostBGP subnet sharing a vlan", edit(VPC, [["spec", "subnets", "bgp", "vlan"], 1001])],
    ["IPv6 dns server", edit(VPC, [[...S, "dhcp", "options", "dnsServers", 0], "2001:4860:4860::8888"])],
    [
      "/30 subnet with defaults",
      doc("VPC", "tiny", { subnets: { a: { subnet: "10.9.0.0/30", vlan: 10, dhcp: { enable: true } } } }),
    ],
    [
      "external with default prefix only",
      edit(EXT_PEERING, [["spec", "permit", "external", "prefixes"], [{ prefix: "0.0.0.0/0" }]]),
    ],
    ["mixed-leaf role", edit(SWITCH, [["spec", "role"], "mixed-leaf"])],
    [
      "spine without vtepIP",
      edit(
        SWITCH,
        [["spec", "role"], "spine"],
        [["spec", "redundancy"], undefined],
        [["spec", "vtepIP"], undefined],
      ),
    ],
    [
      "M2 management port",
      edit(EXTERNAL_CONN, [["spec", "external", "link", "switch", "port"], "leaf-01/M2"]),
    ],
    ["breakout port", edit(UNBUNDLED, [["spec", "unbundled", "link", "switch", "port"], "leaf-01/E1/55/4"])],
    ["mtu 9036", edit(UNBUNDLED, [["spec", "unbundled", "mtu"], 9036])],
    [
      "eslag on four switches",
      edit(ESLAG, [
        ["spec", "eslag", "links"],
        [1, 2, 3, 4].map((i) => ({
          server: { port: `server-03/enp${i}` },
          switch: { port: `leaf-0${i}/E1/4` },
        })),
      ]),
    ],
    [
      "static external default route alone",
      edit(STATIC_EXTERNAL_CONN, [["spec", "staticExternal", "link", "switch", "subnets"], ["0.0.0.0/0"]]),
    ],
    ["single VLAN range", edit(VLANNS, [["spec", "ranges"], [{ from: 2999, to: 0 }]])],
    ["range ending at 4094", edit(VLANNS, [["spec", "ranges"], [{ from: 4000, to: 4094 }]])],
    ["workers 0 (defaulted)", edit(GATEWAY, [["spec", "workers"], 0])],
    [
      "masquerade without idleTimeout",
      edit(GW_PEERING, [["spec", "peering", "vpc-1", "expose", 0, "nat", "masquerade"], {}]),
    ],
    [
      "duration with fractions",
      edit(GW_PEERING, [
        ["spec", "peering", "vpc-1", "expose", 0, "nat", "masquerade", "idleTimeout"],
        "1.5h",
      ]),
    ],
    ["ACL rule with only from", edit(GW_PEERING, [["spec", "acl", "rules", 0, "to"], undefined])],
    ["static NAT facing no NAT", GW_PEERING_EXT],
  ];
  it.each(passes)("%s", (_, d) => {
    expect(check(d)).toEqual([]);
  });
});

describe("robustness", () => {
  it("never throws and never fails internally on odd shapes", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HEDGEHOG_KINDS),
        fc.jsonValue(),
        fc.jsonValue(),
        (kind, spec, metadata) => {
          const findings = checkRules(kind, {
            apiVersion: `${kind.group}/${kind.version}`,
            kind: kind.kind,
            metadata,
            spec,
          });
          expect(findings.filter((f) => f.code === "rules-internal")).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("survives odd values in known fields", () => {
    const odd = [null, 0, -1, "", "x", [], {}, [null], { a: null }, true];
    for (const base of VALID) {
      for (const value of odd) {
        const spec = base.spec as Doc;
        for (const key of Object.keys(spec)) {
          const findings = check(edit(base, [["spec", key], value]));
          expect(findings.filter((f) => f.code === "rules-internal")).toEqual([]);
        }
      }
    }
  });
});
