/** ExternalAttachment rules (reference §2.6): BGP or static mode fields, and the inbound ACL. */
import type { JsonPath } from "../../types.js";
import {
  asArr,
  asNum,
  asObj,
  asSet,
  checkRequired,
  type Findings,
  isSet,
  type Obj,
  pathText,
  show,
} from "./helpers.js";
import { checkReference, SHORT_NAME_MAX } from "./names.js";
import { checkIP, checkPrefix } from "./netchecks.js";

export function checkExternalAttachment(out: Findings, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  if (checkRequired(out, spec.external, ["spec", "external"], "set the name of the External")) {
    checkReference(out, spec.external, ["spec", "external"], "External", SHORT_NAME_MAX);
  }
  checkRequired(out, spec.connection, ["spec", "connection"], "set the name of the external Connection");

  const sw = asObj(spec.switch) ?? {};
  const neighbor = asObj(spec.neighbor) ?? {};
  const staticCfg = asObj(spec.static);
  if (staticCfg === undefined) {
    const ipPath = ["spec", "switch", "ip"];
    if (
      checkRequired(
        out,
        sw.ip,
        ipPath,
        "set the switch side address with its prefix length, e.g. 100.100.0.1/24",
      )
    ) {
      checkPrefix(out, sw.ip, ipPath, { ipv6: true });
    }
    checkRequired(out, neighbor.asn, ["spec", "neighbor", "asn"], "set the ASN of the BGP neighbor");
    const neighborIP = ["spec", "neighbor", "ip"];
    if (checkRequired(out, neighbor.ip, neighborIP, "set the BGP neighbor address, without prefix length")) {
      checkIP(out, neighbor.ip, neighborIP, { ipv6: true });
    }
  } else {
    checkStatic(out, staticCfg, sw, neighbor);
  }
  checkACL(out, asObj(spec.inboundACL));
}

function checkStatic(out: Findings, staticCfg: Obj, sw: Obj, neighbor: Obj): void {
  for (const [key, part] of [
    ["switch", sw],
    ["neighbor", neighbor],
  ] as const) {
    if (!isSet(part.ip) && !isSet(part.vlan) && !isSet(part.asn)) continue;
    out.error(
      "static-conflict",
      ["spec", key],
      `spec.${key} ${show(part)} must be empty for a static external attachment`,
      `remove the ${key} settings (use spec.static.vlan / spec.static.ip instead)`,
    );
  }
  const remotePath = ["spec", "static", "remoteIP"];
  if (checkRequired(out, staticCfg.remoteIP, remotePath, "set the next-hop address of the static external")) {
    checkIP(out, staticCfg.remoteIP, remotePath, { ipv6: true });
  }
  const ip = asSet(staticCfg.ip);
  const proxy = staticCfg.proxy === true;
  if ((ip === undefined) === !proxy) {
    out.error(
      "static-ip-proxy",
      ["spec", "static"],
      `spec.static: exactly one of ip (${show(ip ?? "")}) and proxy: true (${proxy}) must be set`,
      "set either static.ip (a CIDR on the switch) or static.proxy: true",
    );
  }
  checkPrefix(out, ip, ["spec", "static", "ip"], { ipv6: true });
}

const ACL_ACTIONS = ["permit", "deny", "discard", "transit"];
const ACL_PROTOCOLS = ["ip", "tcp", "udp", "icmp"];
const TCP_FLAGS = ["fin", "syn", "rst", "psh", "ack", "urg"];
const ACL_MIN_SEQ = 10;

function checkACL(out: Findings, acl: Obj | undefined): void {
  const seqs = new Set<number>();
  asArr(acl?.statements).forEach((raw, i) => {
    const stmt = asObj(raw) ?? {};
    const path = ["spec", "inboundACL", "statements", i];
    const at = (key: string): JsonPath => [...path, key];
    const seq = asNum(stmt.seq);
    if (seq !== undefined && (seq < ACL_MIN_SEQ || seqs.has(seq))) {
      const why = seq < ACL_MIN_SEQ ? `is reserved (user rules start at ${ACL_MIN_SEQ})` : "is used twice";
      out.error("acl-seq", at("seq"), `${pathText(at("seq"))} ${seq} ${why}`, "use unique seq numbers >= 10");
    }
    if (seq !== undefined) seqs.add(seq);
    for (const [key, allowed] of [
      ["action", ACL_ACTIONS],
      ["protocol", ACL_PROTOCOLS],
    ] as const) {
      if (typeof stmt[key] === "string" && !allowed.includes(stmt[key])) {
        out.error(
          `acl-${key}`,
          at(key),
          `${pathText(at(key))} ${show(stmt[key])} is not valid`,
          `use one of ${allowed.join(", ")}`,
        );
      }
    }
    for (const key of ["srcPrefix", "dstPrefix"]) {
      if (stmt[key] !== "any") checkPrefix(out, stmt[key], at(key), { ipv6: true });
    }
    const protocol = stmt.protocol;
    const filters = asObj(stmt.tcpFilters);
    const onlyWith = (key: string, protocols: string[]): void => {
      out.error(
        "acl-match",
        at(key),
        `${pathText(at(key))} can only be used with protocol ${protocols.join(" or ")} (protocol is ${show(protocol)})`,
        `set protocol to ${protocols.join(" or ")} or remove ${key}`,
      );
    };
    if (filters && isSet(filters) && protocol !== "tcp") onlyWith("tcpFilters", ["tcp"]);
    if (filters) checkTCPFilters(out, filters, at("tcpFilters"));
    for (const key of ["icmpType", "icmpCode"]) {
      if (stmt[key] !== undefined && protocol !== "icmp") onlyWith(key, ["icmp"]);
    }
    const begin = asNum(stmt.portRangeBegin) ?? 0;
    const end = asNum(stmt.portRangeEnd) ?? 0;
    if (begin > 0 || end > 0) {
      if (protocol !== "tcp" && protocol !== "udp")
        onlyWith(begin > 0 ? "portRangeBegin" : "portRangeEnd", ["tcp", "udp"]);
      else if (begin < 1 || begin > end) {
        out.error(
          "acl-port",
          at("portRangeBegin"),
          `${pathText(path)} port range ${begin}-${end} is invalid`,
          "set 1 <= portRangeBegin <= portRangeEnd",
        );
      }
    }
  });
}

function checkTCPFilters(out: Findings, filters: Obj, path: JsonPath): void {
  const flags = TCP_FLAGS.flatMap((f) => [f, `not${f[0]?.toUpperCase()}${f.slice(1)}`]).filter(
    (f) => filters[f] === true,
  );
  if (filters.established === true && flags.length > 0) {
    out.error(
      "acl-match",
      path,
      `${pathText(path)}: established cannot be combined with TCP flags (${flags.join(", ")})`,
      "use either established or individual flags",
    );
  }
  for (const flag of TCP_FLAGS) {
    const negation = `not${flag[0]?.toUpperCase()}${flag.slice(1)}`;
    if (filters[flag] === true && filters[negation] === true) {
      out.error(
        "acl-match",
        path,
        `${pathText(path)}: ${flag} and ${negation} contradict each other`,
        `remove ${flag} or ${negation}`,
      );
    }
  }
}
