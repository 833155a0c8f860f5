/**
 * Connection (wiring.githedgehog.com/v1beta1): one cable bundle, typed by its single spec key (§2.10).
 * Every type key is optional here: "exactly one type" is a rules-step check, because a oneOf would
 * drown the user in one error per alternative.
 */
import {
  arrayOf,
  boolean,
  ipv4Address,
  ipv4Cidr,
  port,
  portName,
  portWithIP,
  resource,
  string,
  stringList,
  struct,
  uint16,
  WIRING_API,
} from "./common.js";

const serverLink = struct({ server: port, switch: port }, ["server", "switch"]);

/** bundled, eslag and the deprecated mclag share one shape; they differ in the minimum link count. */
function serverLinks(minItems: number) {
  return struct({ links: arrayOf(serverLink, { minItems }), mtu: uint16, fallback: boolean }, ["links"]);
}

const switchPair = struct({ switch1: port, switch2: port }, ["switch1", "switch2"]);

const spec = struct({
  unbundled: struct({ link: serverLink, mtu: uint16 }, ["link"]),
  bundled: serverLinks(1),
  eslag: serverLinks(2),
  // Deprecated (the rules step warns) but still valid.
  mclag: serverLinks(2),
  mclagDomain: struct(
    {
      peerLinks: arrayOf(switchPair, { minItems: 1 }),
      sessionLinks: arrayOf(switchPair, { minItems: 1 }),
    },
    ["peerLinks", "sessionLinks"],
  ),
  fabric: struct(
    { links: arrayOf(struct({ spine: portWithIP, leaf: portWithIP }, ["spine", "leaf"]), { minItems: 1 }) },
    ["links"],
  ),
  mesh: struct(
    { links: arrayOf(struct({ leaf1: portWithIP, leaf2: portWithIP }, ["leaf1", "leaf2"]), { minItems: 1 }) },
    ["links"],
  ),
  gateway: struct(
    {
      links: arrayOf(struct({ switch: portWithIP, gateway: portWithIP }, ["switch", "gateway"]), {
        minItems: 1,
      }),
    },
    ["links"],
  ),
  vpcLoopback: struct({ links: arrayOf(switchPair, { minItems: 1 }) }, ["links"]),
  external: struct({ link: struct({ switch: port }, ["switch"]) }, ["link"]),
  staticExternal: struct(
    {
      link: struct(
        {
          switch: struct(
            { port: portName, ip: ipv4Cidr, nextHop: ipv4Address, subnets: stringList, vlan: uint16 },
            ["port", "ip", "nextHop"],
          ),
        },
        ["switch"],
      ),
      withinVPC: string,
    },
    ["link"],
  ),
});

export const connectionSchema = resource(WIRING_API, "Connection", spec, { specRequired: true });
