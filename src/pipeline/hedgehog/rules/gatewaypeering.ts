/**
 * GatewayPeering rules (reference §2.12, Go GatewayPeering.Validate) that need no other objects:
 * two sides, well-formed expose blocks and NAT, port specs, durations and ACL rules.
 */
import type { JsonPath } from "../../types.js";
import { isGoDuration } from "./goduration.js";
import { asArr, asObj, asSet, entriesOf, type Findings, type Obj, pathText, show } from "./helpers.js";
import { checkReference, EXTERNAL_PREFIX, OBJECT_NAME, SHORT_NAME_MAX } from "./names.js";
import { checkPrefix } from "./netchecks.js";

const NAT_KINDS = ["masquerade", "portForward", "static"] as const;
const STATEFUL = new Set<string>(["masquerade", "portForward"]);
const MAX_RULE_NAME = 64;

interface SideNAT {
  name: string;
  path: JsonPath;
  stateful: boolean;
  stateless: boolean;
}

export function checkGatewayPeering(out: Findings, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  const peering = entriesOf(spec.peering);
  const sides = peering.map(([name]) => name);
  if (peering.length !== 2) {
    out.error(
      "peering-count",
      spec.peering === undefined ? ["spec"] : ["spec", "peering"],
      `spec.peering has ${peering.length} side(s) (${sides.join(", ") || "none"}); a GatewayPeering has exactly 2`,
      `name exactly two VPCs (or externals as ${EXTERNAL_PREFIX}<name>) under spec.peering`,
    );
  }

  const nats: SideNAT[] = [];
  for (const [name, raw] of peering) {
    const path = ["spec", "peering", name];
    const external = name.startsWith(EXTERNAL_PREFIX);
    if (external) checkReference(out, name.slice(EXTERNAL_PREFIX.length), path, "External", SHORT_NAME_MAX);
    else checkReference(out, name, path, "VPC", SHORT_NAME_MAX);
    const side: SideNAT = { name, path, stateful: false, stateless: false };
    asArr(asObj(raw)?.expose).forEach((expose, i) => {
      for (const kind of checkExpose(out, asObj(expose) ?? {}, [...path, "expose", i], external)) {
        if (STATEFUL.has(kind)) side.stateful = true;
        else side.stateless = true;
      }
    });
    nats.push(side);
  }
  checkNATCombination(out, nats);
  checkACL(out, asObj(spec.acl), sides);
}

/** Checks one expose block; returns the NAT kinds it uses. */
function checkExpose(out: Findings, expose: Obj, path: JsonPath, external: boolean): string[] {
  const ips = asArr(expose.ips);
  const as = asArr(expose.as);
  const nat = asObj(expose.nat);
  if (expose.default === true && (ips.length > 0 || as.length > 0 || nat !== undefined)) {
    out.error(
      "expose-default",
      [...path, "default"],
      `${pathText(path)}: default: true must be the only thing set in this expose`,
      "move ips/as/nat into a separate expose entry",
    );
  } else if (ips.length === 0 && expose.default !== true) {
    out.error(
      "expose-ips",
      path,
      `${pathText(path)} has no ips: at least one IP block is required (or default: true)`,
      "add ips, e.g. - cidr: 10.0.1.0/24 or - vpcSubnet: default",
    );
  }
  ips.forEach((raw, j) => {
    const ipPath = [...path, "ips", j];
    const ip = asObj(raw) ?? {};
    checkOneOf(out, ip, ipPath, ["cidr", "not", "vpcSubnet"]);
    checkPrefix(out, asSet(ip.cidr), [...ipPath, "cidr"], { ipv6: true });
    checkPrefix(out, asSet(ip.not), [...ipPath, "not"], { ipv6: true });
    if (external && asSet(ip.vpcSubnet) !== undefined) {
      out.error(
        "expose-vpcsubnet-external",
        [...ipPath, "vpcSubnet"],
        `${pathText(ipPath)}.vpcSubnet ${show(ip.vpcSubnet)}: an external has no VPC subnets`,
        "use cidr for externals",
      );
    }
  });
  as.forEach((raw, j) => {
    const asPath = [...path, "as", j];
    const entry = asObj(raw) ?? {};
    checkOneOf(out, entry, asPath, ["cidr", "not"]);
    checkPrefix(out, asSet(entry.cidr), [...asPath, "cidr"], { ipv6: true });
    checkPrefix(out, asSet(entry.not), [...asPath, "not"], { ipv6: true });
  });
  if ((as.length === 0) !== (nat === undefined)) {
    const [set, missing] = nat === undefined ? ["as", "nat"] : ["nat", "as"];
    out.error(
      "expose-as-nat",
      [...path, set],
      `${pathText(path)}.${set} is set without ${missing}: as and nat must both be set or both be empty`,
      missing === "nat"
        ? "add nat (masquerade, portForward or static)"
        : "add the as prefixes the NAT translates to",
    );
  }
  return nat === undefined ? [] : checkNAT(out, nat, [...path, "nat"]);
}

