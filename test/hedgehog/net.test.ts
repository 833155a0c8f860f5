import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonical,
  contains,
  FABRIC_LINK_SUBNET,
  FABRIC_RESERVED_SUBNETS,
  formatIPv4,
  formatPrefix,
  isCanonical,
  isLoopback,
  isMulticast,
  isUnicast,
  lastOf,
  networkOf,
  overlaps,
  parseIP,
  parseIPv4,
  parseIPv4Prefix,
  parseIPv6,
  parseMAC,
  parsePrefix,
  prefixesOverlap,
} from "../../src/pipeline/hedgehog/net.js";

function prefix(s: string) {
  const p = parseIPv4Prefix(s);
  if (p === undefined) throw new Error(`test prefix ${s} does not parse`);
  return p;
}

describe("parseIPv4", () => {
  it.each([
    ["0.0.0.0", 0],
    ["10.0.1.1", 0x0a000101],
    ["255.255.255.255", 0xffffffff],
    ["192.168.0.1", 0xc0a80001],
  ])("parses %s", (s, n) => {
    expect(parseIPv4(s)).toBe(n);
  });

  it.each([
    "",
    "10.0.1",
    "10.0.1.1.1",
    "256.0.0.1",
    "10.01.0.1", // Go rejects leading zeros
    "10.0.0.1 ",
    " 10.0.0.1",
    "10.0.0.-1",
    "10.0.0.1/24",
    "a.b.c.d",
    "10..0.1",
    "1e1.0.0.1",
  ])("rejects %j", (s) => {
    expect(parseIPv4(s)).toBeUndefined();
  });

  it("round-trips every address", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        expect(parseIPv4(formatIPv4(n))).toBe(n);
      }),
    );
  });
});

describe("parseIPv4Prefix", () => {
  it("parses address and length, keeping host bits", () => {
    expect(parseIPv4Prefix("10.0.1.0/24")).toEqual({ addr: 0x0a000100, len: 24 });
    expect(parseIPv4Prefix("10.0.1.5/24")).toEqual({ addr: 0x0a000105, len: 24 });
    expect(parseIPv4Prefix("0.0.0.0/0")).toEqual({ addr: 0, len: 0 });
    expect(parseIPv4Prefix("10.0.0.1/32")).toEqual({ addr: 0x0a000001, len: 32 });
  });

  it.each([
    "10.0.1.0",
    "10.0.1.0/33",
    "10.0.1.0/024",
    "10.0.1.0/",
    "/24",
    "10.0.1.0/-1",
    "10.0.1.0/2 4",
    "2001:db8::/32",
  ])("rejects %j", (s) => {
    expect(parseIPv4Prefix(s)).toBeUndefined();
  });
});

describe("IPv6 (parse only)", () => {
  it.each([
    ["::", 0n],
    ["::1", 1n],
    ["2001:db8::1", 0x20010db8000000000000000000000001n],
    ["::ffff:10.0.0.1", 0xffff0a000001n],
    ["1:2:3:4:5:6:7:8", 0x00010002000300040005000600070008n],
    ["fe80::", 0xfe800000000000000000000000000000n],
  ])("parses %s", (s, n) => {
    expect(parseIPv6(s)).toBe(n);
  });

  it.each([
    "",
    "1::2::3",
    "12345::",
    ":1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8:9",
    "10.0.0.1::",
    "g::1",
    "1:",
  ])("rejects %j", (s) => {
    expect(parseIPv6(s)).toBeUndefined();
  });

  it("parses prefixes of both families", () => {
    expect(parsePrefix("2001:db8::/32")).toEqual({ family: 6, addr: 0x20010db8n << 96n, len: 32 });
    expect(parsePrefix("10.0.0.0/8")).toEqual({ family: 4, addr: 0x0a000000, len: 8 });
    expect(parsePrefix("2001:db8::/129")).toBeUndefined();
    expect(parseIP("2001:db8::1")?.family).toBe(6);
    expect(parseIP("10.0.0.1")?.family).toBe(4);
    expect(parseIP("nope")).toBeUndefined();
  });

  it("never overlaps across families; compares within IPv6", () => {
    const v4 = parsePrefix("0.0.0.0/0");
    const v6 = parsePrefix("::/0");
    const a = parsePrefix("2001:db8::/32");
    const b = parsePrefix("2001:db8:1::/48");
    const c = parsePrefix("2001:db9::/32");
    if (!v4 || !v6 || !a || !b || !c) throw new Error("fixtures");
    expect(prefixesOverlap(v4, v6)).toBe(false);
    expect(prefixesOverlap(a, b)).toBe(true);
    expect(prefixesOverlap(a, c)).toBe(false);
  });
});

