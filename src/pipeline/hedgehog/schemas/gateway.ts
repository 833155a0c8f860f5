/** Gateway (gateway.githedgehog.com/v1alpha1): one gateway node (reference §2.12). */
import {
  arrayOf,
  boolean,
  GATEWAY_API,
  mapOf,
  resource,
  string,
  stringList,
  struct,
  uint8,
  uint32,
} from "./common.js";

// Interface name (map key) → how to find it; `ips` are filled by hhfab from gateway Connections.
const gatewayInterface = struct({ pci: string, kernel: string, ips: stringList, mtu: uint32 });

const logs = struct({
  default: string,
  tags: mapOf(string),
  rateLimit: struct({ burst: uint32, replenishPerSecond: uint32 }),
});

const spec = struct(
  {
    // asn, protocolIP, vtepIP, vtepMAC, vtepMTU and neighbors are hydrated by hhfab when left out.
    asn: uint32,
    protocolIP: string,
    vtepIP: string,
    vtepMAC: string,
    vtepMTU: uint32,
    interfaces: mapOf(gatewayInterface),
    neighbors: arrayOf(struct({ source: string, ip: string, asn: uint32 })),
    logs,
    profiling: struct({ enabled: boolean }),
    // Go type uint8; the 1..64 limit is the rules step's.
    workers: uint8,
    groups: arrayOf(struct({ name: string, priority: uint32 }, ["name"])),
    flowTableCapacity: uint32,
  },
  ["interfaces"],
);

export const gatewaySchema = resource(GATEWAY_API, "Gateway", spec, { specRequired: true });