/** Exactly one of `keys` is set in `entry`. */
function checkOneOf(out: Findings, entry: Obj, path: JsonPath, keys: readonly string[]): void {
  const set = keys.filter((k) => asSet(entry[k]) !== undefined);
  if (set.length === 1) return;
  out.error(
    "expose-entry",
    path,
    `${pathText(path)} ${show(entry)} sets ${set.length === 0 ? "none" : set.join(" and ")}: exactly one of ${keys.join(", ")} must be set`,
    `split it into one entry per ${keys.join("/")}`,
  );
}

function checkNAT(out: Findings, nat: Obj, path: JsonPath): string[] {
  const kinds = NAT_KINDS.filter((k) => nat[k] !== undefined && nat[k] !== null);
  if (kinds.length !== 1) {
    out.error(
      "nat-type",
      path,
      `${pathText(path)} sets ${kinds.length === 0 ? "no NAT" : kinds.join(" and ")}: exactly one of masquerade, portForward, static must be set`,
      "keep exactly one NAT kind per expose",
    );
  }
  for (const kind of ["masquerade", "portForward"] as const) {
    const timeout = asObj(nat[kind])?.idleTimeout;
    const timeoutPath = [...path, kind, "idleTimeout"];
    if (typeof timeout === "string" && !isGoDuration(timeout)) {
      out.error(
        "duration-invalid",
        timeoutPath,
        `${pathText(timeoutPath)} ${show(timeout)} is not a duration`,
        'write a duration such as "2m", "90s" or "1h30m"',
      );
    }
  }
  const portForward = asObj(nat.portForward);
  if (portForward !== undefined) {
    const ports = asArr(portForward.ports);
    if (ports.length === 0) {
      out.error(
        "nat-port-forward",
        [...path, "portForward"],
        `${pathText(path)}.portForward has no ports: at least one port forwarding rule is required`,
        'add ports, e.g. - {proto: tcp, port: "8080", as: "80"}',
      );
    }
    ports.forEach((raw, i) => {
      const entry = asObj(raw) ?? {};
      for (const key of ["port", "as"])
        checkPortSpec(out, entry[key], [...path, "portForward", "ports", i, key]);
    });
  }
  return kinds;
}

/** Go validatePort: "N" or "A-B", 1..65535, no surrounding spaces, no lists. */
function portProblem(text: string): string | undefined {
  if (text === "") return "is empty";
  if (text.trim() !== text) return "has leading or trailing spaces";
  if (text.includes(",")) return "lists several ports (use one port or range per entry)";
  const parts = text.split("-").map((p) => p.trim());
  if (parts.length > 2 || parts.some((p) => !/^[0-9]+$/.test(p)))
    return "is not a port or a range like 8000-8080";
  const [start = 0, end = start] = parts.map(Number);
  if (start < 1 || start > 65535 || end < 1 || end > 65535) return "is outside 1..65535";
  if (start > end) return "starts after it ends";
  return undefined;
}

