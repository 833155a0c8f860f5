/** Address and prefix checks shared by the kinds: validity, canonical form, overlap, reserved ranges. */
import type { JsonPath } from "../../types.js";
import {
  type Address,
  FABRIC_RESERVED_SUBNETS,
  formatPrefix,
  isCanonical,
  networkOf,
  type Prefix,
  parseIP,
  parsePrefix,
  prefixesOverlap,
} from "../net.js";
import { asNum, asSet, type Findings, pathText, show } from "./helpers.js";

/** A parsed prefix and where it was written, for overlap messages. */
export interface Located {
  prefix: Prefix;
  text: string;
  path: JsonPath;
}

export interface PrefixOptions {
  /** Accept IPv6 too (where Go parses with netip.ParsePrefix and does not insist on IPv4). */
  ipv6?: boolean;
  /** How to report host bits ("10.0.1.1/24"); unchecked when absent. */
  canonical?: "error" | "warning";
}

const CIDR_HINT = "write an address and a prefix length, e.g. 10.0.1.0/24";

/** Checks a CIDR string; reports and returns undefined when it cannot be used. Absent values are skipped. */
export function checkPrefix(
  out: Findings,
  value: unknown,
  path: JsonPath,
  options: PrefixOptions = {},
): Prefix | undefined {
  if (typeof value !== "string") return undefined;
  const prefix = parsePrefix(value);
  if (prefix === undefined) {
    const hint = parseIP(value) ? `add the prefix length, e.g. ${value}/32` : CIDR_HINT;
    out.error("cidr-invalid", path, `${pathText(path)} ${show(value)} is not a valid CIDR prefix`, hint);
    return undefined;
  }
  if (prefix.family === 6 && !options.ipv6) {
    out.error("cidr-invalid", path, `${pathText(path)} ${show(value)} is not an IPv4 prefix`, CIDR_HINT);
    return undefined;
  }
  if (options.canonical && prefix.family === 4 && !isCanonical(prefix)) {
    const fixed = formatPrefix({ addr: networkOf(prefix), len: prefix.len });
    const message = `${pathText(path)} ${show(value)} has host bits set (its network is ${fixed})`;
    out.add(options.canonical, "prefix-not-canonical", path, message, `write ${fixed}`);
  }
  return prefix;
}

/** Checks an IP address string (no prefix length); absent values are skipped. */
export function checkIP(
  out: Findings,
  value: unknown,
  path: JsonPath,
  options: { ipv6?: boolean } = {},
): Address | undefined {
  if (typeof value !== "string") return undefined;
  const ip = parseIP(value);
  if (ip === undefined || (ip.family === 6 && !options.ipv6)) {
    const slash = value.indexOf("/");
    const hint =
      slash >= 0 && parseIP(value.slice(0, slash))
        ? `write the address without a prefix length: ${value.slice(0, slash)}`
        : "write an IPv4 address, e.g. 10.0.1.1";
    const what = ip === undefined ? "a valid IP address" : "an IPv4 address";
    out.error("ip-invalid", path, `${pathText(path)} ${show(value)} is not ${what}`, hint);
    return undefined;
  }
  return ip;
}

/** Reports every prefix that overlaps one listed before it. */
export function checkNoOverlap(out: Findings, items: readonly Located[]): void {
  items.forEach((b, j) => {
    const a = items.slice(0, j).find((earlier) => prefixesOverlap(earlier.prefix, b.prefix));
    if (a === undefined) return;
    out.error(
      "subnet-overlap",
      b.path,
      `${pathText(b.path)} ${show(b.text)} overlaps ${show(a.text)} at ${pathText(a.path)}`,
      "use non-overlapping ranges",
    );
  });
}

const RESERVED_TEXT = FABRIC_RESERVED_SUBNETS.map(formatPrefix).join(", ");

/** Reports a prefix inside the fabric's own ranges (default fab.yaml settings). */
export function checkNotReserved(out: Findings, item: Located): void {
  const reserved = FABRIC_RESERVED_SUBNETS.find((r) => prefixesOverlap({ family: 4, ...r }, item.prefix));
  if (reserved === undefined) return;
  out.error(
    "subnet-reserved",
    item.path,
    `${pathText(item.path)} ${show(item.text)} overlaps the fabric's reserved range ${formatPrefix(reserved)}`,
    `use addresses outside the fabric's reserved ranges (by default ${RESERVED_TEXT})`,
  );
}

/** A /32 address with its prefix length, as protocol and VTEP addresses are written. */
export function checkHostPrefix(out: Findings, value: unknown, path: JsonPath): void {
  const text = asSet(value);
  const prefix = checkPrefix(out, text, path);
  if (prefix === undefined || prefix.len === 32) return;
  out.error(
    "prefix-not-32",
    path,
    `${pathText(path)} ${show(text)} must be a /32`,
    `write it as a /32, e.g. ${text?.split("/")[0]}/32`,
  );
}

/** ASNs are hydrated when absent; a written one must be positive. */
export function checkASN(out: Findings, value: unknown, path: JsonPath): void {
  const asn = asNum(value);
  if (asn === undefined || asn > 0) return;
  out.error(
    "asn-invalid",
    path,
    `${pathText(path)} ${asn} is not a valid ASN`,
    "use a positive ASN or omit it to have it assigned",
  );
}
