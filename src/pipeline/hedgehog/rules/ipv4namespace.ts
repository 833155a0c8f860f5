/** IPv4Namespace rules (reference §2.4): 1..10 valid, non-overlapping subnets outside the fabric's ranges. */
import { asArr, asObj, type Findings, type Obj } from "./helpers.js";
import { checkNoOverlap, checkNotReserved, checkPrefix, type Located } from "./netchecks.js";

/** Go allows at most 10 (ACLs are built per subnet pair), fewer than the CRD's 20. */
const MAX_SUBNETS = 10;

export function checkIPv4Namespace(out: Findings, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  const subnets = asArr(spec.subnets);
  if (subnets.length === 0 || subnets.length > MAX_SUBNETS) {
    out.error(
      "subnet-count",
      spec.subnets === undefined ? ["spec"] : ["spec", "subnets"],
      `spec.subnets has ${subnets.length} subnets; an IPv4Namespace needs 1 to ${MAX_SUBNETS}`,
      `list between 1 and ${MAX_SUBNETS} subnets, e.g. 10.0.0.0/16`,
    );
  }
  const located: Located[] = [];
  subnets.forEach((text, i) => {
    const path = ["spec", "subnets", i];
    // Go masks the host bits away, so a non-canonical prefix is accepted but likely a typo.
    const prefix = checkPrefix(out, text, path, { ipv6: true, canonical: "warning" });
    if (prefix === undefined) return;
    const item = { prefix, text: String(text), path };
    located.push(item);
    checkNotReserved(out, item);
  });
  checkNoOverlap(out, located);
}
