/** Name formats the fabric relies on, for names written as references inside a spec. */
import type { JsonPath } from "../../types.js";
import { type Findings, pathText, show } from "./helpers.js";

/** Go's ValidateObjectMetadata: lowercase RFC 1123 subdomain. */
export const OBJECT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Name limit of VPC, External and IPv4Namespace (the VRF name built from it must fit 15 characters). */
export const SHORT_NAME_MAX = 11;

/** How GatewayPeering and VPCInfo name an External: "ext.<name>". */
export const EXTERNAL_PREFIX = "ext.";

/**
 * A reference that no valid object can answer to (bad characters, longer than its kind allows) is an
 * error: admission would refuse any object of that name, so the reference can never resolve.
 * Whether the object exists is a separate, softer check (crossref.ts).
 */
export function checkReference(
  out: Findings,
  value: unknown,
  path: JsonPath,
  kind: string,
  maxLength = 253,
): void {
  if (typeof value !== "string" || value === "") return;
  if (OBJECT_NAME.test(value) && value.length <= maxLength) return;
  out.error(
    "reference-invalid",
    path,
    `${pathText(path)} ${show(value)} is not a valid ${kind} name (lowercase RFC 1123, at most ${maxLength} characters)`,
    `no ${kind} can have this name: check the spelling of the ${kind} name`,
  );
}

/** Subnet keys become label values and part of the DHCPSubnet name "<vpc>--<subnet>". */
const SUBNET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkSubnetName(out: Findings, name: string, path: JsonPath): void {
  if (SUBNET_NAME.test(name) && name.length <= 63) return;
  out.warning(
    "subnet-name",
    path,
    `${pathText(path)}: subnet name ${show(name)} is not a DNS label (lowercase letters, digits and '-', at most 63)`,
    "rename the subnet, e.g. web-servers: it is used in labels and generated object names",
  );
}
