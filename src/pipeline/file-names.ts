/**
 * Whether a resource's file name can exist on the filesystems people clone to. Git accepts a path
 * segment of any length, but ext4, APFS, NTFS and most others stop at 255 bytes: a longer name is
 * committed fine and then breaks every `git clone` ("checkout failed"), Argo CD and Flux included.
 */
import type { Problem } from "./types.js";

/** The longest path segment (in UTF-8 bytes) common filesystems accept. */
export const MAX_SEGMENT_BYTES = 255;

/** Device names Windows reserves whatever the extension ("con.yaml" cannot be checked out there). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

const encoder = new TextEncoder();

/** Problems with the last segment of a path the pipeline would write; metadata.name is what made it. */
export function fileNameProblems(path: string): Omit<Problem, "line" | "column">[] {
  const segment = path.slice(path.lastIndexOf("/") + 1);
  const bytes = encoder.encode(segment).length;
  if (bytes > MAX_SEGMENT_BYTES) {
    return [
      {
        level: "error",
        code: "file-name-too-long",
        message: `the file name "${segment.slice(0, 40)}…" would be ${bytes} bytes, over the ${MAX_SEGMENT_BYTES}-byte limit of common filesystems: every checkout of the repository would fail`,
        hint: `use a metadata.name of at most ${MAX_SEGMENT_BYTES - (bytes - encoder.encode(segment.replace(/\.yaml$/, "")).length)} characters`,
        path: ["metadata", "name"],
      },
    ];
  }
  if (WINDOWS_RESERVED.test(segment.slice(0, segment.indexOf(".")))) {
    return [
      {
        level: "warning",
        code: "windows-reserved-name",
        message: `the file name "${segment}" is a device name on Windows: checkouts on Windows will fail for this file`,
        hint: "rename the resource if anyone clones this repository on Windows",
        path: ["metadata", "name"],
      },
    ];
  }
  return [];
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * An unmanaged object's API group and namespace become folders: they must be the DNS names
 * Kubernetes requires (which also keeps them from naming any other folder, such as `..`).
 */
export function unmanagedSegmentProblems(identity: {
  group: string;
  namespace: string;
}): Omit<Problem, "line" | "column">[] {
  const out: Omit<Problem, "line" | "column">[] = [];
  if (identity.group !== "" && (identity.group.length > 253 || !DNS_SUBDOMAIN.test(identity.group)))
    out.push({
      level: "error",
      code: "invalid-api-group",
      message: `API group ${JSON.stringify(identity.group)} is not a lowercase DNS name`,
      hint: "apiVersion is <group>/<version>, e.g. apps/v1",
      path: ["apiVersion"],
    });
  if (identity.namespace !== "" && (identity.namespace.length > 63 || !DNS_LABEL.test(identity.namespace)))
    out.push({
      level: "error",
      code: "invalid-namespace",
      message: `namespace ${JSON.stringify(identity.namespace)} is not a lowercase RFC 1123 label`,
      hint: "use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
      path: ["metadata", "namespace"],
    });
  return out;
}
