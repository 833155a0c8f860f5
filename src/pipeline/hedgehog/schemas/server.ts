/** Server (wiring.githedgehog.com/v1beta1): a host wired to the fabric; only named by Connections (§2.9). */
import { resource, string, struct, WIRING_API } from "./common.js";

// `profile` exists in the API but is unused by the fabric.
const spec = struct({ description: string, profile: string });

// Wiring files often declare servers with metadata only.
export const serverSchema = resource(WIRING_API, "Server", spec, { specRequired: false });
