/** VPCAttachment (vpc.githedgehog.com/v1beta1): binds a VPC subnet to a server-facing Connection (§2.2). */
import { boolean, resource, string, struct, VPC_API } from "./common.js";

const spec = struct(
  {
    // "<vpc>/<subnet>", or "<vpc>" meaning its "default" subnet.
    subnet: string,
    connection: string,
    nativeVLAN: boolean,
  },
  ["subnet", "connection"],
);

export const vpcAttachmentSchema = resource(VPC_API, "VPCAttachment", spec, { specRequired: true });
