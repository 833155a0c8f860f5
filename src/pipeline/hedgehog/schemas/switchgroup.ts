/** SwitchGroup (wiring.githedgehog.com/v1beta1): a marker object switches refer to by name (§2.11). */
import { emptyStruct, resource, WIRING_API } from "./common.js";

// The spec is an empty struct: with strict decoding any field in it is an error.
export const switchGroupSchema = resource(WIRING_API, "SwitchGroup", emptyStruct, { specRequired: false });
