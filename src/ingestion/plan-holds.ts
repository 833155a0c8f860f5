/**
 * Whether a plan made on one tree still holds on another: the branch moved while the run was
 * writing, by commits that touch nothing the run looked at (a README, CI files). Then the ingestion
 * commit can sit on the new head as it is, instead of the run starting again there.
 *
 * It holds when, in both trees, every path the plan writes or deletes, and everything under each
 * fabric root's raw/, managed/ and unmanaged/ (what the plan was made from and checked against), and
 * the repository's configuration file are the same (same blob, same mode). A newer push into raw/
 * does not hold: starting again on it ingests its files in the same run, with the check on its commit.
 * Pure: trees in, a yes or no out.
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
  const watched = discovered.flatMap((root) =>
    ["raw", "managed", "unmanaged"].map((folder) => `${root.root}/${folder}/`),
  );
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
