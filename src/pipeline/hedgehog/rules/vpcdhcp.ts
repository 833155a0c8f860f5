/**
 * DHCP settings of a VPC subnet (reference §2.1, Go VPC.Validate): relay or server, range, options
 * and static leases. The range defaults to network+2 .. last address as in Go's Default().
 */
import type { JsonPath } from "../../types.js";
import {
  contains,
  formatIPv4,
  type IPv4,
  lastOf,
  networkOf,
  type Prefix4,
  parseIP,
  parseMAC,
  parsePrefix,
} from "../net.js";
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
  show,
} from "./helpers.js";
import { checkIP, checkPrefix } from "./netchecks.js";

const DHCP_MTU_MIN = 96;
const DHCP_MTU_MAX = 9036;

/** What the DHCP and host BGP checks need to know about their subnet. */
export interface SubnetContext {
  path: JsonPath;
  /** The IPv4 subnet when it parsed and is usable (prefix length ≤ 30). */
  net?: Prefix4;
  gateway?: IPv4;
  /** Where the gateway was written, undefined when it is the default. */
  gatewayPath?: JsonPath;
}

export function checkDHCP(out: Findings, dhcp: Obj, hostBGP: boolean, ctx: SubnetContext): void {
  const path = [...ctx.path, "dhcp"];
  const enable = dhcp.enable === true;
  if (hostBGP && enable) {
    out.error(
      "hostbgp-dhcp",
      [...path, "enable"],
      `${pathText(path)}.enable true: DHCP cannot be enabled on a hostBGP subnet`,
      "remove dhcp.enable or hostBGP",
    );
  }
  checkRelay(out, dhcp, path, enable);

  if (!enable) {
    if (isSet(dhcp.static)) {
      out.error(
        "dhcp-disabled",
        [...path, "static"],
        `${pathText(path)}.static is set but DHCP is not enabled`,
        "set dhcp.enable: true or remove the static leases",
      );
    }
    for (const key of ["range", "options"]) {
      if (!isSet(dhcp[key])) continue;
      out.warning(
        "dhcp-ignored",
        [...path, key],
        `${pathText(path)}.${key} is ignored because dhcp.enable is not true`,
        `set dhcp.enable: true or remove dhcp.${key}`,
      );
    }
    return;
  }
  if (ctx.net === undefined) return;
  checkDHCPRange(out, asObj(dhcp.range) ?? {}, path, ctx.net, ctx);
  checkDHCPOptions(out, asObj(dhcp.options), path, ctx.net);
  checkDHCPStatic(out, dhcp.static, path, ctx.net, ctx.gateway);
}

function checkRelay(out: Findings, dhcp: Obj, path: JsonPath, enable: boolean): void {
  const relay = asSet(dhcp.relay);
  const relayPath = [...path, "relay"];
  if (relay === undefined) {
    if (asSet(dhcp.relayVPC) !== undefined) {
      out.error(
        "dhcp-relay-vpc",
        [...path, "relayVPC"],
        `${pathText(path)}.relayVPC ${show(dhcp.relayVPC)} is set but dhcp.relay is not`,
        "set dhcp.relay to the DHCP server's prefix or remove relayVPC",
      );
    }
    return;
  }
  if (enable) {
    out.error(
      "dhcp-relay-conflict",
      relayPath,
      `${pathText(relayPath)} ${show(relay)}: DHCP relay and the DHCP server cannot both be enabled`,
      "remove dhcp.relay or dhcp.enable",
    );
  }
  if (parsePrefix(relay) !== undefined) return;
  const bare = parseIP(relay);
  if (bare !== undefined) {
    out.error(
      "dhcp-relay-not-prefix",
      relayPath,
      `${pathText(relayPath)} ${show(relay)} must be a prefix, not a bare IP address`,
      `write it as a prefix, e.g. ${relay}/${bare.family === 4 ? 32 : 128}`,
    );
  } else {
    checkPrefix(out, relay, relayPath, { ipv6: true });
  }
}

