/**
 * Gateway rules (reference §2.12, Go Gateway.Validate) that need no other objects. Addresses, MAC,
 * ASN, interface IPs and neighbors are hydrated by hhfab, so they are checked only when present.
 */
import type { JsonPath } from "../../types.js";
import { isLoopback, isMulticast, isUnspecified, parseIPv4Prefix, parseMAC } from "../net.js";
import {
  asArr,
  asNum,
  asObj,
  asSet,
  checkRequired,
  entriesOf,
  type Findings,
  type Obj,
  pathText,
  repeats,
  show,
} from "./helpers.js";
import { checkASN, checkHostPrefix, checkIP, checkPrefix } from "./netchecks.js";

/** Linux interface names as the dataplane accepts them (2..10 characters). */
const IFACE_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,8}[a-zA-Z0-9]$/;
const MAX_WORKERS = 64;

export function checkGateway(out: Findings, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  for (const [name, raw] of entriesOf(spec.interfaces)) checkInterface(out, name, asObj(raw) ?? {});

  checkHostPrefix(out, spec.protocolIP, ["spec", "protocolIP"]);
  checkVTEP(out, asSet(spec.vtepIP));
  checkVTEPMAC(out, asSet(spec.vtepMAC));
  checkASN(out, spec.asn, ["spec", "asn"]);

  asArr(spec.neighbors).forEach((raw, i) => {
    const neighbor = asObj(raw) ?? {};
    const path = ["spec", "neighbors", i];
    const ipPath = [...path, "ip"];
    if (checkRequired(out, neighbor.ip, ipPath, "set the neighbor's IPv4 address")) {
      const ip = checkIP(out, neighbor.ip, ipPath);
      if (ip?.family === 4 && (isMulticast(ip.addr) || isUnspecified(ip.addr))) {
        out.error(
          "ip-invalid",
          ipPath,
          `${pathText(ipPath)} ${show(neighbor.ip)} is not a unicast address`,
          "use the switch's link address",
        );
      }
    }
    if (checkRequired(out, neighbor.asn, [...path, "asn"], "set the neighbor's ASN")) {
      checkASN(out, neighbor.asn, [...path, "asn"]);
    }
  });

  const workers = asNum(spec.workers);
  if (workers !== undefined && workers !== 0 && (workers < 1 || workers > MAX_WORKERS)) {
    out.error(
      "workers-range",
      ["spec", "workers"],
      `spec.workers ${workers} is outside 1..${MAX_WORKERS}`,
      "use 1 to 64 workers (default 4)",
    );
  }

  const groups = asArr(spec.groups).map((g) => asObj(g)?.name);
  for (const { value: name, index } of repeats(groups)) {
    if (typeof name !== "string") continue;
    const path = ["spec", "groups", index, "name"];
    out.error(
      "group-duplicate",
      path,
      `${pathText(path)} ${show(name)} is listed twice`,
      "list each gateway group once",
    );
  }
}

function checkInterface(out: Findings, name: string, iface: Obj): void {
  const path = ["spec", "interfaces", name];
  if (!IFACE_NAME.test(name)) {
    out.error(
      "interface-name",
      path,
      `${pathText(path)}: ${show(name)} is not a valid interface name (2-10 characters, letters first)`,
      "use the Linux interface name, e.g. enp2s1",
    );
  }
  asArr(iface.ips).forEach((ip, i) => {
    checkPrefix(out, ip, [...path, "ips", i]);
  });
  const pci = asSet(iface.pci);
  const kernel = asSet(iface.kernel);
  if (pci !== undefined && kernel !== undefined) {
    out.error(
      "interface-pci-kernel",
      path,
      `${pathText(path)} sets both pci ${show(pci)} and kernel ${show(kernel)}`,
      "set pci (DPDK driver) or kernel (kernel driver), not both",
    );
  }
  if (pci !== undefined && !isPCIAddress(pci)) {
    out.error(
      "interface-pci",
      [...path, "pci"],
      `${pathText(path)}.pci ${show(pci)} is not a valid PCI address`,
      "write it as domain:bus:device.function, e.g. 0000:02:00.0",
    );
  }
  if (kernel !== undefined && (!IFACE_NAME.test(kernel) || kernel === name)) {
    out.error(
      "interface-kernel",
      [...path, "kernel"],
      `${pathText(path)}.kernel ${show(kernel)} ${kernel === name ? "cannot be the same as the interface name" : "is not a valid interface name"}`,
      "use the kernel's name of the NIC, different from the interface key",
    );
  }
}

/** DDDD:BB:DD.F with device <= 0x1F and function <= 7, as Go checks it. */
function isPCIAddress(pci: string): boolean {
  const m = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-9a-fA-F])$/.exec(pci);
  if (m === null) return false;
  return Number.parseInt(m[3] ?? "", 16) <= 0x1f && Number.parseInt(m[4] ?? "", 16) <= 7;
}

function checkVTEP(out: Findings, vtepIP: string | undefined): void {
  const path: JsonPath = ["spec", "vtepIP"];
  checkHostPrefix(out, vtepIP, path);
  const ip = vtepIP === undefined ? undefined : parseIPv4Prefix(vtepIP)?.addr;
  if (ip === undefined) return;
  if (isMulticast(ip) || isLoopback(ip) || isUnspecified(ip)) {
    out.error(
      "vtep-ip",
      path,
      `spec.vtepIP ${show(vtepIP)} must be a unicast address outside 127.0.0.0/8`,
      "use an address from the fabric's VTEP subnet, e.g. 172.30.12.3/32",
    );
  }
}

function checkVTEPMAC(out: Findings, mac: string | undefined): void {
  if (mac === undefined) return;
  const bytes = parseMAC(mac);
  const problem =
    bytes === undefined
      ? "is not a valid MAC address"
      : bytes.every((b) => b === 0)
        ? "must not be all zeros"
        : ((bytes[0] ?? 0) & 1) === 1
          ? "must be a unicast MAC address (first octet even)"
          : undefined;
  if (problem === undefined) return;
  out.error(
    "mac-invalid",
    ["spec", "vtepMAC"],
    `spec.vtepMAC ${show(mac)} ${problem}`,
    'use a unicast MAC, e.g. "CA:FE:BA:BE:01:01"',
  );
}
