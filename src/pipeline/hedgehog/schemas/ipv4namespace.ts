/** IPv4Namespace (vpc.githedgehog.com/v1beta1): the address pool VPC subnets are taken from (§2.4). */
import { arrayOf, resource, string, struct, VPC_API } from "./common.js";

// CIDR validity and overlaps are the rules step's job; the CRD only bounds the list (Go allows ≤ 10).
const spec = struct({ subnets: arrayOf(string, { minItems: 1, maxItems: 20 }) }, ["subnets"]);

export const ipv4NamespaceSchema = resource(VPC_API, "IPv4Namespace", spec, { specRequired: true });
