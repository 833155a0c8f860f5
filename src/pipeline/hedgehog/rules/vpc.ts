/**
 * VPC rules (reference §2.1, Go VPC.Validate of fabric v0.129): subnets, gateway, VLANs, host BGP,
 * permit lists and static routes; DHCP is in vpcdhcp.ts. The gateway defaults to network+1 as in
 * Go's Default(), which runs before validation.
 */
import type { JsonPath } from "../../types.js";
import { contains, formatIPv4, networkOf } from "../net.js";
import {
  asArr,
  asNum,
  asObj,
  asSet,
  checkRequired,
  entriesOf,
  type Findings,
  isSet,
  type Obj,
  pathText,
  repeats,
  show,
} from "./helpers.js";
import { checkReference, checkSubnetName, SHORT_NAME_MAX } from "./names.js";
import { checkIP, checkNoOverlap, checkNotReserved, checkPrefix, type Located } from "./netchecks.js";
import { checkDHCP, type SubnetContext } from "./vpcdhcp.js";

const MAX_SUBNETS = 20;
const MAX_SUBNET_PREFIX_LEN = 30;
const HOST_BGP_DEFAULT_LEN = 32;
const MAX_HOST_BGP_EXTRA_PREFIXES = 100;
const MODE_HINT = 'use mode "" (L2VNI, the default) or "l3vni"';

export function checkVPC(out: Findings, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  checkMode(out, spec.mode);
  checkReference(out, spec.ipv4Namespace, ["spec", "ipv4Namespace"], "IPv4Namespace", SHORT_NAME_MAX);
  checkReference(out, spec.vlanNamespace, ["spec", "vlanNamespace"], "VLANNamespace", 63);

  const subnets = entriesOf(spec.subnets);
  if (subnets.length === 0 || subnets.length > MAX_SUBNETS) {
    const path = spec.subnets === undefined ? ["spec"] : ["spec", "subnets"];
    const message =
      subnets.length === 0
        ? `${pathText(path)}: a VPC needs at least one subnet`
        : `spec.subnets has ${subnets.length} subnets, at most ${MAX_SUBNETS} are allowed`;
    out.error("subnet-count", path, message, "define between 1 and 20 subnets under spec.subnets");
  }

  const located: Located[] = [];
  const vlans: { vlan: number; name: string; path: JsonPath }[] = [];
  for (const [name, raw] of subnets) {
    const path = ["spec", "subnets", name];
    const subnet = asObj(raw) ?? {};
    checkSubnetName(out, name, path);
    const ctx = checkSubnetRange(out, subnet, path, located);
    if (subnet.hostBGP !== true) {
      const vlan = asNum(subnet.vlan);
      if (!vlan) {
        out.error(
          "vlan-required",
          [...path, "vlan"],
          `${pathText([...path, "vlan"])} ${show(subnet.vlan ?? null)}: a VLAN is required (except on hostBGP subnets)`,
          "set a VLAN from the VPC's VLANNamespace, e.g. vlan: 1001",
        );
      } else {
        vlans.push({ vlan, name, path: [...path, "vlan"] });
      }
    }
    checkHostBGP(out, subnet, ctx, located);
    checkDHCP(out, asObj(subnet.dhcp) ?? {}, subnet.hostBGP === true, ctx);
  }

  checkNoOverlap(out, located);
  for (const { index } of repeats(vlans.map((v) => v.vlan))) {
    const dup = vlans[index];
    const first = vlans.find((v) => v.vlan === dup?.vlan);
    if (dup === undefined || first === undefined) continue;
    out.error(
      "vlan-duplicate",
      dup.path,
      `${pathText(dup.path)} ${dup.vlan} is already used by subnet ${show(first.name)}`,
      "give every subnet of the VPC its own VLAN",
    );
  }

  checkPermit(out, spec.permit, new Set(subnets.map(([name]) => name)));
  checkStaticRoutes(out, spec.staticRoutes);
}

