/** Where gitops-ingest is installed and which version it is (for --version, /health, DATA_DIR). */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface PackageInfo {
  /** The folder holding package.json: the project folder, or /app in the container. */
  folder: string;
  version: string;
}

let cached: PackageInfo | undefined;

/** Found by walking up from this file, so it holds for src/ (tsx, tests) and dist/src/ alike. */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "gitops-ingest") {
        cached = { folder: dir, version: pkg.version ?? "unknown" };
        return cached;
      }
    } catch {
      // No package.json here: look one folder up.
    }
    if (dirname(dir) === dir) throw new Error("cannot find gitops-ingest's package.json above its code");
  }
}
