/**
 * `npm run build`: TypeScript → dist/ (tsc -p tsconfig.build.json), then ajv's standalone
 * validators (build-validators.mjs). With --if-stale it does nothing when dist/ is newer than every
 * source file, so `npm start`, the tests and the bench can call it at no cost. Plain JavaScript:
 * it runs before anything is compiled.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const project = join(import.meta.dirname, "..");
const stamp = join(project, "dist", "src", "pipeline", "hedgehog", "validators.generated.cjs");
const SOURCES = [
  "src",
  "migrations",
  "package.json",
  "tsconfig.json",
  "tsconfig.build.json",
  "scripts/build.mjs",
  "scripts/build-validators.mjs",
];

function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const s = statSync(path);
    if (s.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const source of SOURCES) visit(join(project, source));
  return newest;
}

export function isStale() {
  return !existsSync(stamp) || statSync(stamp).mtimeMs < newestSource();
}

export function build() {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(project, "tsconfig.build.json")], { stdio: "inherit" });
  execFileSync(process.execPath, [join(project, "scripts", "build-validators.mjs")], { stdio: "inherit" });
}

if (import.meta.filename === process.argv[1]) {
  if (process.argv.includes("--if-stale") && !isStale()) process.exit(0);
  build();
}
