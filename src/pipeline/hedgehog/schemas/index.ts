/** The JSON Schema of every user-authored Hedgehog kind, keyed by kind (the 15 of kinds.ts). */
import { connectionSchema } from "./connection.js";
import { externalSchema } from "./external.js";
import { externalAttachmentSchema } from "./externalattachment.js";
import { externalPeeringSchema } from "./externalpeering.js";
import { gatewaySchema } from "./gateway.js";
import { gatewayGroupSchema } from "./gatewaygroup.js";
import { gatewayPeeringSchema } from "./gatewaypeering.js";
import { ipv4NamespaceSchema } from "./ipv4namespace.js";
import { serverSchema } from "./server.js";
import { switchSchema } from "./switch.js";
import { switchGroupSchema } from "./switchgroup.js";
import { vlanNamespaceSchema } from "./vlannamespace.js";
import { vpcSchema } from "./vpc.js";
import { vpcAttachmentSchema } from "./vpcattachment.js";
import { vpcPeeringSchema } from "./vpcpeering.js";

export const SCHEMAS: Record<string, object> = {
  VPC: vpcSchema,
  VPCAttachment: vpcAttachmentSchema,
  VPCPeering: vpcPeeringSchema,
  IPv4Namespace: ipv4NamespaceSchema,
  External: externalSchema,
  ExternalAttachment: externalAttachmentSchema,
  ExternalPeering: externalPeeringSchema,
  Switch: switchSchema,
  Server: serverSchema,
  Connection: connectionSchema,
  SwitchGroup: switchGroupSchema,
  VLANNamespace: vlanNamespaceSchema,
  Gateway: gatewaySchema,
  GatewayGroup: gatewayGroupSchema,
  GatewayPeering: gatewayPeeringSchema,
};