function checkMode(out: Findings, mode: unknown): void {
  if (mode === "l3flat") {
    out.error(
      "mode-unsupported",
      ["spec", "mode"],
      'spec.mode "l3flat": L3Flat mode is not supported yet',
      MODE_HINT,
    );
  } else if (typeof mode === "string" && mode !== "" && mode !== "l3vni") {
    out.error("mode-invalid", ["spec", "mode"], `spec.mode ${show(mode)} is not a VPC mode`, MODE_HINT);
  }
}

/** The subnet CIDR and gateway; returns what the DHCP checks compare against. */
function checkSubnetRange(out: Findings, subnet: Obj, path: JsonPath, located: Located[]): SubnetContext {
  const ctx: SubnetContext = { path };
  const cidrPath = [...path, "subnet"];
  if (!checkRequired(out, subnet.subnet, cidrPath, "set the subnet CIDR, e.g. subnet: 10.0.1.0/24"))
    return ctx;
  const prefix = checkPrefix(out, subnet.subnet, cidrPath, { ipv6: true, canonical: "warning" });
  if (prefix === undefined) return ctx;

  const item: Located = { prefix, text: String(subnet.subnet), path: cidrPath };
  located.push(item);
  checkNotReserved(out, item);
  if (prefix.len > MAX_SUBNET_PREFIX_LEN) {
    out.error(
      "prefix-too-long",
      cidrPath,
      `${pathText(cidrPath)} ${show(subnet.subnet)}: prefix length ${prefix.len} is too large, must be <= ${MAX_SUBNET_PREFIX_LEN}`,
      "use a /30 or larger subnet",
    );
    return ctx;
  }
  // IPv6 subnets parse in Go, but nothing below applies to them.
  if (prefix.family !== 4) return ctx;
  ctx.net = { addr: prefix.addr, len: prefix.len };
  if (subnet.hostBGP === true) return ctx;

  const gatewayPath = [...path, "gateway"];
  const gateway = asSet(subnet.gateway);
  if (gateway === undefined) {
    ctx.gateway = networkOf(ctx.net) + 1;
    return ctx;
  }
  const ip = checkIP(out, gateway, gatewayPath);
  if (ip?.family !== 4) return ctx;
  if (!contains(ctx.net, ip.addr)) {
    out.error(
      "gateway-outside-subnet",
      gatewayPath,
      `${pathText(gatewayPath)} ${show(gateway)} is not in subnet ${show(subnet.subnet)}`,
      `use an address inside the subnet, or omit gateway to use ${formatIPv4(networkOf(ctx.net) + 1)}`,
    );
    return ctx;
  }
  ctx.gateway = ip.addr;
  ctx.gatewayPath = gatewayPath;
  return ctx;
}

/** hostBGP fields (fabric v0.129): only on hostBGP subnets, with consistent prefix lengths. */
function checkHostBGP(out: Findings, subnet: Obj, ctx: SubnetContext, located: Located[]): void {
  const minPath = [...ctx.path, "hostBGPMinPrefixLen"];
  const maxPath = [...ctx.path, "hostBGPMaxPrefixLen"];
  const extrasPath = [...ctx.path, "hostBGPExtraPrefixes"];
  const extras = entriesOf(subnet.hostBGPExtraPrefixes);

  if (subnet.hostBGP !== true) {
    for (const path of [minPath, maxPath, extrasPath]) {
      const field = path[path.length - 1] as string;
      if (!isSet(subnet[field])) continue;
      out.error(
        "hostbgp-only",
        path,
        `${pathText(path)} ${show(subnet[field])} is set but the subnet is not hostBGP`,
        `remove ${field} or set hostBGP: true`,
      );
    }
    return;
  }

  const min = asNum(subnet.hostBGPMinPrefixLen) || HOST_BGP_DEFAULT_LEN;
  const max = asNum(subnet.hostBGPMaxPrefixLen) || HOST_BGP_DEFAULT_LEN;
  if (ctx.net) checkPrefixLens(out, min, max, ctx.net.len, String(subnet.subnet), minPath, maxPath);

  if (extras.length > MAX_HOST_BGP_EXTRA_PREFIXES) {
    out.error(
      "hostbgp-extra-prefixes",
      extrasPath,
      `${pathText(extrasPath)} has ${extras.length} prefixes, at most ${MAX_HOST_BGP_EXTRA_PREFIXES} are allowed`,
      "merge the extra prefixes into fewer, larger ones",
    );
  }
  for (const [key, raw] of extras) {
    const path = [...extrasPath, key];
    const prefix = checkPrefix(out, key, path, { canonical: "error" });
    if (prefix === undefined) continue;
    const cfg = asObj(raw) ?? {};
    const extraMin = asNum(cfg.minPrefixLen) || min;
    const extraMax = asNum(cfg.maxPrefixLen) || max;
    const minAt = cfg.minPrefixLen ? [...path, "minPrefixLen"] : path;
    const maxAt = cfg.maxPrefixLen ? [...path, "maxPrefixLen"] : path;
    checkPrefixLens(out, extraMin, extraMax, prefix.len, key, minAt, maxAt);
    const item: Located = { prefix, text: key, path };
    located.push(item);
    checkNotReserved(out, item);
  }
}

