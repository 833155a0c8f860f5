/**
 * The per-kind semantic rules: what Go Validate() and hhfab check beyond the JSON schema, for a
 * single document. Rules that need other objects (references, uniqueness across objects) are not here.
 */
import type { Finding } from "../finding.js";
import type { HedgehogKind } from "../kinds.js";
import { checkConnection } from "./connection.js";
import { checkExternal } from "./external.js";
import { checkExternalAttachment } from "./externalattachment.js";
import { checkExternalPeering } from "./externalpeering.js";
import { checkGateway } from "./gateway.js";
import { checkGatewayPeering } from "./gatewaypeering.js";
import { Findings, type Obj } from "./helpers.js";
import { checkIPv4Namespace } from "./ipv4namespace.js";
import { checkMetadata } from "./metadata.js";
import { checkSwitch } from "./switch.js";
import { checkVLANNamespace } from "./vlannamespace.js";
import { checkVPC } from "./vpc.js";
import { checkVPCAttachment } from "./vpcattachment.js";
import { checkVPCPeering } from "./vpcpeering.js";

type KindRules = (out: Findings, value: Obj) => void;

/** Server, SwitchGroup and GatewayGroup have only the common metadata rules. */
const BY_KIND: Readonly<Record<string, KindRules>> = {
  VPC: checkVPC,
  VPCAttachment: checkVPCAttachment,
  VPCPeering: checkVPCPeering,
  IPv4Namespace: checkIPv4Namespace,
  External: checkExternal,
  ExternalAttachment: checkExternalAttachment,
  ExternalPeering: checkExternalPeering,
  Switch: checkSwitch,
  Connection: checkConnection,
  VLANNamespace: checkVLANNamespace,
  Gateway: checkGateway,
  GatewayPeering: checkGatewayPeering,
};

/**
 * Checks one Hedgehog document that already passed its kind's JSON schema (server fields stripped,
 * nulls canonicalized). Pure; never throws, whatever the shape of `value`.
 */
export function checkRules(kind: HedgehogKind, value: Record<string, unknown>): Finding[] {
  const out = new Findings();
  try {
    checkMetadata(out, kind, value);
    BY_KIND[kind.kind]?.(out, value);
  } catch (err) {
    // A rule bug must not take the whole ingestion down; say so instead.
    out.error("rules-internal", [], `internal error while checking ${kind.kind} rules: ${String(err)}`);
  }
  return out.list;
}
