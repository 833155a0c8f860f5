/**
 * GatewayPeering (gateway.githedgehog.com/v1alpha1): what two VPCs (or a VPC and `ext.<external>`)
 * expose to each other through the gateway, with NAT and ACLs (reference §2.12).
 * "Exactly one of" rules (cidr/not/vpcSubnet, NAT kinds) are left to the rules step.
 */
import {
  arrayOf,
  boolean,
  emptyStruct,
  GATEWAY_API,
  mapOf,
  resource,
  string,
  stringEnum,
  stringList,
  struct,
} from "./common.js";

const nat = struct({
  masquerade: struct({ idleTimeout: string }),
  portForward: struct({
    idleTimeout: string,
    // Ports are strings ("80" or "8000-8080"); the rules step checks their syntax.
    ports: arrayOf(struct({ proto: stringEnum("tcp", "udp", ""), port: string, as: string })),
  }),
  static: emptyStruct,
});

const expose = struct({
  ips: arrayOf(struct({ cidr: string, not: string, vpcSubnet: string })),
  as: arrayOf(struct({ cidr: string, not: string })),
  nat,
  default: boolean,
});

const aclMatchSide = struct({ cidr: string, vpcSubnet: string, ports: stringList });

const aclRule = struct(
  {
    name: string,
    from: string,
    to: string,
    action: stringEnum("allow", "deny"),
    match: struct({ src: arrayOf(aclMatchSide), dst: arrayOf(aclMatchSide), proto: string }),
    scope: stringEnum("flow", "packet", ""),
    log: boolean,
  },
  ["action"],
);

const spec = struct(
  {
    gatewayGroup: string,
    // Exactly two keys (VPC names or ext.<external>); the count is the rules step's check.
    peering: mapOf(struct({ expose: arrayOf(expose) })),
    // The CRD requires acl.default only because the Go tag lacks omitempty; it defaults to
    // deny-unless-exposed (§3.3).
    acl: struct({ default: stringEnum("deny", "deny-unless-exposed", ""), rules: arrayOf(aclRule) }),
  },
  ["peering"],
);

export const gatewayPeeringSchema = resource(GATEWAY_API, "GatewayPeering", spec, { specRequired: true });
