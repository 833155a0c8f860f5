/** VPCPeering rules (reference §2.3): no `remote`, exactly two VPCs, names that can be VPC names. */
import { asArr, asObj, asSet, type Findings, type Obj, show } from "./helpers.js";
import { checkReference, SHORT_NAME_MAX } from "./names.js";

export function checkVPCPeering(out: Findings, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  const remote = asSet(spec.remote);
  if (remote !== undefined) {
    out.error(
      "remote-not-supported",
      ["spec", "remote"],
      `spec.remote ${show(remote)}: the remote field is deprecated and no longer supported`,
      "remove spec.remote (peer through a gateway with a GatewayPeering instead)",
    );
  }

  const vpcs = new Set<string>();
  let badEntry = false;
  asArr(spec.permit).forEach((raw, i) => {
    const permit = asObj(raw) ?? {};
    const keys = Object.keys(permit);
    if (keys.length !== 2) {
      badEntry = true;
      out.error(
        "peering-vpcs",
        ["spec", "permit", i],
        `spec.permit[${i}] names ${keys.length} VPC(s) (${keys.join(", ") || "none"}); each entry must name exactly 2`,
        "write each permit entry as a map of the two peered VPCs, e.g. {vpc-1: {}, vpc-2: {}}",
      );
    }
    for (const key of keys) {
      vpcs.add(key);
      checkReference(out, key, ["spec", "permit", i, key], "VPC", SHORT_NAME_MAX);
    }
  });
  if (!badEntry && vpcs.size !== 2) {
    out.error(
      "peering-vpcs",
      spec.permit === undefined ? ["spec"] : ["spec", "permit"],
      `spec.permit names ${vpcs.size} VPCs (${[...vpcs].join(", ") || "none"}); a VPCPeering connects exactly 2`,
      "use one VPCPeering per pair of VPCs",
    );
  }
}
