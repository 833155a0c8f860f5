/**
 * Moves unmanaged files of the old layout (`unmanaged/<kind>/<name>.yaml`, which lost group and
 * namespace) to `unmanaged/<group>/<kind>/<namespace>/<name>.yaml`. The planner knows only blob
 * SHAs, so the shell passes the bytes of old-layout files (few, and only once); the move reuses the
 * blob. A file it cannot place (bytes not given, not one object, target taken) stays and is reported.
 */
import { parse } from "yaml";
import { unmanagedSegmentProblems } from "./file-names.js";
import { splitApiVersion } from "./hedgehog/kinds.js";
import { isLegacyUnmanagedPath, unmanagedPath } from "./paths.js";
import { isObject } from "./server-fields.js";
import type { PlannedWrite, UnmanagedMove } from "./types.js";

export interface LegacyMoves {
  writes: PlannedWrite[];
  deletes: string[];
  moved: UnmanagedMove[];
  /** Old-layout files left where they are, with why. */
  unmoved: { path: string; reason: string }[];
}

export function planLegacyMoves(
  root: string,
  current: ReadonlyMap<string, string>,
  legacy: ReadonlyMap<string, Uint8Array> | undefined,
  writtenThisRun: ReadonlySet<string>,
): LegacyMoves {
  const out: LegacyMoves = { writes: [], deletes: [], moved: [], unmoved: [] };
  for (const [path, sha] of current) {
    if (!isLegacyUnmanagedPath(root, path)) continue;
    const bytes = legacy?.get(path);
    if (!bytes) {
      out.unmoved.push({
        path,
        reason: "its content was not read for this run, so it stays until the next one",
      });
      continue;
    }
    const target = newPath(root, path, bytes);
    if ("reason" in target) {
      out.unmoved.push({ path, reason: target.reason });
      continue;
    }
    const to = target.path;
    const existing = current.get(to);
    if (existing !== undefined && existing !== sha && !writtenThisRun.has(to)) {
      out.unmoved.push({ path, reason: `${to} exists with other content: keep one of the two by hand` });
      continue;
    }
    // Written by this run's raw files, or already there with the same bytes: only the old file goes.
    if (existing === undefined && !writtenThisRun.has(to))
      out.writes.push({ path: to, bytes, blobSha: sha, reason: "moved" });
    out.deletes.push(path);
    out.moved.push({ from: path, to });
  }
  return out;
}

function newPath(root: string, path: string, bytes: Uint8Array): { path: string } | { reason: string } {
  let value: unknown;
  try {
    value = parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return { reason: "it is not one readable YAML object" };
  }
  const metadata = isObject(value) && isObject(value.metadata) ? value.metadata : undefined;
  if (!isObject(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string" || !metadata)
    return { reason: "it has no apiVersion, kind and metadata" };
  const [kindFolder, file] = path.slice(`${root}/unmanaged/`.length).split("/");
  if (value.kind.toLowerCase() !== kindFolder || `${metadata.name}.yaml` !== file)
    return { reason: "its kind and name do not match its path" };
  const identity = {
    group: splitApiVersion(value.apiVersion).group,
    kind: value.kind,
    namespace: typeof metadata.namespace === "string" ? metadata.namespace : "",
    name: String(metadata.name),
  };
  if (unmanagedSegmentProblems(identity).length > 0)
    return { reason: "its API group or namespace cannot be a folder name" };
  return { path: unmanagedPath(root, identity) };
}
