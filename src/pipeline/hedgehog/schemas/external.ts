/** External (vpc.githedgehog.com/v1beta1): an outside network reached over BGP or static routes (§2.5). */
import { resource, string, stringList, struct, VPC_API } from "./common.js";

const spec = struct({
  ipv4Namespace: string,
  inboundCommunity: string,
  outboundCommunity: string,
  // Present = static (non-BGP) external.
  static: struct({ prefixes: stringList }, ["prefixes"]),
});

// Every field is optional (ipv4Namespace defaults to "default"), so an External may omit spec.
export const externalSchema = resource(VPC_API, "External", spec, { specRequired: false });
