/** vitest globalSetup: compiles dist/ once (only when stale) for the tests that run the built CLI and server. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export default function setup(): void {
  execFileSync(
    process.execPath,
    [join(import.meta.dirname, "..", "..", "scripts", "build.mjs"), "--if-stale"],
    {
      stdio: "inherit",
    },
  );
}
