/** The read-only fixtures next to the project (../shared), which check:inbox and check:samples read. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

/**
 * The folder given on the command line, else `fallback` under ../shared; exits 2 with a clear
 * message when it is not there (the shared fixtures are not part of this repository).
 */
export function sharedFolder(script: string, fallback: string): string {
  const given = process.argv[2];
  const folder = resolve(given ?? fallback);
  if (!existsSync(folder)) {
    console.error(
      `${script}: ${folder} does not exist.\n` +
        (given
          ? "Pass a folder that exists."
          : `This script reads the shared fixtures in ${resolve(fallback)}, which are not part of this repository: put them there, or pass another folder (npm run ${script} -- <folder>).`),
    );
    process.exit(2);
  }
  return folder;
}
