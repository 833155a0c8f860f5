/** How the plan's tree is split over requests: by payload, not by a fixed number of entries. */
import { describe, expect, it } from "vitest";
import { TREE_BYTES_PER_REQUEST, treeBatches, treeItems } from "../src/github/write-commit.js";

const write = (i: number, bytes: number) => ({
  path: `gitops/f/managed/vpcs/v-${i}.yaml`,
  bytes: new Uint8Array(bytes).fill(0x61),
  reason: "created" as const,
});

describe("tree requests", () => {
  it("puts thousands of small entries in one request", () => {
    const items = treeItems({ writes: Array.from({ length: 3000 }, (_, i) => write(i, 300)), deletes: [] });
    expect(treeBatches(items).map((b) => b.length)).toEqual([3000]);
  });

  it("starts a new request before the body would pass the payload limit, keeping every entry once", () => {
    const items = treeItems({ writes: Array.from({ length: 30 }, (_, i) => write(i, 200_000)), deletes: [] });
    const batches = treeBatches(items);
    expect(batches.length).toBeGreaterThan(2);
    for (const b of batches)
      expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThanOrEqual(TREE_BYTES_PER_REQUEST + 2);
    expect(batches.flat().map((i) => i.path)).toEqual(items.map((i) => i.path));
  });

  it("keeps the executable bit of a write and deletes with sha null", () => {
    const items = treeItems({
      writes: [{ path: "a/archive/x/run.sh", blobSha: "a".repeat(40), reason: "archived", mode: "100755" }],
      deletes: ["a/raw/run.sh"],
    });
    expect(items).toEqual([
      { path: "a/archive/x/run.sh", mode: "100755", type: "blob", sha: "a".repeat(40) },
      { path: "a/raw/run.sh", mode: "100644", type: "blob", sha: null },
    ]);
  });
});