function checkPortSpec(out: Findings, value: unknown, path: JsonPath): void {
  if (typeof value !== "string") return;
  const problem = portProblem(value);
  if (problem === undefined) return;
  out.error(
    "port-invalid",
    path,
    `${pathText(path)} ${show(value)} ${problem}`,
    'write one port ("443") or one range ("8000-8080")',
  );
}

function checkNATCombination(out: Findings, sides: SideNAT[]): void {
  const [a, b] = sides;
  if (a === undefined || b === undefined || sides.length !== 2) return;
  if (a.stateful && b.stateful) {
    out.error(
      "nat-stateful-both",
      b.path,
      `spec.peering: both ${show(a.name)} and ${show(b.name)} use stateful NAT (masquerade or portForward)`,
      "use stateful NAT on one side of the peering only",
    );
  } else if ((a.stateful && b.stateless) || (a.stateless && b.stateful)) {
    out.error(
      "nat-static-stateful",
      b.path,
      `spec.peering: ${show(a.name)} and ${show(b.name)} mix static NAT with stateful NAT`,
      "a side using static NAT cannot peer with a side using masquerade or portForward",
    );
  }
}

function checkACL(out: Findings, acl: Obj | undefined, sides: readonly string[]): void {
  asArr(acl?.rules).forEach((raw, i) => {
    const rule = asObj(raw) ?? {};
    const path = ["spec", "acl", "rules", i];
    const name = asSet(rule.name);
    if (name !== undefined && (!OBJECT_NAME.test(name) || name.length > MAX_RULE_NAME)) {
      out.error(
        "acl-rule-name",
        [...path, "name"],
        `${pathText(path)}.name ${show(name)} is not a lowercase RFC 1123 name of at most ${MAX_RULE_NAME} characters`,
        "use lowercase letters, digits, '-' and '.', e.g. app-to-db",
      );
    }
    const from = asSet(rule.from);
    const to = asSet(rule.to);
    if (from === undefined && to === undefined) {
      out.error(
        "acl-peer",
        path,
        `${pathText(path)} sets neither from nor to`,
        "set from, to or both to a side of the peering",
      );
    }
    for (const [key, side] of [
      ["from", from],
      ["to", to],
    ] as const) {
      if (side === undefined || sides.length === 0 || sides.includes(side)) continue;
      out.error(
        "acl-peer",
        [...path, key],
        `${pathText(path)}.${key} ${show(side)} is not a side of this peering (${sides.join(", ")})`,
        `use one of: ${sides.join(", ")}`,
      );
    }
    const match = asObj(rule.match) ?? {};
    for (const key of ["src", "dst"]) {
      asArr(match[key]).forEach((rawEnd, j) => {
        const endPath = [...path, "match", key, j];
        const end = asObj(rawEnd) ?? {};
        if (asSet(end.cidr) !== undefined && asSet(end.vpcSubnet) !== undefined) {
          out.error(
            "acl-match",
            endPath,
            `${pathText(endPath)} sets both cidr and vpcSubnet`,
            "use cidr or vpcSubnet, not both",
          );
        }
        checkPrefix(out, asSet(end.cidr), [...endPath, "cidr"], { ipv6: true });
        asArr(end.ports).forEach((port, k) => {
          checkPortSpec(out, port, [...endPath, "ports", k]);
        });
      });
    }
    const proto = match.proto;
    if (typeof proto === "string" && !["tcp", "udp", ""].includes(proto) && !/^[-+]?[0-9]+$/.test(proto)) {
      const protoPath = [...path, "match", "proto"];
      out.error(
        "acl-proto",
        protoPath,
        `${pathText(protoPath)} ${show(proto)} is not a protocol`,
        "use tcp, udp, an IP protocol number, or omit it for any",
      );
    }
  });
}
