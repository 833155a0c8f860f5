/** ExternalPeering rules (reference §2.7): both names set, prefixes non-empty. */
import { parsePrefix } from "../net.js";
import { asArr, asObj, checkRequired, type Findings, type Obj, pathText, show } from "./helpers.js";
import { checkReference, SHORT_NAME_MAX } from "./names.js";

export function checkExternalPeering(out: Findings, value: Obj): void {
  const permit = asObj(asObj(value.spec)?.permit) ?? {};
  for (const [side, kind] of [
    ["vpc", "VPC"],
    ["external", "External"],
  ] as const) {
    const path = ["spec", "permit", side, "name"];
    const name = asObj(permit[side])?.name;
    if (checkRequired(out, name, path, `set the name of the ${kind} to peer`)) {
      checkReference(out, name, path, kind, SHORT_NAME_MAX);
    }
  }

  asArr(asObj(permit.external)?.prefixes).forEach((raw, i) => {
    const path = ["spec", "permit", "external", "prefixes", i, "prefix"];
    const prefix = asObj(raw)?.prefix;
    if (!checkRequired(out, prefix, path, "set the prefix to accept, e.g. 0.0.0.0/0 for everything")) return;
    // Go does not parse these, but the switch configuration built from them needs a CIDR.
    if (typeof prefix === "string" && parsePrefix(prefix)?.family !== 4) {
      out.warning(
        "prefix-invalid",
        path,
        `${pathText(path)} ${show(prefix)} is not an IPv4 CIDR prefix`,
        "write a prefix such as 10.0.0.0/8 (0.0.0.0/0 accepts everything)",
      );
    }
  });
}
