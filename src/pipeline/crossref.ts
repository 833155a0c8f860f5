/**
 * Cross-reference check: objects that name other objects (a VPCAttachment's connection, a
 * Connection's switches…) should find them in managed/ or in this push. Missing ones are
 * warnings, errors in strict mode. Only names are compared: the objects themselves may live
 * elsewhere (e.g. created by hhfab), which is why this is a warning by default.
 */
import { HEDGEHOG_KINDS } from "./hedgehog/kinds.js";
import { isObject } from "./server-fields.js";
import type { JsonPath, Level } from "./types.js";

export interface Reference {
  kind: string;
  name: string;
  path: JsonPath;
}

/** Names every reference a Hedgehog object makes. Namespaces named "default" are skipped: hhfab creates them. */
export function referencesOf(kind: string, object: Record<string, unknown>): Reference[] {
  const spec = isObject(object.spec) ? object.spec : {};
  const refs: Reference[] = [];
  const add = (refKind: string, name: unknown, path: JsonPath) => {
    if (typeof name === "string" && name !== "") refs.push({ kind: refKind, name, path });
  };
  const addNamespace = (refKind: string, name: unknown, path: JsonPath) => {
    if (name !== "default") add(refKind, name, path);
  };
  switch (kind) {
    case "VPC":
      addNamespace("IPv4Namespace", spec.ipv4Namespace, ["spec", "ipv4Namespace"]);
      addNamespace("VLANNamespace", spec.vlanNamespace, ["spec", "vlanNamespace"]);
      break;
    case "External":
      addNamespace("IPv4Namespace", spec.ipv4Namespace, ["spec", "ipv4Namespace"]);
      break;
    case "VPCAttachment":
      add("Connection", spec.connection, ["spec", "connection"]);
      if (typeof spec.subnet === "string") add("VPC", spec.subnet.split("/")[0], ["spec", "subnet"]);
      break;
    case "VPCPeering":
      (Array.isArray(spec.permit) ? spec.permit : []).forEach((entry, i) => {
        if (isObject(entry))
          for (const vpc of Object.keys(entry)) add("VPC", vpc, ["spec", "permit", i, vpc]);
      });
      break;
    case "ExternalAttachment":
      add("Connection", spec.connection, ["spec", "connection"]);
      add("External", spec.external, ["spec", "external"]);
      break;
    case "ExternalPeering": {
      const permit = isObject(spec.permit) ? spec.permit : {};
      add("VPC", isObject(permit.vpc) ? permit.vpc.name : undefined, ["spec", "permit", "vpc", "name"]);
      add("External", isObject(permit.external) ? permit.external.name : undefined, [
        "spec",
        "permit",
        "external",
        "name",
      ]);
      break;
    }
    case "Switch": {
      for (const [i, g] of (Array.isArray(spec.groups) ? spec.groups : []).entries())
        add("SwitchGroup", g, ["spec", "groups", i]);
      const redundancy = isObject(spec.redundancy) ? spec.redundancy : {};
      add("SwitchGroup", redundancy.group, ["spec", "redundancy", "group"]);
      break;
    }
    case "Connection":
      collectPorts(spec, ["spec"], refs);
      break;
    case "Gateway":
      (Array.isArray(spec.groups) ? spec.groups : []).forEach((g, i) => {
        if (isObject(g) && g.name !== "default") add("GatewayGroup", g.name, ["spec", "groups", i, "name"]);
      });
      break;
    case "GatewayPeering":
      if (spec.gatewayGroup !== "default") add("GatewayGroup", spec.gatewayGroup, ["spec", "gatewayGroup"]);
      for (const key of Object.keys(isObject(spec.peering) ? spec.peering : {})) {
        if (key.startsWith("ext.")) add("External", key.slice(4), ["spec", "peering", key]);
        else add("VPC", key, ["spec", "peering", key]);
      }
      break;
  }
  return refs;
}

const PORT_OWNER: Record<string, string> = {
  server: "Server",
  switch: "Switch",
  spine: "Switch",
  leaf: "Switch",
  leaf1: "Switch",
  leaf2: "Switch",
  switch1: "Switch",
  switch2: "Switch",
  gateway: "Gateway",
};

/** Connection ports are `{ <role>: { port: "<device>/<port>" } }` at any depth. */
function collectPorts(value: unknown, path: JsonPath, refs: Reference[]): void {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) collectPorts(item, [...path, i], refs);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const owner = PORT_OWNER[key];
    if (owner && isObject(child) && typeof child.port === "string" && child.port.includes("/")) {
      refs.push({
        kind: owner,
        name: child.port.slice(0, child.port.indexOf("/")),
        path: [...path, key, "port"],
      });
    } else {
      collectPorts(child, [...path, key], refs);
    }
  }
}

const kindByPlural = new Map(HEDGEHOG_KINDS.map((k) => [k.plural, k.kind]));

/** "Kind/name" keys for the managed files already in a root (from their paths alone). */
export function knownFromManagedPaths(root: string, paths: Iterable<string>): Set<string> {
  const known = new Set<string>();
  const prefix = `${root}/managed/`;
  for (const path of paths) {
    if (!path.startsWith(prefix)) continue;
    const match = /^([^/]+)\/([^/]+)\.yaml$/.exec(path.slice(prefix.length));
    const kind = match && kindByPlural.get(match[1] ?? "");
    if (kind && match?.[2]) known.add(`${kind}/${match[2]}`);
  }
  return known;
}

export function unresolvedLevel(strict: boolean): Level {
  return strict ? "error" : "warning";
}
