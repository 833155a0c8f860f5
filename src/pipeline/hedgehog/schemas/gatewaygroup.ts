/** GatewayGroup (gateway.githedgehog.com/v1alpha1): a marker object Gateways and peerings refer to (§2.12). */
import { emptyStruct, GATEWAY_API, resource } from "./common.js";

// Like SwitchGroup, the spec has no fields.
export const gatewayGroupSchema = resource(GATEWAY_API, "GatewayGroup", emptyStruct, { specRequired: false });