describe("prefix helpers", () => {
  it("computes network, last address and canonical form", () => {
    const p = prefix("10.0.1.77/24");
    expect(formatIPv4(networkOf(p))).toBe("10.0.1.0");
    expect(formatIPv4(lastOf(p))).toBe("10.0.1.255");
    expect(isCanonical(p)).toBe(false);
    expect(formatPrefix(canonical(p))).toBe("10.0.1.0/24");
    expect(isCanonical(prefix("10.0.1.0/24"))).toBe(true);
    expect(isCanonical(prefix("0.0.0.0/0"))).toBe(true);
    expect(formatIPv4(lastOf(prefix("0.0.0.0/0")))).toBe("255.255.255.255");
  });

  it("tests containment", () => {
    const p = prefix("10.0.1.0/24");
    expect(contains(p, parseIPv4("10.0.1.0") ?? -1)).toBe(true);
    expect(contains(p, parseIPv4("10.0.1.255") ?? -1)).toBe(true);
    expect(contains(p, parseIPv4("10.0.2.0") ?? -1)).toBe(false);
    expect(contains(prefix("0.0.0.0/0"), 0xffffffff)).toBe(true);
    expect(contains(prefix("172.30.128.0/17"), parseIPv4("172.30.255.255") ?? -1)).toBe(true);
  });

  it("tests overlap", () => {
    expect(overlaps(prefix("10.0.0.0/16"), prefix("10.0.1.0/24"))).toBe(true);
    expect(overlaps(prefix("10.0.1.0/24"), prefix("10.0.0.0/16"))).toBe(true);
    expect(overlaps(prefix("10.0.1.0/24"), prefix("10.0.2.0/24"))).toBe(false);
    expect(overlaps(prefix("10.0.1.0/25"), prefix("10.0.1.128/25"))).toBe(false);
    expect(overlaps(prefix("0.0.0.0/0"), prefix("192.168.0.0/16"))).toBe(true);
  });

  it("overlap is symmetric and matches containment of network addresses", () => {
    const arb = fc.record({
      addr: fc.integer({ min: 0, max: 0xffffffff }),
      len: fc.integer({ min: 0, max: 32 }),
    });
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        const expected = contains(a, networkOf(b)) || contains(b, networkOf(a));
        expect(overlaps(a, b)).toBe(expected);
        expect(overlaps(b, a)).toBe(expected);
      }),
    );
  });

  it("classifies addresses", () => {
    const ip = (s: string) => parseIPv4(s) ?? -1;
    expect(isMulticast(ip("224.0.0.1"))).toBe(true);
    expect(isMulticast(ip("239.255.255.255"))).toBe(true);
    expect(isMulticast(ip("240.0.0.1"))).toBe(false);
    expect(isLoopback(ip("127.1.2.3"))).toBe(true);
    expect(isUnicast(ip("10.0.0.1"))).toBe(true);
    expect(isUnicast(ip("0.0.0.0"))).toBe(false);
    expect(isUnicast(ip("127.0.0.1"))).toBe(false);
    expect(isUnicast(ip("224.0.0.5"))).toBe(false);
    expect(isUnicast(ip("255.255.255.255"))).toBe(false);
  });
});

describe("parseMAC", () => {
  it.each([
    ["aa:bb:cc:dd:ee:01", [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01]],
    ["AA-BB-CC-DD-EE-01", [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01]],
    ["aabb.ccdd.ee01", [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01]],
  ])("parses %s", (s, bytes) => {
    expect(parseMAC(s)).toEqual(bytes);
  });

  it.each(["", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:0g", "aa:bb-cc:dd:ee:01", "aabbccddee01", "a:b:c:d:e:f"])(
    "rejects %j",
    (s) => {
      expect(parseMAC(s)).toBeUndefined();
    },
  );
});

describe("fabric defaults", () => {
  it("lists the reserved ranges of reference §2.0, all canonical", () => {
    expect(FABRIC_RESERVED_SUBNETS.map(formatPrefix)).toEqual([
      "172.30.0.0/21",
      "172.30.8.0/22",
      "172.30.12.0/22",
      "172.30.16.0/22",
      "172.30.96.0/19",
      "172.30.128.0/17",
      "172.30.95.0/31",
    ]);
    expect(FABRIC_RESERVED_SUBNETS.every(isCanonical)).toBe(true);
    expect(formatPrefix(FABRIC_LINK_SUBNET)).toBe("172.30.128.0/17");
  });
});
