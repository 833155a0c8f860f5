/** VPCPeering (vpc.githedgehog.com/v1beta1): which subnets of two VPCs may talk (§2.3). */
import { arrayOf, mapOf, resource, string, struct, VPC_API } from "./common.js";

// One permit entry maps a VPC name to the subnets it exposes; a missing or empty `subnets` means all.
// `vpc-01:` with no value is common in docs: canonicalizeNulls turns it into `{}` before validation.
const permitEntry = mapOf(struct({ subnets: arrayOf(string, { minItems: 1, maxItems: 10 }) }));

const spec = struct(
  {
    permit: arrayOf(permitEntry, { minItems: 1, maxItems: 10 }),
    // Deprecated: must be empty (the rules step reports it); kept so old files get a clear message.
    remote: string,
  },
  ["permit"],
);

export const vpcPeeringSchema = resource(VPC_API, "VPCPeering", spec, { specRequired: true });
