/** VLANNamespace (wiring.githedgehog.com/v1beta1): VLAN ranges VPC subnets may use (§2.11). */
import { arrayOf, resource, struct, uint16, WIRING_API } from "./common.js";

// 1 ≤ from ≤ to ≤ 4094 and no overlaps are the rules step's job; `to` defaults to `from`.
const range = struct({ from: uint16, to: uint16 }, ["from"]);

const spec = struct({ ranges: arrayOf(range, { minItems: 1, maxItems: 20 }) }, ["ranges"]);

export const vlanNamespaceSchema = resource(WIRING_API, "VLANNamespace", spec, { specRequired: true });
