/**
 * `plan --base <ref>`: the blob SHAs of another git ref's files, so a local plan can be made against
 * the base branch's managed/ exactly as the pull-request preview does. Reads with `git ls-tree`; the
 * ref is passed after `--end-of-options` so it can never be taken for an option.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { UsageError } from "../cli/usage-error.js";

const run = promisify(execFile);

/** Path → blob SHA of every file at `ref` in the repository that holds `dir`, relative to `dir`. */
export async function filesAtRef(dir: string, ref: string): Promise<Map<string, string>> {
  let prefix: string;
  try {
    prefix = (await run("git", ["-C", dir, "rev-parse", "--show-prefix"])).stdout.trim();
    await run("git", ["-C", dir, "rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  } catch {
    throw new UsageError(`--base ${ref}: not a commit of a git repository at ${dir}`);
  }
  const { stdout } = await run(
    "git",
    ["-C", dir, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", ref],
    {
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const out = new Map<string, string>();
  for (const record of stdout.split("\0")) {
    // "<mode> blob <sha>\t<path>"
    const match = /^\d+ blob ([0-9a-f]{40,64})\t(.*)$/s.exec(record);
    if (!match?.[1] || match[2] === undefined || !match[2].startsWith(prefix)) continue;
    out.set(match[2].slice(prefix.length), match[1]);
  }
  return out;
}
