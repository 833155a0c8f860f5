/** Switch (wiring.githedgehog.com/v1beta1): one fabric switch (reference §2.8). */
import {
  boolean,
  EXPECTED_KEYWORD,
  integer,
  mapOf,
  resource,
  string,
  stringEnum,
  stringList,
  struct,
  uint32,
  VALUE_HINTS_KEYWORD,
  WIRING_API,
} from "./common.js";

const USABLE_ROLES = ["spine", "server-leaf", "border-leaf", "mixed-leaf"];

// The CRD enum also lists virtual-edge, but hhfab rejects it: say so instead of a bare enum error.
const role = {
  type: "string",
  enum: USABLE_ROLES,
  [EXPECTED_KEYWORD]: `one of: ${USABLE_ROLES.join(", ")}`,
  [VALUE_HINTS_KEYWORD]: {
    "virtual-edge": `virtual-edge is in the CRD but is not supported by hhfab; use one of: ${USABLE_ROLES.join(", ")}`,
  },
};

const redundancy = struct({
  group: string,
  // "" is accepted by Go (no redundancy) and dropped by the webhook's round-trip; mclag is
  // deprecated but valid (the rules step warns).
  type: stringEnum("eslag", "mclag", ""),
});

// Present = feature enabled; ranges and defaults are the CRD's.
const linkFlapErrDisable = struct({
  flapThreshold: { ...integer(1, 50), default: 3 },
  samplingInterval: { ...integer(1, 65_535), default: 30 },
  recoveryInterval: { ...integer(0, 65_534), default: 300 },
});

const spec = struct(
  {
    role,
    profile: string,
    description: string,
    groups: stringList,
    redundancy,
    vlanNamespaces: stringList,
    // asn, ip, protocolIP and vtepIP are filled by hhfab hydration when left out.
    asn: uint32,
    ip: string,
    protocolIP: string,
    vtepIP: string,
    boot: struct({ serial: string, mac: string }),
    // Port maps are keyed by port name ("E1/55") or port group ("1"); values are checked against
    // the switch profile by the rules step.
    portGroupSpeeds: mapOf(string),
    portSpeeds: mapOf(string),
    portBreakouts: mapOf(string),
    portAutoNegs: mapOf(boolean),
    portFECs: mapOf(stringEnum("rs", "fc", "auto", "disabled")),
    // v0.129: port (or "*") → "" | duration | "YYYY-MM-DD hh:mm:ss".
    portLocators: mapOf(string),
    enableAllPorts: boolean,
    roce: boolean,
    ecmp: struct({ roceQPN: boolean }),
    linkFlapErrDisable,
  },
  ["role", "profile"],
);

export const switchSchema = resource(WIRING_API, "Switch", spec, { specRequired: true });
