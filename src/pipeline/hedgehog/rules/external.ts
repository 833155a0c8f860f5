/** External rules (reference §2.5): BGP communities, or static prefixes for a static external. */
import type { JsonPath } from "../../types.js";
import { asArr, asObj, asSet, type Findings, type Obj, pathText, show } from "./helpers.js";
import { checkReference, SHORT_NAME_MAX } from "./names.js";
import { checkNoOverlap, checkPrefix, type Located } from "./netchecks.js";

/** Two 16-bit numbers "A:B", without leading zeros (Go communityCheck). */
const U16 =
  "(6553[0-5]|655[0-2][0-9]|654[0-9]{2}|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{1,3}|[0-9])";
const COMMUNITY = new RegExp(`^${U16}:${U16}$`);
const COMMUNITIES = ["inboundCommunity", "outboundCommunity"] as const;

export function checkExternal(out: Findings, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  checkReference(out, spec.ipv4Namespace, ["spec", "ipv4Namespace"], "IPv4Namespace", SHORT_NAME_MAX);
  const staticCfg = asObj(spec.static);

  for (const key of COMMUNITIES) {
    const community = asSet(spec[key]);
    if (community === undefined) continue;
    const path: JsonPath = ["spec", key];
    if (staticCfg !== undefined) {
      out.error(
        "community-with-static",
        path,
        `spec.${key} ${show(community)} must be empty for a static external`,
        `remove spec.${key} or spec.static`,
      );
    } else if (!COMMUNITY.test(community)) {
      out.error(
        "community-invalid",
        path,
        `spec.${key} ${show(community)} is not a valid BGP community`,
        'write it as two numbers 0..65535, e.g. "50000:50001"',
      );
    }
  }

  if (staticCfg === undefined) return;
  const prefixes = asArr(staticCfg.prefixes);
  if (prefixes.length === 0) {
    const path = ["spec", "static", "prefixes"];
    out.error(
      "required",
      path,
      `${pathText(path)}: a static external needs at least one prefix`,
      "list the prefixes reachable through this external, e.g. 0.0.0.0/0",
    );
  }
  const located: Located[] = [];
  prefixes.forEach((text, i) => {
    const path = ["spec", "static", "prefixes", i];
    const prefix = checkPrefix(out, text, path, { ipv6: true });
    if (prefix) located.push({ prefix, text: String(text), path });
  });
  checkNoOverlap(out, located);
}
