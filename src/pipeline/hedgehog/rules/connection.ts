/**
 * Connection rules (reference §2.10, Go ConnectionSpec.Endpoints and Connection.Validate) that need
 * neither switch profiles nor other connections: one type, port strings, devices per type, unique
 * ports, link addresses, MTU and static external routing.
 */
import type { JsonPath } from "../../types.js";
import { contains, FABRIC_LINK_SUBNET, formatPrefix, networkOf, type Prefix4 } from "../net.js";
import {
  asArr,
  asNum,
  asObj,
  asSet,
  asStr,
  checkRequired,
  type Findings,
  type Obj,
  pathText,
  repeats,
  show,
} from "./helpers.js";
import { checkReference, SHORT_NAME_MAX } from "./names.js";
import { checkIP, checkNoOverlap, checkNotReserved, checkPrefix, type Located } from "./netchecks.js";

type Role = "switch" | "server" | "gateway";

interface Shape {
  /** Where the links are: a single `link`, or one or more lists. */
  links: "link" | readonly string[];
  /** Link end → what kind of device its port belongs to. */
  ends: Readonly<Record<string, Role>>;
  /** Allowed number of distinct switches, when Go checks it. */
  switches?: readonly [number, number];
  servers?: number;
  /** Link ends carry /31 addresses. */
  linkIPs?: boolean;
  mtu?: boolean;
}

const SERVER_LINK = { switch: "switch", server: "server" } as const;

const SHAPES: Readonly<Record<string, Shape>> = {
  unbundled: { links: "link", ends: SERVER_LINK, switches: [1, 1], servers: 1, mtu: true },
  bundled: { links: ["links"], ends: SERVER_LINK, switches: [1, 1], servers: 1, mtu: true },
  eslag: { links: ["links"], ends: SERVER_LINK, switches: [2, 4], servers: 1, mtu: true },
  mclag: { links: ["links"], ends: SERVER_LINK, mtu: true },
  mclagDomain: { links: ["peerLinks", "sessionLinks"], ends: { switch1: "switch", switch2: "switch" } },
  fabric: { links: ["links"], ends: { spine: "switch", leaf: "switch" }, switches: [2, 2], linkIPs: true },
  mesh: { links: ["links"], ends: { leaf1: "switch", leaf2: "switch" }, switches: [2, 2], linkIPs: true },
  gateway: {
    links: ["links"],
    ends: { switch: "switch", gateway: "gateway" },
    switches: [1, 1],
    linkIPs: true,
  },
  vpcLoopback: { links: ["links"], ends: { switch1: "switch", switch2: "switch" }, switches: [1, 1] },
  external: { links: "link", ends: { switch: "switch" } },
  staticExternal: { links: "link", ends: { switch: "switch" } },
};

const TYPES = Object.keys(SHAPES);
const CURRENT_TYPES = TYPES.filter((t) => !t.startsWith("mclag"));
const MAX_SERVER_MTU = 9036;
/** Profile port names: E<asic>/<port>[/<breakout>] or a management port M<n>. */
const SWITCH_PORT = /^(E[0-9]+\/[0-9]+(\/[0-9]+)?|M[0-9]+)$/;

/** One port of one link end. */
interface Endpoint {
  role: Role;
  text: string;
  device: string;
  path: JsonPath;
}

export function checkConnection(out: Findings, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  const found = TYPES.filter((t) => spec[t] !== undefined && spec[t] !== null);
  if (found.length !== 1) {
    out.error(
      "connection-type",
      found.length > 1 ? ["spec", found[1] as string] : ["spec"],
      found.length === 0
        ? "spec has no connection type: exactly one connection type must be used"
        : `spec has ${found.length} connection types (${found.join(", ")}): exactly one connection type must be used`,
      `keep exactly one of: ${CURRENT_TYPES.join(", ")}`,
    );
    return;
  }
  const type = found[0] as string;
  const shape = SHAPES[type] as Shape;
  const body = asObj(spec[type]) ?? {};
  const base = ["spec", type];

  if (type.startsWith("mclag")) {
    // Upstream admission returns only this warning for MCLAG and validates nothing else (ports included).
    out.warning(
      "mclag-deprecated",
      base,
      `spec.${type}: MCLAG is deprecated and no longer supported`,
      "use an eslag connection instead",
    );
    return;
  }

  const links = linksOf(body, shape, base);
  const endpoints = links.flatMap((link) => endpointsOf(out, link.value, link.path, shape));
  checkDevices(out, type, shape, endpoints, base);
  for (const { value: text, index } of repeats(endpoints.map((e) => e.text))) {
    const dup = endpoints[index] as Endpoint;
    out.error(
      "port-duplicate",
      dup.path,
      `${pathText(dup.path)} ${show(text)} is used more than once in this connection`,
      "use each port in one link only",
    );
  }
  if (shape.linkIPs) for (const link of links) checkLinkIPs(out, link.value, link.path, shape);
  const mtu = asNum(body.mtu);
  if (shape.mtu && mtu !== undefined && mtu > MAX_SERVER_MTU) {
    out.error(
      "mtu-too-large",
      [...base, "mtu"],
      `${pathText(base)}.mtu ${mtu} is greater than ${MAX_SERVER_MTU} (fabric MTU 9100 minus server-facing offset 64)`,
      `use an MTU of at most ${MAX_SERVER_MTU}`,
    );
  }
  if (type === "staticExternal") checkStaticExternal(out, body, base);
}

