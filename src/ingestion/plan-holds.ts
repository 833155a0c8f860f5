/**
 * Whether a plan made on one tree still holds on another: the branch moved while the run was
 * writing, and the newer commits may only have added files the plan does not look at (another push
 * into raw/, a README). Then the ingestion commit can sit on the new head as it is, and what the
 * newer commits brought is left for their own run (their push queued one; the sweep finds it else).
 *
 * It holds when, in both trees, every path the plan writes or deletes, everything under each fabric
 * root's managed/ and unmanaged/ (what the plan was checked against), submodules there, and the
 * repository's configuration file are the same (same blob, same mode). Pure: trees in, a yes or no out.
 */
import { CONFIG_FILE } from "../config.js";
import type { CommitTree } from "../github/tree.js";
import type { TreeEntry } from "../github/types.js";
import type { DiscoveredRoot } from "../pipeline/discover.js";
import type { Plan } from "../pipeline/types.js";

function byPath(tree: CommitTree): Map<string, TreeEntry> {
  return new Map([...tree.files, ...tree.gitlinks].map((entry) => [entry.path, entry]));
}

export function planHoldsOn(
  planned: CommitTree,
  moved: CommitTree,
  plan: Plan,
  discovered: readonly DiscoveredRoot[],
): boolean {
  const before = byPath(planned);
  const after = byPath(moved);
  const watched = discovered.flatMap((root) => [`${root.root}/managed/`, `${root.root}/unmanaged/`]);
  const paths = new Set<string>([
    ...plan.writes.map((write) => write.path),
    ...plan.deletes,
    `.github/${CONFIG_FILE}`,
  ]);
  for (const path of [...before.keys(), ...after.keys()]) {
    if (watched.some((prefix) => path.startsWith(prefix))) paths.add(path);
  }
  for (const path of paths) {
    const a = before.get(path);
    const b = after.get(path);
    if (a?.sha !== b?.sha || a?.mode !== b?.mode) return false;
  }
  return true;
}
