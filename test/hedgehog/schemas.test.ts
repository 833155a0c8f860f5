import { Ajv } from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Finding } from "../../src/pipeline/hedgehog/finding.js";
import { HEDGEHOG_KINDS } from "../../src/pipeline/hedgehog/kinds.js";
import {
  ajvErrorsToFindings,
  canonicalizeNulls,
  checkSchema,
  editDistance,
  showPath,
} from "../../src/pipeline/hedgehog/schema-check.js";
import { SCHEMAS } from "../../src/pipeline/hedgehog/schemas/index.js";

/** Parses one YAML 1.2 document, as the parse step does. */
function yaml(source: string): Record<string, unknown> {
  return parse(source, { version: "1.2", uniqueKeys: true }) as Record<string, unknown>;
}

/** Fixtures are edited freely in tests; typing every path would only add noise. */
// biome-ignore lint/suspicious/noExplicitAny: see above
type Editable = any;

/** Deep copy with one change applied, so each invalid case starts from a valid document. */
function mutate(doc: Record<string, unknown>, change: (d: Editable) => void): Record<string, unknown> {
  const copy = structuredClone(doc);
  change(copy);
  return copy;
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

// One realistic valid document per kind, written the way people write them (hydrated fields omitted).
const VALID: Record<string, Record<string, unknown>> = {
  VPC: yaml(`
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
  namespace: default
spec:
  ipv4Namespace: default
  vlanNamespace: default
  subnets:
    default:
      subnet: 10.0.1.0/24
      gateway: 10.0.1.1
      vlan: 1001
      dhcp:
        enable: true
        range: { start: 10.0.1.10, end: 10.0.1.99 }
        options:
          dnsServers: [1.1.1.1]
          advertisedRoutes:
            - { destination: 10.12.0.0/24, gateway: 10.0.1.2 }
        static:
          "aa:bb:cc:dd:ee:01": { ip: 10.0.1.50 }
    bgp:
      subnet: 10.0.50.0/25
      hostBGP: true
      hostBGPMinPrefixLen: 25
      hostBGPMaxPrefixLen: 32
      hostBGPExtraPrefixes:
        "10.0.55.0/24": { minPrefixLen: 26, maxPrefixLen: 32 }
  permit:
    - [default, bgp]
  staticRoutes:
    - prefix: 10.100.0.0/24
      nextHops: [10.0.1.254]
`),
  VPCAttachment: yaml(`
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPCAttachment
metadata:
  name: server-01--vpc-1
spec:
  subnet: vpc-1/default
  connection: server-01--unbundled--leaf-01
  nativeVLAN: true
`),
  VPCPeering: yaml(`
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPCPeering
metadata:
  name: vpc-1--vpc-2
spec:
  permit:
    - vpc-1:
        subnets: [default]
      vpc-2: {}
`),
  IPv4Namespace: yaml(`
apiVersion: vpc.githedgehog.com/v1beta1
kind: IPv4Namespace
metadata:
  name: default
spec:
  subnets: [10.0.0.0/16]
`),
  External: yaml(`
apiVersion: vpc.githedgehog.com/v1beta1
kind: External
metadata:
  name: bgp-edge
spec:
  ipv4Namespace: default
  inboundCommunity: "65102:5000"
  outboundCommunity: "50000:50001"
`),
  ExternalAttachment: yaml(`
apiVersion: vpc.githedgehog.com/v1beta1
kind: ExternalAttachment
metadata:
  name: leaf-01--bgp-edge
spec:
  external: bgp-edge
  connection: leaf-01--external
  switch: { vlan: 100, ip: 100.100.0.1/24 }
  neighbor: { asn: 4200000000, ip: 100.100.0.6 }
`),
  ExternalPeering: yaml(`
apiVersion: vpc.githedgehog.com/v1beta1
kind: ExternalPeering
metadata:
  name: vpc-1--bgp-edge
spec:
  permit:
    vpc:
      name: vpc-1
      subnets: [default]
    external:
      name: bgp-edge
      prefixes:
        - prefix: 0.0.0.0/0
`),
  Switch: yaml(`
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-01
  labels:
    rack: r1
spec:
  role: server-leaf
  profile: dell-s5248f-on
  description: leaf-1
  boot:
    mac: 0c:20:12:fe:00:01
  portBreakouts:
    E1/55: 4x25G
  portGroupSpeeds:
    "1": 10G
  portFECs:
    E1/53/1: rs
  portLocators:
    "*": 10m
  redundancy: { group: eslag-1, type: eslag }
  groups: [eslag-1]
  vlanNamespaces: [default]
  linkFlapErrDisable: { flapThreshold: 5 }
`),
  Server: yaml(`
apiVersion: wiring.githedgehog.com/v1beta1
kind: Server
metadata:
  name: server-01
spec:
  description: two NICs
`),
  Connection: yaml(`
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata:
  name: spine-01--fabric--leaf-01
spec:
  fabric:
    links:
      - spine: { port: spine-01/E1/1, ip: 172.30.128.0/31 }
        leaf: { port: leaf-01/E1/49, ip: 172.30.128.1/31 }
      - spine: { port: spine-01/E1/2 }
        leaf: { port: leaf-01/E1/50 }
`),
  SwitchGroup: yaml(`
apiVersion: wiring.githedgehog.com/v1beta1
kind: SwitchGroup
metadata:
  name: eslag-1
spec: {}
`),
  VLANNamespace: yaml(`
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: default
spec:
  ranges:
    - { from: 1000, to: 2999 }
`),
  Gateway: yaml(`
apiVersion: gateway.githedgehog.com/v1alpha1
kind: Gateway
metadata:
  name: gateway-1
spec:
  interfaces:
    enp2s1: {}
    enp2s2:
      ips: [172.30.128.11/31]
      mtu: 9000
  workers: 8
  groups:
    - { name: default, priority: 0 }
`),
  GatewayGroup: yaml(`
apiVersion: gateway.githedgehog.com/v1alpha1
kind: GatewayGroup
metadata:
  name: default
spec: {}
`),
  GatewayPeering: yaml(`
apiVersion: gateway.githedgehog.com/v1alpha1
kind: GatewayPeering
metadata:
  name: vpc-1--vpc-2
spec:
  gatewayGroup: default
  peering:
    vpc-1:
      expose:
        - ips:
            - cidr: 10.0.1.0/24
          as:
            - cidr: 192.168.1.0/24
          nat:
            masquerade:
              idleTimeout: 5m0s
    vpc-2:
      expose:
        - ips: [{ vpcSubnet: default }]
          nat:
            portForward:
              ports: [{ proto: tcp, port: "22", as: "2222" }]
  acl:
    default: deny
    rules:
      - name: ssh
        from: vpc-1
        action: allow
        match:
          dst: [{ cidr: 10.0.2.0/24, ports: ["22"] }]
          proto: tcp
        scope: packet
`),
};

interface Case {
  name: string;
  change: (d: Editable) => void;
  code: string;
  path: (string | number)[];
  message: string;
}

// For every kind: an unknown field, a wrong type, a bad enum (where the kind has one) and a missing field.
const INVALID: Record<string, Case[]> = {
  VPC: [
    {
      name: "unknown subnet field",
      change: (d) => {
        d.spec.subnets.default.vlna = 1001;
      },
      code: "unknown-field",
      path: ["spec", "subnets", "default", "vlna"],
      message: 'unknown field "spec.subnets.default.vlna"',
    },
    {
      name: "quoted VLAN",
      change: (d) => {
        d.spec.subnets.default.vlan = "1001";
      },
      code: "schema",
      path: ["spec", "subnets", "default", "vlan"],
      message: '"spec.subnets.default.vlan" must be an integer, not a string',
    },
    {
      name: "missing subnet CIDR",
      change: (d) => {
        delete d.spec.subnets.default.subnet;
      },
      code: "missing-field",
      path: ["spec", "subnets", "default"],
      message: 'missing required field "spec.subnets.default.subnet"',
    },
    {
      name: "host-BGP prefix length out of range",
      change: (d) => {
        d.spec.subnets.bgp.hostBGPMaxPrefixLen = 33;
      },
      code: "schema",
      path: ["spec", "subnets", "bgp", "hostBGPMaxPrefixLen"],
      message: '"spec.subnets.bgp.hostBGPMaxPrefixLen" must be at most 32, not 33',
    },
  ],
  VPCAttachment: [
    {
      name: "unknown field",
      change: (d) => {
        d.spec.native = true;
      },
      code: "unknown-field",
      path: ["spec", "native"],
      message: 'unknown field "spec.native"',
    },
    {
      name: "missing connection",
      change: (d) => {
        delete d.spec.connection;
      },
      code: "missing-field",
      path: ["spec"],
      message: 'missing required field "spec.connection"',
    },
    {
      name: "nativeVLAN as a string",
      change: (d) => {
        d.spec.nativeVLAN = "yes";
      },
      code: "schema",
      path: ["spec", "nativeVLAN"],
      message: '"spec.nativeVLAN" must be true or false, not a string',
    },
  ],
  VPCPeering: [
    {
      name: "unknown field in a permit entry",
      change: (d) => {
        d.spec.permit[0]["vpc-1"].subnet = ["default"];
      },
      code: "unknown-field",
      path: ["spec", "permit", 0, "vpc-1", "subnet"],
      message: 'unknown field "spec.permit[0].vpc-1.subnet"',
    },
    {
      name: "empty permit list",
      change: (d) => {
        d.spec.permit = [];
      },
      code: "schema",
      path: ["spec", "permit"],
      message: '"spec.permit" must have at least 1 entry',
    },
    {
      name: "permit as a map",
      change: (d) => {
        d.spec.permit = d.spec.permit[0];
      },
      code: "schema",
      path: ["spec", "permit"],
      message: '"spec.permit" must be a list, not a map',
    },
  ],
  IPv4Namespace: [
    {
      name: "subnets as a string",
      change: (d) => {
        d.spec.subnets = "10.0.0.0/16";
      },
      code: "schema",
      path: ["spec", "subnets"],
      message: '"spec.subnets" must be a list, not a string',
    },
    {
      name: "missing subnets",
      change: (d) => {
        d.spec = {};
      },
      code: "missing-field",
      path: ["spec"],
      message: 'missing required field "spec.subnets"',
    },
    {
      name: "unknown field",
      change: (d) => {
        d.spec.subnet = ["10.0.0.0/16"];
      },
      code: "unknown-field",
      path: ["spec", "subnet"],
      message: 'unknown field "spec.subnet"',
    },
  ],
  External: [
    {
      name: "unknown field",
      change: (d) => {
        d.spec.ipv4namespace = "default";
      },
      code: "unknown-field",
      path: ["spec", "ipv4namespace"],
      message: 'unknown field "spec.ipv4namespace"',
    },
    {
      name: "static without prefixes",
      change: (d) => {
        d.spec = { static: {} };
      },
      code: "missing-field",
      path: ["spec", "static"],
      message: 'missing required field "spec.static.prefixes"',
    },
    {
      name: "community as a number",
      change: (d) => {
        d.spec.inboundCommunity = 65102;
      },
      code: "schema",
      path: ["spec", "inboundCommunity"],
      message: '"spec.inboundCommunity" must be a string, not an integer',
    },
  ],
  ExternalAttachment: [
    {
      name: "unknown neighbor field",
      change: (d) => {
        d.spec.neighbor.as = 65000;
      },
      code: "unknown-field",
      path: ["spec", "neighbor", "as"],
      message: 'unknown field "spec.neighbor.as"',
    },
    {
      name: "ASN beyond uint32",
      change: (d) => {
        d.spec.neighbor.asn = 4_294_967_296;
      },
      code: "schema",
      path: ["spec", "neighbor", "asn"],
      message: '"spec.neighbor.asn" must be at most 4294967295, not 4294967296',
    },
    {
      name: "missing external",
      change: (d) => {
        delete d.spec.external;
      },
      code: "missing-field",
      path: ["spec"],
      message: 'missing required field "spec.external"',
    },
  ],
  ExternalPeering: [
    {
      name: "missing vpc name",
      change: (d) => {
        delete d.spec.permit.vpc.name;
      },
      code: "missing-field",
      path: ["spec", "permit", "vpc"],
      message: 'missing required field "spec.permit.vpc.name"',
    },
    {
      name: "prefixes as strings",
      change: (d) => {
        d.spec.permit.external.prefixes = ["0.0.0.0/0"];
      },
      code: "schema",
      path: ["spec", "permit", "external", "prefixes", 0],
      message: '"spec.permit.external.prefixes[0]" must be a map, not a string',
    },
    {
      name: "unknown field",
      change: (d) => {
        d.spec.permit.external.prefix = "0.0.0.0/0";
      },
      code: "unknown-field",
      path: ["spec", "permit", "external", "prefix"],
      message: 'unknown field "spec.permit.external.prefix"',
    },
  ],
  Switch: [
    {
      name: "bad role",
      change: (d) => {
        d.spec.role = "leaf";
      },
      code: "enum",
      path: ["spec", "role"],
      message: '"spec.role" must be one of: spine, server-leaf, border-leaf, mixed-leaf',
    },
    {
      name: "missing role",
      change: (d) => {
        delete d.spec.role;
      },
      code: "missing-field",
      path: ["spec"],
      message: 'missing required field "spec.role"',
    },
    {
      name: "bad FEC",
      change: (d) => {
        d.spec.portFECs["E1/53/1"] = "RS-FEC";
      },
      code: "enum",
      path: ["spec", "portFECs", "E1/53/1"],
      message: '"spec.portFECs["E1/53/1"]" must be one of: rs, fc, auto, disabled',
    },
    {
      name: "unknown field",
      change: (d) => {
        d.spec.breakouts = {};
      },
      code: "unknown-field",
      path: ["spec", "breakouts"],
      message: 'unknown field "spec.breakouts"',
    },
    {
      name: "flap threshold out of range",
      change: (d) => {
        d.spec.linkFlapErrDisable.flapThreshold = 0;
      },
      code: "schema",
      path: ["spec", "linkFlapErrDisable", "flapThreshold"],
      message: '"spec.linkFlapErrDisable.flapThreshold" must be at least 1, not 0',
    },
  ],
  Server: [
    {
      name: "legacy spec.type",
      change: (d) => {
        d.spec.type = "control";
      },
      code: "unknown-field",
      path: ["spec", "type"],
      message: 'unknown field "spec.type"',
    },
    {
      name: "description as a number",
      change: (d) => {
        d.spec.description = 42;
      },
      code: "schema",
      path: ["spec", "description"],
      message: '"spec.description" must be a string, not an integer',
    },
    {
      name: "missing metadata name",
      change: (d) => {
        delete d.metadata.name;
      },
      code: "missing-field",
      path: ["metadata"],
      message: 'missing required field "metadata.name"',
    },
  ],
  Connection: [
    {
      name: "missing port",
      change: (d) => {
        delete d.spec.fabric.links[1].leaf.port;
      },
      code: "missing-field",
      path: ["spec", "fabric", "links", 1, "leaf"],
      message: 'missing required field "spec.fabric.links[1].leaf.port"',
    },
    {
      name: "link IP without prefix length",
      change: (d) => {
        d.spec.fabric.links[0].spine.ip = "172.30.128.0";
      },
      code: "schema",
      path: ["spec", "fabric", "links", 0, "spine", "ip"],
      message:
        '"spec.fabric.links[0].spine.ip" must be an IPv4 prefix such as 172.30.128.0/31, not "172.30.128.0"',
    },
    {
      name: "unknown connection type",
      change: (d) => {
        d.spec.unbundeled = {};
      },
      code: "unknown-field",
      path: ["spec", "unbundeled"],
      message: 'unknown field "spec.unbundeled"',
    },
    {
      name: "empty links",
      change: (d) => {
        d.spec.fabric.links = [];
      },
      code: "schema",
      path: ["spec", "fabric", "links"],
      message: '"spec.fabric.links" must have at least 1 entry',
    },
  ],
  SwitchGroup: [
    {
      name: "any spec field",
      change: (d) => {
        d.spec.type = "eslag";
      },
      code: "unknown-field",
      path: ["spec", "type"],
      message: 'unknown field "spec.type"',
    },
    {
      name: "spec as a list",
      change: (d) => {
        d.spec = [];
      },
      code: "schema",
      path: ["spec"],
      message: '"spec" must be a map, not a list',
    },
    {
      name: "missing metadata",
      change: (d) => {
        delete d.metadata;
      },
      code: "missing-field",
      path: [],
      message: 'missing required field "metadata"',
    },
  ],
  VLANNamespace: [
    {
      name: "missing from",
      change: (d) => {
        d.spec.ranges[0] = { to: 2999 };
      },
      code: "missing-field",
      path: ["spec", "ranges", 0],
      message: 'missing required field "spec.ranges[0].from"',
    },
    {
      name: "VLAN beyond uint16",
      change: (d) => {
        d.spec.ranges[0].to = 70000;
      },
      code: "schema",
      path: ["spec", "ranges", 0, "to"],
      message: '"spec.ranges[0].to" must be at most 65535, not 70000',
    },
    {
      name: "unknown field",
      change: (d) => {
        d.spec.ranges[0].end = 2999;
      },
      code: "unknown-field",
      path: ["spec", "ranges", 0, "end"],
      message: 'unknown field "spec.ranges[0].end"',
    },
  ],
  Gateway: [
    {
      name: "unknown interface field",
      change: (d) => {
        d.spec.interfaces.enp2s2.ip = ["172.30.128.11/31"];
      },
      code: "unknown-field",
      path: ["spec", "interfaces", "enp2s2", "ip"],
      message: 'unknown field "spec.interfaces.enp2s2.ip"',
    },
    {
      name: "workers beyond uint8",
      change: (d) => {
        d.spec.workers = 256;
      },
      code: "schema",
      path: ["spec", "workers"],
      message: '"spec.workers" must be at most 255, not 256',
    },
    {
      name: "missing interfaces",
      change: (d) => {
        delete d.spec.interfaces;
      },
      code: "missing-field",
      path: ["spec"],
      message: 'missing required field "spec.interfaces"',
    },
  ],
  GatewayGroup: [
    {
      name: "any spec field",
      change: (d) => {
        d.spec.members = ["gateway-1"];
      },
      code: "unknown-field",
      path: ["spec", "members"],
      message: 'unknown field "spec.members"',
    },
    {
      name: "name as a number",
      change: (d) => {
        d.metadata.name = 1;
      },
      code: "schema",
      path: ["metadata", "name"],
      message: '"metadata.name" must be a string, not an integer',
    },
  ],
  GatewayPeering: [
    {
      name: "bad ACL default",
      change: (d) => {
        d.spec.acl.default = "allow";
      },
      code: "enum",
      path: ["spec", "acl", "default"],
      message: '"spec.acl.default" must be one of: deny, deny-unless-exposed, "" (empty)',
    },
    {
      name: "numeric port",
      change: (d) => {
        d.spec.acl.rules[0].match.dst[0].ports = [22];
      },
      code: "schema",
      path: ["spec", "acl", "rules", 0, "match", "dst", 0, "ports", 0],
      message: '"spec.acl.rules[0].match.dst[0].ports[0]" must be a string, not an integer',
    },
    {
      name: "missing rule action",
      change: (d) => {
        delete d.spec.acl.rules[0].action;
      },
      code: "missing-field",
      path: ["spec", "acl", "rules", 0],
      message: 'missing required field "spec.acl.rules[0].action"',
    },
    {
      name: "unknown NAT kind",
      change: (d) => {
        d.spec.peering["vpc-1"].expose[0].nat.masq = {};
      },
      code: "unknown-field",
      path: ["spec", "peering", "vpc-1", "expose", 0, "nat", "masq"],
      message: 'unknown field "spec.peering.vpc-1.expose[0].nat.masq"',
    },
  ],
};

describe("SCHEMAS", () => {
  it("covers exactly the Hedgehog kinds, each pinned to its apiVersion and kind", () => {
    expect(Object.keys(SCHEMAS).sort()).toEqual(HEDGEHOG_KINDS.map((k) => k.kind).sort());
    for (const k of HEDGEHOG_KINDS) {
      const properties = (SCHEMAS[k.kind] as { properties: Record<string, { const?: string }> }).properties;
      expect(properties.apiVersion?.const).toBe(`${k.group}/${k.version}`);
      expect(properties.kind?.const).toBe(k.kind);
    }
  });

  it("closes every struct (additionalProperties: false) and leaves maps open", () => {
    const walk = (schema: unknown, where: string): void => {
      if (typeof schema !== "object" || schema === null) return;
      const s = schema as Record<string, unknown>;
      if ("properties" in s) expect(s.additionalProperties, where).toBe(false);
      for (const [key, child] of Object.entries(s)) {
        if (key === "properties") {
          for (const [name, field] of Object.entries(child as object)) walk(field, `${where}.${name}`);
        } else walk(child, `${where}/${key}`);
      }
    };
    for (const [kind, schema] of Object.entries(SCHEMAS)) walk(schema, kind);
  });

  it("compiles as plain JSON (no functions or class instances in the schemas)", () => {
    for (const schema of Object.values(SCHEMAS)) expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

describe.each(Object.keys(VALID))("%s", (kind) => {
  const valid = VALID[kind] as Record<string, unknown>;

  it("accepts a valid document", () => {
    expect(checkSchema(kind, valid)).toEqual([]);
  });

  it.each(INVALID[kind] ?? [])("rejects: $name", ({ change, code, path, message }) => {
    const f = only(checkSchema(kind, mutate(valid, change)));
    expect(f).toMatchObject({ level: "error", code, path, message });
  });

  it("rejects a field outside apiVersion/kind/metadata/spec", () => {
    const f = only(checkSchema(kind, { ...valid, status: {} }));
    expect(f).toMatchObject({ code: "unknown-field", path: ["status"], message: 'unknown field "status"' });
    expect(f.hint).toBe("allowed fields here: apiVersion, kind, metadata, spec");
  });
});

describe("required and optional fields", () => {
  it("does not require hydrated or defaulted fields", () => {
    // Switch without asn/ip/protocolIP/vtepIP, Gateway without asn/protocolIP/vtepIP/vtepMAC/neighbors:
    // the VALID documents above already omit them; VPC DHCP options without MTU and lease time too.
    const vpc = mutate(VALID.VPC as Record<string, unknown>, (d) => {
      d.spec.subnets.default.dhcp.options = { pxeURL: "tftp://10.0.1.5/boot" };
    });
    expect(checkSchema("VPC", vpc)).toEqual([]);
    const peering = mutate(VALID.GatewayPeering as Record<string, unknown>, (d) => {
      d.spec.acl = { rules: d.spec.acl.rules };
    });
    expect(checkSchema("GatewayPeering", peering)).toEqual([]);
  });

  it("accepts a static ExternalAttachment without switch and neighbor", () => {
    const doc = mutate(VALID.ExternalAttachment as Record<string, unknown>, (d) => {
      d.spec = {
        external: "static-edge",
        connection: "leaf-01--static",
        static: { remoteIP: "10.0.0.1", proxy: true },
      };
    });
    expect(checkSchema("ExternalAttachment", doc)).toEqual([]);
  });

  it("accepts hydrated values, including 4-byte ASNs", () => {
    const sw = mutate(VALID.Switch as Record<string, unknown>, (d) => {
      Object.assign(d.spec, {
        asn: 4_200_000_000,
        ip: "172.30.0.8/21",
        protocolIP: "172.30.8.2/32",
        vtepIP: "172.30.12.1/32",
      });
    });
    expect(checkSchema("Switch", sw)).toEqual([]);
  });

  it("accepts deprecated but valid MCLAG shapes (the rules step warns)", () => {
    const mclag = yaml(`
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: { name: server-1--mclag--leaf-01--leaf-02 }
spec:
  mclag:
    links:
      - { server: { port: server-1/enp2s1 }, switch: { port: leaf-01/E1/1 } }
      - { server: { port: server-1/enp2s2 }, switch: { port: leaf-02/E1/1 } }
`);
    expect(checkSchema("Connection", mclag)).toEqual([]);
    const domain = mutate(mclag, (d) => {
      const pair = { switch1: { port: "leaf-01/E1/50" }, switch2: { port: "leaf-02/E1/50" } };
      d.spec = { mclagDomain: { peerLinks: [pair], sessionLinks: [pair] } };
    });
    expect(checkSchema("Connection", domain)).toEqual([]);
    const sw = mutate(VALID.Switch as Record<string, unknown>, (d) => {
      d.spec.redundancy.type = "mclag";
    });
    expect(checkSchema("Switch", sw)).toEqual([]);
  });

  it("accepts every connection type, and leaves 'exactly one type' to the rules step", () => {
    const doc = yaml(`
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata: { name: all-of-them }
spec:
  unbundled: { link: { server: { port: s/enp2s1 }, switch: { port: l/E1/1 } }, mtu: 9036 }
  bundled: { links: [{ server: { port: s/enp2s1 }, switch: { port: l/E1/1 } }], fallback: true }
  eslag:
    links:
      - { server: { port: s/enp2s1 }, switch: { port: l1/E1/1 } }
      - { server: { port: s/enp2s2 }, switch: { port: l2/E1/1 } }
  mesh: { links: [{ leaf1: { port: l1/E1/3 }, leaf2: { port: l2/E1/3 } }] }
  gateway: { links: [{ switch: { port: l/E1/20 }, gateway: { port: gw/enp2s1 } }] }
  vpcLoopback: { links: [{ switch1: { port: l/E1/30 }, switch2: { port: l/E1/31 } }] }
  external: { link: { switch: { port: l/E1/5 } } }
  staticExternal:
    link: { switch: { port: l/E1/6, ip: 172.31.0.1/24, nextHop: 172.31.0.5, subnets: [10.99.0.0/24], vlan: 100 } }
    withinVPC: vpc-1
`);
    expect(checkSchema("Connection", doc)).toEqual([]);
  });

  it("requires spec except for kinds without required spec fields", () => {
    for (const kind of Object.keys(VALID)) {
      const { spec: _spec, ...noSpec } = VALID[kind] as Record<string, unknown>;
      const findings = checkSchema(kind, noSpec);
      if (["Server", "SwitchGroup", "GatewayGroup", "External"].includes(kind))
        expect(findings, kind).toEqual([]);
      else
        expect(findings, kind).toEqual([
          { level: "error", code: "missing-field", message: 'missing required field "spec"', path: [] },
        ]);
    }
  });
});

describe("metadata", () => {
  const server = VALID.Server as Record<string, unknown>;

  it("accepts the ordinary ObjectMeta fields people leave in", () => {
    const doc = mutate(server, (d) => {
      Object.assign(d.metadata, {
        namespace: "default",
        generateName: "server-",
        finalizers: ["example.com/keep"],
        annotations: { note: "x" },
        ownerReferences: [
          { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: "1234", controller: true },
        ],
      });
    });
    expect(checkSchema("Server", doc)).toEqual([]);
  });

  it("rejects server-populated fields (they are stripped earlier, so reaching here is a bug)", () => {
    const f = only(
      checkSchema(
        "Server",
        mutate(server, (d) => {
          d.metadata.uid = "abc";
        }),
      ),
    );
    expect(f).toMatchObject({ code: "unknown-field", path: ["metadata", "uid"] });
  });

  it("requires label values to be strings", () => {
    const f = only(
      checkSchema(
        "Server",
        mutate(server, (d) => {
          d.metadata.labels = { "a~b/c": true };
        }),
      ),
    );
    expect(f).toMatchObject({
      code: "schema",
      path: ["metadata", "labels", "a~b/c"],
      message: '"metadata.labels["a~b/c"]" must be a string, not true or false',
      hint: 'quote the value: "true"',
    });
  });
});

describe("messages, hints and paths", () => {
  const vpc = VALID.VPC as Record<string, unknown>;

  it("names the unknown field, suggests the close one and lists the allowed ones", () => {
    const f = only(
      checkSchema(
        "VPC",
        mutate(vpc, (d) => {
          d.spec.subnets.default.vlna = 1;
        }),
      ),
    );
    expect(f.path).toEqual(["spec", "subnets", "default", "vlna"]);
    expect(f.hint).toContain('did you mean "vlan"?');
    expect(f.hint).toContain(
      "allowed fields here: subnet, gateway, vlan, isolated, restricted, dhcp, hostBGP",
    );
  });

  it("suggests nothing when no field is close", () => {
    const f = only(
      checkSchema(
        "VPC",
        mutate(vpc, (d) => {
          d.spec.colour = "blue";
        }),
      ),
    );
    expect(f.hint).toMatch(/^allowed fields here: mode, ipv4Namespace, /);
  });

  it("says an empty struct takes no fields", () => {
    const f = only(
      checkSchema(
        "SwitchGroup",
        mutate(VALID.SwitchGroup as Record<string, unknown>, (d) => {
          d.spec.a = 1;
        }),
      ),
    );
    expect(f.hint).toBe("this object takes no fields: write {}");
  });

  it("explains virtual-edge and suggests the close enum value for typos", () => {
    const sw = VALID.Switch as Record<string, unknown>;
    const edge = only(
      checkSchema(
        "Switch",
        mutate(sw, (d) => {
          d.spec.role = "virtual-edge";
        }),
      ),
    );
    expect(edge.code).toBe("enum");
    expect(edge.hint).toContain("not supported by hhfab");
    const typo = only(
      checkSchema(
        "Switch",
        mutate(sw, (d) => {
          d.spec.role = "Spine";
        }),
      ),
    );
    expect(typo.hint).toBe('did you mean "spine"?');
  });

  it("hints how to fix a missing enum field", () => {
    const f = only(
      checkSchema(
        "Switch",
        mutate(VALID.Switch as Record<string, unknown>, (d) => {
          delete d.spec.role;
        }),
      ),
    );
    expect(f.hint).toBe('add "role": one of: spine, server-leaf, border-leaf, mixed-leaf');
  });

  it("gives type hints a YAML author understands", () => {
    const quoted = only(
      checkSchema(
        "VPC",
        mutate(vpc, (d) => {
          d.spec.subnets.default.vlan = "1001";
        }),
      ),
    );
    expect(quoted.hint).toBe("write the number without quotes: 1001");
    const yes = only(
      checkSchema(
        "VPC",
        mutate(vpc, (d) => {
          d.spec.defaultIsolated = "yes";
        }),
      ),
    );
    expect(yes.hint).toBe('write true or false without quotes (YAML 1.2 reads "yes" as a string)');
  });

  it("points at the parent for a missing field and at the key for an unknown one", () => {
    const findings = checkSchema("VPCAttachment", {
      ...VALID.VPCAttachment,
      spec: { subnett: "vpc-1", connection: "c" },
    });
    expect(findings).toEqual([
      {
        level: "error",
        code: "missing-field",
        message: 'missing required field "spec.subnet"',
        hint: 'is "subnett" a misspelling of "subnet"?',
        path: ["spec"],
      },
      {
        level: "error",
        code: "unknown-field",
        message: 'unknown field "spec.subnett"',
        hint: 'did you mean "subnet"? allowed fields here: subnet, connection, nativeVLAN',
        path: ["spec", "subnett"],
      },
    ]);
  });

  it("reports every problem of a document once", () => {
    const findings = checkSchema("Switch", {
      apiVersion: "wiring.githedgehog.com/v1beta1",
      kind: "Switch",
      metadata: { name: "leaf-01" },
      spec: { role: "leaf", profil: "vs", asn: "65101", portFECs: { "E1/1": "x", "E1/2": "y" } },
    });
    expect(findings.map((f) => showPath(f.path))).toEqual([
      "spec",
      "spec.profil",
      "spec.role",
      "spec.asn",
      'spec.portFECs["E1/1"]',
      'spec.portFECs["E1/2"]',
    ]);
  });

  it("unescapes JSON-pointer segments (~0, ~1) into plain keys", () => {
    const f = only(
      checkSchema(
        "Switch",
        mutate(VALID.Switch as Record<string, unknown>, (d) => {
          d.spec.portAutoNegs = { "E1/1~x": "on" };
        }),
      ),
    );
    expect(f.path).toEqual(["spec", "portAutoNegs", "E1/1~x"]);
  });

  it("reports one clear message for a failed oneOf instead of one per branch", () => {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    const validate = ajv.compile({
      type: "object",
      properties: {
        ip: {
          oneOf: [{ type: "string", pattern: "^a$" }, { type: "integer" }],
          "x-expected": "a or a number",
        },
      },
    });
    const doc = { ip: "b" };
    expect(validate(doc)).toBe(false);
    expect(ajvErrorsToFindings(validate.errors ?? [], doc)).toEqual([
      {
        level: "error",
        code: "schema",
        message: '"ip" does not match any allowed form: expected a or a number',
        path: ["ip"],
      },
    ]);
  });

  it("formats paths for people", () => {
    expect(showPath([])).toBe("(document)");
    expect(showPath(["spec", "links", 0, "leaf", "port"])).toBe("spec.links[0].leaf.port");
    expect(showPath(["spec", "portBreakouts", "E1/55"])).toBe('spec.portBreakouts["E1/55"]');
    expect(showPath(["spec", "peering", "ext.edge"])).toBe('spec.peering["ext.edge"]');
  });

  it("counts a transposition as one edit", () => {
    expect(editDistance("vlna", "vlan")).toBe(1);
    expect(editDistance("subnetz", "subnets")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
});

describe("canonicalizeNulls", () => {
  it("makes null permit entries empty maps, as Go decodes them (docs vpcs.md L137)", () => {
    const doc = yaml(`
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPCPeering
metadata:
  name: vpc-01--vpc-02
  namespace: default
spec:
  permit:
  - vpc-01:
    vpc-02:
`);
    expect(canonicalizeNulls("VPCPeering", doc)).toMatchObject({
      spec: { permit: [{ "vpc-01": {}, "vpc-02": {} }] },
    });
    expect(checkSchema("VPCPeering", doc)).toEqual([]);
  });

  it("removes null struct fields; a required one is then reported missing", () => {
    const doc = yaml(`
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-01
  labels:
spec:
  role:
  profile: vs
  description:
`);
    expect(canonicalizeNulls("Switch", doc)).toEqual({
      apiVersion: "wiring.githedgehog.com/v1beta1",
      kind: "Switch",
      metadata: { name: "leaf-01" },
      spec: { profile: "vs" },
    });
    expect(checkSchema("Switch", doc)).toEqual([
      expect.objectContaining({
        code: "missing-field",
        path: ["spec"],
        message: 'missing required field "spec.role"',
      }),
    ]);
  });

  it("treats a null spec as absent: fine for SwitchGroup/GatewayGroup, missing for VPC", () => {
    const group = yaml(
      "apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata: {name: g}\nspec:\n",
    );
    expect(canonicalizeNulls("SwitchGroup", group)).not.toHaveProperty("spec");
    expect(checkSchema("SwitchGroup", group)).toEqual([]);
    const gw = yaml(
      "apiVersion: gateway.githedgehog.com/v1alpha1\nkind: GatewayGroup\nmetadata: {name: g}\nspec:\n",
    );
    expect(checkSchema("GatewayGroup", gw)).toEqual([]);
    const vpc = yaml("apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: v}\nspec:\n");
    expect(only(checkSchema("VPC", vpc)).message).toBe('missing required field "spec"');
  });

  it("turns null map-of-struct values into {} (gateway interfaces, host-BGP prefixes)", () => {
    const doc = mutate(VALID.Gateway as Record<string, unknown>, (d) => {
      d.spec.interfaces.enp2s1 = null;
    });
    expect((canonicalizeNulls("Gateway", doc) as Editable).spec.interfaces.enp2s1).toEqual({});
    expect(checkSchema("Gateway", doc)).toEqual([]);
  });

  it("leaves other nulls for validation to report", () => {
    const doc = mutate(VALID.IPv4Namespace as Record<string, unknown>, (d) => {
      d.spec.subnets = [null];
      d.metadata.labels = { team: null };
    });
    const findings = checkSchema("IPv4Namespace", doc);
    expect(findings).toEqual([
      expect.objectContaining({
        path: ["metadata", "labels", "team"],
        message: '"metadata.labels.team" must be a string, not empty (null)',
      }),
      expect.objectContaining({
        path: ["spec", "subnets", 0],
        hint: "the value is empty: give it a value or remove the key",
      }),
    ]);
  });

  it("keeps null unknown fields, so they are still reported as unknown", () => {
    const doc = mutate(VALID.VPCAttachment as Record<string, unknown>, (d) => {
      d.spec.nativeVlan = null;
    });
    expect(only(checkSchema("VPCAttachment", doc))).toMatchObject({
      code: "unknown-field",
      path: ["spec", "nativeVlan"],
    });
  });

  it("does not modify its input and is idempotent", () => {
    const doc = yaml(
      "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCPeering\nmetadata: {name: p}\nspec:\n  permit: [{a: , b: }]\n",
    );
    const before = structuredClone(doc);
    const once = canonicalizeNulls("VPCPeering", doc);
    expect(doc).toEqual(before);
    expect(canonicalizeNulls("VPCPeering", once)).toEqual(once);
  });

  it("keeps a __proto__ key as data", () => {
    const doc = JSON.parse('{"metadata": {"name": "x", "labels": {"__proto__": "y"}}}');
    const out = canonicalizeNulls("Server", doc) as Editable;
    expect(Object.keys(out.metadata.labels)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(out.metadata.labels)).toBe(Object.prototype);
  });
});

describe("robustness", () => {
  it("never throws and only returns well-formed error findings, whatever the input", () => {
    const kinds = Object.keys(SCHEMAS);
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.jsonValue(), (kind, value) => {
        const findings = checkSchema(kind, value);
        for (const f of findings) {
          expect(f.level).toBe("error");
          expect(f.message.length).toBeGreaterThan(0);
          expect(Array.isArray(f.path)).toBe(true);
        }
        expect(canonicalizeNulls(kind, canonicalizeNulls(kind, value))).toEqual(
          canonicalizeNulls(kind, value),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("survives random mutations of valid documents and reports paths that exist in them", () => {
    const kinds = Object.keys(VALID);
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.string(), fc.jsonValue(), (kind, key, junk) => {
        const doc = mutate(VALID[kind] as Record<string, unknown>, (d) => {
          d.spec = { ...(d.spec ?? {}), [key]: junk };
        });
        for (const f of checkSchema(kind, doc))
          expect(f.path[0]).toMatch(/^(spec|metadata|apiVersion|kind)$/);
      }),
      { numRuns: 300 },
    );
  });

  it("reports an unknown kind instead of throwing", () => {
    expect(checkSchema("Rack", {})).toEqual([
      { level: "error", code: "schema", message: 'no schema for kind "Rack"', path: ["kind"] },
    ]);
  });
});
