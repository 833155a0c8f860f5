/** VPCAttachment rules (reference §2.2) that need no other objects. */
import { parsePrefix } from "../net.js";
import { asObj, asStr, checkRequired, type Findings, type Obj, show } from "./helpers.js";
import { checkReference, SHORT_NAME_MAX } from "./names.js";

const P2P_ANNOTATION = "fabric.githedgehog.com/p2p-link";

export function checkVPCAttachment(out: Findings, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  checkRequired(out, spec.connection, ["spec", "connection"], "set the name of the Connection to attach to");

  const subnetPath = ["spec", "subnet"];
  if (checkRequired(out, spec.subnet, subnetPath, 'set the subnet as "<vpc>/<subnet>", e.g. vpc-1/default')) {
    const subnet = asStr(spec.subnet) ?? "";
    // Go splits on the first "/" and appends "/default" when there is none.
    const slash = subnet.indexOf("/");
    const vpc = slash < 0 ? subnet : subnet.slice(0, slash);
    if (vpc === "" || (slash >= 0 && subnet.slice(slash + 1) === "")) {
      out.error(
        "attachment-subnet",
        subnetPath,
        `spec.subnet ${show(subnet)} should be "<vpc>/<subnet>" with both parts non-empty`,
        'write it as "<vpc>/<subnet>", e.g. vpc-1/default (a bare VPC name means its subnet default)',
      );
    } else {
      checkReference(out, vpc, subnetPath, "VPC", SHORT_NAME_MAX);
    }
  }

  const annotations = asObj(asObj(value.metadata)?.annotations);
  const p2p = annotations?.[P2P_ANNOTATION];
  if (typeof p2p === "string") {
    const prefix = parsePrefix(p2p);
    if (prefix?.family !== 4 || prefix.len !== 31) {
      out.error(
        "p2p-link",
        ["metadata", "annotations", P2P_ANNOTATION],
        `annotation ${P2P_ANNOTATION} ${show(p2p)} must be an IPv4 /31 prefix`,
        "write it as an IPv4 /31, e.g. 10.99.0.0/31",
      );
    }
  }
}