/** Go compares the range after defaulting it to network+2 .. last address. */
function checkDHCPRange(out: Findings, range: Obj, path: JsonPath, net: Prefix4, ctx: SubnetContext): void {
  const defaults = { start: networkOf(net) + 2, end: lastOf(net) };
  const ends: { key: "start" | "end"; ip: IPv4; path: JsonPath; explicit: boolean }[] = [];
  for (const key of ["start", "end"] as const) {
    const endPath = [...path, "range", key];
    const text = asSet(range[key]);
    if (text === undefined) {
      ends.push({ key, ip: defaults[key], path: endPath, explicit: false });
      continue;
    }
    const ip = checkIP(out, text, endPath);
    if (ip?.family !== 4) continue;
    const where = `${pathText(endPath)} ${show(text)}`;
    const hint = `use addresses inside ${formatIPv4(networkOf(net))}/${net.len}, after the network address and not the gateway`;
    if (!contains(net, ip.addr)) {
      out.error("dhcp-range", endPath, `${where} is not in the subnet`, hint);
    } else if (ip.addr === networkOf(net)) {
      out.error("dhcp-range", endPath, `${where} is the network address of the subnet`, hint);
    } else if (ip.addr === ctx.gateway) {
      out.error("dhcp-range", endPath, `${where} is the subnet gateway`, hint);
    } else {
      ends.push({ key, ip: ip.addr, path: endPath, explicit: true });
    }
  }
  // A default end can hit an explicit gateway placed at network+2 or at the last address.
  for (const end of ends) {
    if (end.explicit || end.ip !== ctx.gateway || ctx.gatewayPath === undefined) continue;
    out.error(
      "dhcp-range",
      ctx.gatewayPath,
      `${pathText(ctx.gatewayPath)} ${show(formatIPv4(end.ip))} is the default DHCP range ${end.key}`,
      `set dhcp.range.${end.key} explicitly so the range does not include the gateway`,
    );
  }
  const [start, end] = ends;
  if (start?.key === "start" && end?.key === "end" && start.ip >= end.ip) {
    out.error(
      "dhcp-range",
      start.explicit ? start.path : end.path,
      `${pathText(path)}.range start ${formatIPv4(start.ip)} does not come before end ${formatIPv4(end.ip)}`,
      "make range.start lower than range.end",
    );
  }
}

function checkDHCPOptions(out: Findings, options: Obj | undefined, path: JsonPath, net: Prefix4): void {
  if (options === undefined) return;
  const at = [...path, "options"];
  for (const key of ["dnsServers", "timeServers"]) {
    asArr(options[key]).forEach((server, i) => {
      checkIP(out, server, [...at, key, i], { ipv6: true });
    });
  }
  const mtu = asNum(options.interfaceMTU);
  if (mtu && (mtu < DHCP_MTU_MIN || mtu > DHCP_MTU_MAX)) {
    out.error(
      "dhcp-option",
      [...at, "interfaceMTU"],
      `${pathText(at)}.interfaceMTU ${mtu} is outside ${DHCP_MTU_MIN}..${DHCP_MTU_MAX}`,
      `use an MTU between ${DHCP_MTU_MIN} and ${DHCP_MTU_MAX}, or omit it for 9036`,
    );
  }
  asArr(options.advertisedRoutes).forEach((raw, i) => {
    const route = asObj(raw) ?? {};
    const routePath = [...at, "advertisedRoutes", i];
    const dest = [...routePath, "destination"];
    if (checkRequired(out, route.destination, dest, "set the route's destination CIDR")) {
      checkPrefix(out, route.destination, dest, { ipv6: true });
    }
    const gwPath = [...routePath, "gateway"];
    if (!checkRequired(out, route.gateway, gwPath, "set the route's gateway, an address in the subnet"))
      return;
    const gw = checkIP(out, route.gateway, gwPath);
    if (gw?.family === 4 && !contains(net, gw.addr)) {
      out.error(
        "dhcp-option",
        gwPath,
        `${pathText(gwPath)} ${show(route.gateway)} is not in the subnet`,
        "use a gateway address inside the VPC subnet",
      );
    }
  });
}

function checkDHCPStatic(
  out: Findings,
  statics: unknown,
  path: JsonPath,
  net: Prefix4,
  gateway: IPv4 | undefined,
): void {
  const used = new Map<IPv4, string>();
  for (const [mac, raw] of entriesOf(statics)) {
    const at = [...path, "static", mac];
    if (parseMAC(mac) === undefined) {
      out.error(
        "mac-invalid",
        at,
        `${pathText(at)}: ${show(mac)} is not a valid MAC address`,
        'write the MAC as a quoted string, e.g. "aa:bb:cc:dd:ee:01"',
      );
    }
    const ipPath = [...at, "ip"];
    const entry = asObj(raw) ?? {};
    if (!checkRequired(out, entry.ip, ipPath, "set the static IP for this MAC")) continue;
    const ip = checkIP(out, entry.ip, ipPath);
    if (ip?.family !== 4) continue;
    const where = `${pathText(ipPath)} ${show(entry.ip)}`;
    const hint = "use a free host address inside the subnet";
    const problem = !contains(net, ip.addr)
      ? "is not in the subnet"
      : ip.addr === networkOf(net)
        ? "is the network address of the subnet"
        : ip.addr === gateway
          ? "is the subnet gateway"
          : ip.addr === lastOf(net)
            ? "is the broadcast address of the subnet"
            : used.has(ip.addr)
              ? `is already assigned to MAC ${used.get(ip.addr)}`
              : undefined;
    if (problem) out.error("dhcp-static", ipPath, `${where} ${problem}`, hint);
    else used.set(ip.addr, mac);
  }
}