function checkPrefixLens(
  out: Findings,
  min: number,
  max: number,
  prefixLen: number,
  prefixText: string,
  minPath: JsonPath,
  maxPath: JsonPath,
): void {
  const hint = `use ${prefixLen} <= min prefix length <= max prefix length <= ${HOST_BGP_DEFAULT_LEN}`;
  if (min > max) {
    out.error(
      "hostbgp-prefix-len",
      minPath,
      `${pathText(minPath)}: min prefix length ${min} is greater than max prefix length ${max}`,
      hint,
    );
  } else if (max > HOST_BGP_DEFAULT_LEN) {
    out.error("hostbgp-prefix-len", maxPath, `${pathText(maxPath)} ${max} is greater than 32`, hint);
  } else if (min < prefixLen) {
    out.error(
      "hostbgp-prefix-len",
      minPath,
      `${pathText(minPath)}: min prefix length ${min} is shorter than the prefix length of ${prefixText}`,
      hint,
    );
  }
}

function checkPermit(out: Findings, permit: unknown, subnetNames: ReadonlySet<string>): void {
  const known = [...subnetNames].join(", ");
  asArr(permit).forEach((raw, i) => {
    const path = ["spec", "permit", i];
    const names = asArr(raw);
    if (names.length < 2) {
      out.error(
        "permit-too-short",
        path,
        `${pathText(path)} ${show(raw)} has ${names.length} subnet(s); a permit list needs at least 2`,
        "list at least two subnets that may talk to each other",
      );
    }
    names.forEach((name, j) => {
      if (typeof name !== "string" || subnetNames.has(name)) return;
      out.error(
        "permit-unknown-subnet",
        [...path, j],
        `${pathText([...path, j])} ${show(name)} is not a subnet of this VPC`,
        known ? `use one of the VPC's subnets: ${known}` : "define the subnet under spec.subnets",
      );
    });
    for (const { value, index } of repeats(names)) {
      out.error(
        "permit-duplicate",
        [...path, index],
        `${pathText([...path, index])} ${show(value)} is listed twice`,
        "list each subnet once",
      );
    }
  });
}

function checkStaticRoutes(out: Findings, routes: unknown): void {
  asArr(routes).forEach((raw, i) => {
    const route = asObj(raw) ?? {};
    const path = ["spec", "staticRoutes", i];
    const prefixPath = [...path, "prefix"];
    if (checkRequired(out, route.prefix, prefixPath, "set the destination prefix, e.g. 10.42.0.0/24")) {
      checkPrefix(out, route.prefix, prefixPath, { ipv6: true, canonical: "error" });
    }
    if (asArr(route.nextHops).length === 0) {
      out.error(
        "required",
        [...path, "nextHops"],
        `${pathText(path)}.nextHops: at least one next hop is required`,
        "add the next hop address(es) of the route",
      );
    }
  });
}
