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
