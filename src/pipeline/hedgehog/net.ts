/**
 * Small IP address and prefix helpers for the Hedgehog rules. IPv4 is complete; IPv6 is parsed only
 * where Go accepts both families (netip.ParsePrefix / ParseAddr), so a valid IPv6 value is not
 * reported as "invalid". Parsing is as strict as Go's net/netip: no leading zeros in IPv4 octets
 * or prefix lengths, no whitespace, no zones in prefixes.
 */

/** An IPv4 address as an unsigned 32-bit number. */
export type IPv4 = number;

/** An IPv4 prefix: the address as written (host bits may be set) and its length. */
export interface Prefix4 {
  addr: IPv4;
  len: number;
}

export type Address = { family: 4; addr: IPv4 } | { family: 6; addr: bigint };

export type Prefix = { family: 4; addr: IPv4; len: number } | { family: 6; addr: bigint; len: number };

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** Parses a dotted-quad IPv4 address ("10.0.1.1"); undefined when invalid. */
export function parseIPv4(s: string): IPv4 | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    if (part.length > 3 || !DECIMAL.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

/** Parses an IPv6 address (with "::" and a trailing dotted IPv4 allowed); undefined when invalid. */
export function parseIPv6(s: string): bigint | undefined {
  if (!s.includes(":")) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (text: string): number[] | undefined => {
    if (text === "") return [];
    const out: number[] = [];
    const parts = text.split(":");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? "";
      if (i === parts.length - 1 && part.includes(".")) {
        const v4 = parseIPv4(part);
        if (v4 === undefined) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        out.push(Number.parseInt(part, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0] ?? "");
  const tail = halves.length === 2 ? groups(halves[1] ?? "") : [];
  if (head === undefined || tail === undefined) return undefined;
  // A dotted IPv4 part may only end the address.
  if (halves.length === 2 && (halves[0] ?? "").includes(".")) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const all = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses an IPv4 or IPv6 address, like Go's netip.ParseAddr (without zones). */
export function parseIP(s: string): Address | undefined {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) return { family: 4, addr: v4 };
  const v6 = parseIPv6(s);
  return v6 === undefined ? undefined : { family: 6, addr: v6 };
}

/** Parses "addr/len" for either family, like Go's netip.ParsePrefix. */
export function parsePrefix(s: string): Prefix | undefined {
  const slash = s.lastIndexOf("/");
  if (slash < 0) return undefined;
  const bits = s.slice(slash + 1);
  if (!DECIMAL.test(bits)) return undefined;
  const len = Number(bits);
  const ip = parseIP(s.slice(0, slash));
  if (ip === undefined || len > (ip.family === 4 ? 32 : 128)) return undefined;
  return ip.family === 4 ? { family: 4, addr: ip.addr, len } : { family: 6, addr: ip.addr, len };
}

/** Parses an IPv4 prefix ("10.0.1.0/24"); undefined when invalid or IPv6. */
export function parseIPv4Prefix(s: string): Prefix4 | undefined {
  const p = parsePrefix(s);
  return p?.family === 4 ? { addr: p.addr, len: p.len } : undefined;
}

/** The netmask of a prefix length, as a number. */
export function maskOf(len: number): number {
  return len <= 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** The network (first) address of a prefix. */
export function networkOf(p: Prefix4): IPv4 {
  return (p.addr & maskOf(p.len)) >>> 0;
}

/** The last (broadcast) address of a prefix. */
export function lastOf(p: Prefix4): IPv4 {
  return (networkOf(p) | ~maskOf(p.len)) >>> 0;
}

/** True when the prefix has no host bits set ("10.0.1.0/24", not "10.0.1.1/24"). */
export function isCanonical(p: Prefix4): boolean {
  return networkOf(p) === p.addr;
}

/** The prefix with its host bits cleared. */
export function canonical(p: Prefix4): Prefix4 {
  return { addr: networkOf(p), len: p.len };
}

export function contains(p: Prefix4, ip: IPv4): boolean {
  return (ip & maskOf(p.len)) >>> 0 === networkOf(p);
}

/** True when the two prefixes share at least one address. */
export function overlaps(a: Prefix4, b: Prefix4): boolean {
  const len = Math.min(a.len, b.len);
  return (a.addr & maskOf(len)) >>> 0 === (b.addr & maskOf(len)) >>> 0;
}

/** Overlap across families, as Go's netip.Prefix.Overlaps: prefixes of different families never overlap. */
export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  if (a.family === 4 && b.family === 4) return overlaps(a, b);
  if (a.family === 6 && b.family === 6) {
    const len = BigInt(Math.min(a.len, b.len));
    const shift = 128n - len;
    return a.addr >> shift === b.addr >> shift;
  }
  return false;
}

export function formatIPv4(ip: IPv4): string {
  return [24, 16, 8, 0].map((shift) => (ip >>> shift) & 0xff).join(".");
}

export function formatPrefix(p: Prefix4): string {
  return `${formatIPv4(p.addr)}/${p.len}`;
}

export function isUnspecified(ip: IPv4): boolean {
  return ip === 0;
}

/** 224.0.0.0/4. */
export function isMulticast(ip: IPv4): boolean {
  return ip >>> 28 === 0xe;
}

/** 127.0.0.0/8. */
export function isLoopback(ip: IPv4): boolean {
  return ip >>> 24 === 127;
}

/** Usable as a host address: not 0.0.0.0, loopback, multicast or the limited broadcast. */
export function isUnicast(ip: IPv4): boolean {
  return !isUnspecified(ip) && !isMulticast(ip) && !isLoopback(ip) && ip !== 0xffffffff;
}

/**
 * Parses a 6-byte MAC address as Go's net.ParseMAC does ("aa:bb:cc:dd:ee:ff", "aa-bb-…",
 * "aabb.ccdd.eeff"); undefined when invalid.
 */
export function parseMAC(s: string): number[] | undefined {
  let hex: string[];
  if (/^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/.test(s)) hex = s.split(/[:-]/);
  else if (/^[0-9a-fA-F]{4}(\.[0-9a-fA-F]{4}){2}$/.test(s)) hex = s.replaceAll(".", "").match(/../g) ?? [];
  else return undefined;
  return hex.map((b) => Number.parseInt(b, 16));
}

/** The fabric's reserved IPv4 ranges with the default fab.yaml settings (reference §2.0). */
export const FABRIC_RESERVED_SUBNETS: readonly Prefix4[] = [
  "172.30.0.0/21", // management
  "172.30.8.0/22", // protocol (loopbacks)
  "172.30.12.0/22", // VTEP
  "172.30.16.0/22", // proxy for static externals
  "172.30.96.0/19", // VPC workaround
  "172.30.128.0/17", // fabric links
  "172.30.95.0/31", // MCLAG session
].map((s) => parseIPv4Prefix(s) as Prefix4);

/** Default fabric link subnet: fabric/mesh/gateway link IPs are hydrated from it. */
export const FABRIC_LINK_SUBNET = FABRIC_RESERVED_SUBNETS[5] as Prefix4;