function linksOf(body: Obj, shape: Shape, base: JsonPath): { value: Obj; path: JsonPath }[] {
  if (shape.links === "link") return [{ value: asObj(body.link) ?? {}, path: [...base, "link"] }];
  return shape.links.flatMap((key) =>
    asArr(body[key]).map((link, i) => ({ value: asObj(link) ?? {}, path: [...base, key, i] })),
  );
}

function endpointsOf(out: Findings, link: Obj, linkPath: JsonPath, shape: Shape): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const [name, role] of Object.entries(shape.ends)) {
    const end = asObj(link[name]);
    const text = asStr(end?.port);
    if (end === undefined || text === undefined) continue;
    const path = [...linkPath, name, "port"];
    const port = checkPortString(out, text, path, role);
    if (port) endpoints.push({ role, text, device: port.device, path });
  }
  return endpoints;
}

/** "<device>/<port>", split on the first "/" as Go does; switch ports must use profile names. */
function checkPortString(
  out: Findings,
  text: string,
  path: JsonPath,
  role: Role,
): { device: string } | undefined {
  const slash = text.indexOf("/");
  const device = slash < 0 ? text : text.slice(0, slash);
  const local = slash < 0 ? "" : text.slice(slash + 1);
  // "E1/1" splits into device "E1" and port "1": what is missing is the switch name.
  if (device === "" || local === "" || (role === "switch" && SWITCH_PORT.test(text))) {
    out.error(
      "port-format",
      path,
      `${pathText(path)} ${show(text)} should be in "<device>/<port>" format`,
      role === "switch"
        ? 'write it as "<switch>/<port>", e.g. leaf-01/E1/1'
        : 'write it as "<device>/<nic>", e.g. server-01/enp2s1',
    );
    return undefined;
  }
  checkReference(
    out,
    device,
    path,
    role === "switch" ? "Switch" : role === "server" ? "Server" : "Gateway",
    63,
  );
  if (role === "switch" && !SWITCH_PORT.test(local)) {
    const nos = /^Ethernet[0-9]+$/i.test(local);
    out.error(
      "switch-port-name",
      path,
      `${pathText(path)} ${show(text)}: ${show(local)} is not a switch profile port name`,
      nos
        ? `use the profile port name (E1/<n>[/<breakout>]) instead of the NOS name ${local}; see the switch profile's port table`
        : "use a switch profile port name such as E1/1, E1/55/1 or M1",
    );
  }
  return { device };
}

function checkDevices(
  out: Findings,
  type: string,
  shape: Shape,
  endpoints: Endpoint[],
  base: JsonPath,
): void {
  const distinct = (role: Role): string[] => [
    ...new Set(endpoints.filter((e) => e.role === role).map((e) => e.device)),
  ];
  const switches = distinct("switch");
  const servers = distinct("server");
  if (shape.switches && endpoints.length > 0) {
    const [min, max] = shape.switches;
    if (switches.length < min || switches.length > max) {
      const want = min === max ? `exactly ${min}` : `${min} to ${max}`;
      out.error(
        "connection-devices",
        base,
        `${pathText(base)} uses ${switches.length} switch(es) (${switches.join(", ")}); a ${type} connection uses ${want}`,
        `check the switch names in the ports of ${pathText(base)}`,
      );
    }
  }
  if (shape.servers !== undefined && endpoints.length > 0 && servers.length !== shape.servers) {
    out.error(
      "connection-devices",
      base,
      `${pathText(base)} uses ${servers.length} server(s) (${servers.join(", ")}); a ${type} connection uses exactly ${shape.servers}`,
      `check the server names in the ports of ${pathText(base)}`,
    );
  }
}

