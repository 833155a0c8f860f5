/** ExternalPeering (vpc.githedgehog.com/v1beta1): which VPC subnets see which External prefixes (§2.7). */
import { arrayOf, resource, string, stringList, struct, VPC_API } from "./common.js";

const permit = struct(
  {
    vpc: struct({ name: string, subnets: stringList }, ["name"]),
    // `0.0.0.0/0` means every prefix the External announces.
    external: struct({ name: string, prefixes: arrayOf(struct({ prefix: string }, ["prefix"])) }, ["name"]),
  },
  ["vpc", "external"],
);

const spec = struct({ permit }, ["permit"]);

export const externalPeeringSchema = resource(VPC_API, "ExternalPeering", spec, { specRequired: true });
