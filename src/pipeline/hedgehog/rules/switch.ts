/**
 * Switch rules (reference §2.8) that need neither the switch profile nor other switches.
 * Addresses and the ASN may be absent (hhfab hydrates them), so they are checked only when present.
 */
import { asObj, asSet, checkRequired, type Findings, type Obj, show } from "./helpers.js";
import { checkASN, checkHostPrefix, checkPrefix } from "./netchecks.js";

const ROLES_HINT = "use one of spine, server-leaf, border-leaf, mixed-leaf";

export function checkSwitch(out: Findings, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  if (spec.role === "virtual-edge") {
    out.error(
      "role-unsupported",
      ["spec", "role"],
      'spec.role "virtual-edge" is not supported (hhfab rejects it)',
      ROLES_HINT,
    );
  }
  checkRequired(out, spec.profile, ["spec", "profile"], "set the switch profile, e.g. dell-s5248f-on or vs");
  checkRedundancy(out, asObj(spec.redundancy) ?? {});

  if (spec.role === "spine" && asSet(spec.vtepIP) !== undefined) {
    out.error(
      "vtep-on-spine",
      ["spec", "vtepIP"],
      `spec.vtepIP ${show(spec.vtepIP)}: VTEP IP is not allowed for spine switches`,
      "remove spec.vtepIP from the spine",
    );
  }
  checkPrefix(out, asSet(spec.ip), ["spec", "ip"]);
  checkHostPrefix(out, spec.protocolIP, ["spec", "protocolIP"]);
  checkHostPrefix(out, spec.vtepIP, ["spec", "vtepIP"]);
  checkASN(out, spec.asn, ["spec", "asn"]);
}

function checkRedundancy(out: Findings, redundancy: Obj): void {
  const group = asSet(redundancy.group);
  const type = asSet(redundancy.type);
  if ((group === undefined) !== (type === undefined)) {
    const [set, missing] = group === undefined ? ["type", "group"] : ["group", "type"];
    out.error(
      "redundancy",
      ["spec", "redundancy", set],
      `spec.redundancy.${set} ${show(redundancy[set])} is set without redundancy.${missing}`,
      "set both redundancy.group and redundancy.type (eslag), or neither",
    );
  }
  if (type === "mclag") {
    out.warning(
      "mclag-deprecated",
      ["spec", "redundancy", "type"],
      'spec.redundancy.type "mclag": MCLAG is deprecated and no longer supported',
      "use ESLAG (redundancy.type: eslag) instead",
    );
  }
}
