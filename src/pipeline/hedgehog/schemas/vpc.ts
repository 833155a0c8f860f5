/** VPC (vpc.githedgehog.com/v1beta1): CRD schema plus the v0.129 host-BGP subnet fields (reference §2.1). */
import {
  arrayOf,
  boolean,
  integer,
  mapOf,
  resource,
  string,
  stringList,
  struct,
  uint16,
  uint32,
  VPC_API,
} from "./common.js";

/** Host-BGP prefix lengths accepted from a host (v0.129, 1..32). */
const prefixLength = integer(1, 32);

const dhcpOptions = struct({
  pxeURL: string,
  dnsServers: stringList,
  timeServers: stringList,
  // The CRD marks interfaceMTU and leaseTimeSeconds required only because the Go tags lack
  // omitempty; the webhook defaults them (9036, 3600), so users may leave them out (§3.3).
  interfaceMTU: uint16,
  leaseTimeSeconds: uint32,
  disableDefaultRoute: boolean,
  advertisedRoutes: arrayOf(struct({ destination: string, gateway: string }, ["destination", "gateway"])),
});

const dhcp = struct({
  enable: boolean,
  range: struct({ start: string, end: string }),
  relay: string,
  relayVPC: string,
  options: dhcpOptions,
  // Static leases: MAC address → fixed IP.
  static: mapOf(struct({ ip: string }, ["ip"])),
});

const subnet = struct(
  {
    subnet: string,
    gateway: string,
    // VLAN ranges are checked against the VLANNamespace by the rules; here only the uint16 width.
    vlan: uint16,
    isolated: boolean,
    restricted: boolean,
    dhcp,
    hostBGP: boolean,
    hostBGPMinPrefixLen: prefixLength,
    hostBGPMaxPrefixLen: prefixLength,
    // Extra IPv4 prefix (map key) → accepted prefix lengths inside it.
    hostBGPExtraPrefixes: mapOf(struct({ minPrefixLen: prefixLength, maxPrefixLen: prefixLength })),
  },
  ["subnet"],
);

const spec = struct(
  {
    mode: string,
    ipv4Namespace: string,
    vlanNamespace: string,
    defaultIsolated: boolean,
    defaultRestricted: boolean,
    subnets: mapOf(subnet),
    // Lists of subnet names that may talk to each other.
    permit: arrayOf(stringList),
    staticRoutes: arrayOf(struct({ prefix: string, nextHops: stringList }, ["prefix", "nextHops"])),
  },
  ["subnets"],
);

export const vpcSchema = resource(VPC_API, "VPC", spec, { specRequired: true });