/** fabric/mesh/gateway link ends: /31 addresses (hydrated when absent), both ends in one /31. */
function checkLinkIPs(out: Findings, link: Obj, linkPath: JsonPath, shape: Shape): void {
  const ends = Object.keys(shape.ends).map((name) => {
    const path = [...linkPath, name, "ip"];
    const ip = asSet(asObj(link[name])?.ip);
    const prefix = checkPrefix(out, ip, path);
    if (prefix === undefined || prefix.family !== 4) return { path, ip, prefix: undefined };
    const p4: Prefix4 = { addr: prefix.addr, len: prefix.len };
    if (p4.len !== 31) {
      out.error(
        "link-ip",
        path,
        `${pathText(path)} ${show(ip)} must be a /31`,
        "use a /31 per link, e.g. 172.30.128.0/31 and 172.30.128.1/31",
      );
      return { path, ip, prefix: undefined };
    }
    if (!contains(FABRIC_LINK_SUBNET, p4.addr)) {
      out.warning(
        "link-ip-subnet",
        path,
        `${pathText(path)} ${show(ip)} is outside the default fabric link subnet ${formatPrefix(FABRIC_LINK_SUBNET)}`,
        "use addresses from the fabric subnet set in fab.yaml, or omit them and let hhfab assign them",
      );
    }
    return { path, ip, prefix: p4 };
  });
  const [a, b] = ends;
  if (a === undefined || b === undefined) return;
  if ((a.ip === undefined) !== (b.ip === undefined)) {
    const missing = a.ip === undefined ? a : b;
    out.warning(
      "link-ip-partial",
      missing.path.slice(0, -1),
      `${pathText(missing.path)} is missing while the other end of the link has an address`,
      "set the ip on both ends of the link, or on neither (hhfab then assigns them)",
    );
  }
  if (a.prefix === undefined || b.prefix === undefined) return;
  if (a.prefix.addr === b.prefix.addr) {
    out.error(
      "link-ip",
      b.path,
      `${pathText(b.path)} ${show(b.ip)} is the same address as the other end`,
      "give each end of the /31 its own address",
    );
  } else if (networkOf(a.prefix) !== networkOf(b.prefix)) {
    out.error(
      "link-ip",
      b.path,
      `${pathText(b.path)} ${show(b.ip)} is not in the same /31 as ${show(a.ip)}`,
      "use the two addresses of one /31 on the two ends, e.g. 172.30.128.0/31 and 172.30.128.1/31",
    );
  }
}

function checkStaticExternal(out: Findings, body: Obj, base: JsonPath): void {
  checkReference(out, body.withinVPC, [...base, "withinVPC"], "VPC", SHORT_NAME_MAX);
  const sw = asObj(asObj(body.link)?.switch) ?? {};
  const at = [...base, "link", "switch"];
  const ipPath = [...at, "ip"];
  let net: Prefix4 | undefined;
  if (
    checkRequired(out, sw.ip, ipPath, "set the switch address with its prefix length, e.g. 172.31.255.1/24")
  ) {
    const prefix = checkPrefix(out, sw.ip, ipPath);
    if (prefix?.family === 4) net = { addr: prefix.addr, len: prefix.len };
  }
  const hopPath = [...at, "nextHop"];
  if (checkRequired(out, sw.nextHop, hopPath, "set the next-hop address, inside the switch ip's subnet")) {
    const hop = checkIP(out, sw.nextHop, hopPath);
    if (net && hop?.family === 4 && !contains(net, hop.addr)) {
      out.error(
        "next-hop-outside",
        hopPath,
        `${pathText(hopPath)} ${show(sw.nextHop)} is not in the subnet of ip ${show(sw.ip)}`,
        `use a next hop inside ${formatPrefix({ addr: networkOf(net), len: net.len })}`,
      );
    }
  }

  const subnets = asArr(sw.subnets);
  const located: Located[] = [];
  subnets.forEach((text, i) => {
    const path = [...at, "subnets", i];
    if (text === "0.0.0.0/0") {
      if (subnets.length > 1) {
        out.error(
          "default-route-not-alone",
          path,
          `${pathText(path)} "0.0.0.0/0": the default route must be the only subnet`,
          "remove the other subnets or the default route",
        );
      }
      return;
    }
    const prefix = checkPrefix(out, text, path, { ipv6: true, canonical: "error" });
    if (prefix === undefined) return;
    const item = { prefix, text: String(text), path };
    located.push(item);
    checkNotReserved(out, item);
  });
  checkNoOverlap(out, located);
}
