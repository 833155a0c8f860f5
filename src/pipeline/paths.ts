/** Where things live inside a fabric root (SPEC.md, "Repository layout"). */
import type { HedgehogKind } from "./hedgehog/kinds.js";

export const inboxOf = (root: string): string => `${root}/raw`;

/** Joined, not concatenated: a run keeps one per resource, and join gives one flat string (issue 9). */
export const managedPath = (root: string, kind: HedgehogKind, name: string): string =>
  [root, "/managed/", kind.plural, "/", name, ".yaml"].join("");

/** Folder of objects of the core API group (apiVersion "v1"), which has no name of its own. */
export const CORE_GROUP_FOLDER = "core";
/** Folder of objects whose file names no namespace (cluster-scoped, or left to the deploying tool). */
export const NO_NAMESPACE_FOLDER = "_none";

/**
 * `unmanaged/<group>/<kind>/<namespace>/<name>.yaml`: group "core" for v1, kind lowercased,
 * namespace "_none" when the object names none. Every segment is a DNS name or one of those two
 * words (neither is a valid API group or namespace), so two different objects never share a file.
 */
export const unmanagedPath = (
  root: string,
  identity: { group: string; kind: string; namespace: string; name: string },
): string =>
  [
    root,
    "/unmanaged/",
    identity.group || CORE_GROUP_FOLDER,
    "/",
    identity.kind.toLowerCase(),
    "/",
    identity.namespace || NO_NAMESPACE_FOLDER,
    "/",
    identity.name,
    ".yaml",
  ].join("");

/** The layout before group and namespace were in the path: `unmanaged/<kind>/<name>.yaml`. */
export function isLegacyUnmanagedPath(root: string, path: string): boolean {
  const prefix = `${root}/unmanaged/`;
  return path.startsWith(prefix) && /^[^/]+\/[^/]+\.yaml$/.test(path.slice(prefix.length));
}

export const shortSha = (sha: string): string => sha.slice(0, 7);

/** The original keeps its path inside raw/, under a folder named after the source commit. */
export const archivePath = (root: string, sourceCommit: string, rawPath: string): string =>
  `${root}/archive/${shortSha(sourceCommit)}/${rawPath.slice(inboxOf(root).length + 1)}`;
