/** When a plan made on one tree can be committed on top of a newer head as it is. */
import { describe, expect, it } from "vitest";
import type { CommitTree } from "../src/github/tree.js";
import { planHoldsOn } from "../src/ingestion/plan-holds.js";
import type { DiscoveredRoot } from "../src/pipeline/discover.js";
import type { Plan } from "../src/pipeline/types.js";

const ROOT = "gitops/fabric-1";
const tree = (files: Record<string, string>): CommitTree => ({
  treeSha: "t".repeat(40),
  files: Object.entries(files).map(([path, sha]) => ({ path, sha, mode: "100644", type: "blob" as const })),
  gitlinks: [],
});
const discovered: DiscoveredRoot[] = [
  { root: ROOT, rawPaths: [`${ROOT}/raw/a.yaml`], ignoredPaths: [], hasGitkeep: false },
];
const plan: Plan = {
  writes: [
    { path: `${ROOT}/managed/vpcs/a.yaml`, blobSha: "1".repeat(40), reason: "created" },
    { path: `${ROOT}/archive/abc/a.yaml`, blobSha: "2".repeat(40), reason: "archived" },
  ],
  deletes: [`${ROOT}/raw/a.yaml`],
};
const planned = tree({
  [`${ROOT}/raw/a.yaml`]: "2".repeat(40),
  [`${ROOT}/managed/vpcs/b.yaml`]: "3".repeat(40),
});

describe("planHoldsOn", () => {
  it("holds when the newer commits only touched files the plan does not look at", () => {
    const moved = tree({
      ...Object.fromEntries(planned.files.map((f) => [f.path, f.sha])),
      "README.md": "4".repeat(40),
      "gitops/fabric-2/raw/other.yaml": "5".repeat(40),
    });
    expect(planHoldsOn(planned, moved, plan, discovered)).toBe(true);
  });

  it("does not hold when a newer push added a file to raw/: the run starts again and ingests it too", () => {
    const moved = tree({
      ...Object.fromEntries(planned.files.map((f) => [f.path, f.sha])),
      [`${ROOT}/raw/late.yaml`]: "5".repeat(40),
    });
    expect(planHoldsOn(planned, moved, plan, discovered)).toBe(false);
  });

  it("does not hold when a file it archives changed or went away", () => {
    const edited = tree({
      [`${ROOT}/raw/a.yaml`]: "6".repeat(40),
      [`${ROOT}/managed/vpcs/b.yaml`]: "3".repeat(40),
    });
    expect(planHoldsOn(planned, edited, plan, discovered)).toBe(false);
    const removed = tree({ [`${ROOT}/managed/vpcs/b.yaml`]: "3".repeat(40) });
    expect(planHoldsOn(planned, removed, plan, discovered)).toBe(false);
  });

  it("does not hold when managed/ changed anywhere, a path it writes appeared, or the configuration changed", () => {
    const base = Object.fromEntries(planned.files.map((f) => [f.path, f.sha]));
    const changes: Record<string, string>[] = [
      { [`${ROOT}/managed/vpcs/b.yaml`]: "7".repeat(40) },
      { [`${ROOT}/managed/switches/s.yaml`]: "7".repeat(40) },
      { [`${ROOT}/unmanaged/core/configmap/_none/x.yaml`]: "7".repeat(40) },
      { [`${ROOT}/archive/abc/a.yaml`]: "7".repeat(40) },
      { ".github/gitops-ingest.yml": "7".repeat(40) },
    ];
    for (const change of changes)
      expect(planHoldsOn(planned, tree({ ...base, ...change }), plan, discovered)).toBe(false);
  });
});
