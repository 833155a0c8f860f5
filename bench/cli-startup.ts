/**
 * `npm run bench:cli`: how fast `gitops-ingest check` answers on a small inbox (10 documents in 10
 * files), whole process, against a floor: a bare `node` process that reads the same files and does
 * js-yaml `loadAll` + `dump` of the documents (the `yaml` package's parseAllDocuments + toString when
 * js-yaml is not installed; the output says which). Runs the two in alternation and compares
 * medians, so the ratio holds on a busy machine. Target: ≤ 3× the floor.
 * Also times the old start (tsx compiling src/ at start), for comparison.
 * Options: --runs N (default 15).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { manyVpcFiles } from "../test/support/fabric.js";

const project = join(import.meta.dirname, "..");
const require = createRequire(import.meta.url);

function floorLoader(): { name: string; script: string } {
  try {
    const jsYaml = pathToFileURL(require.resolve("js-yaml")).href;
    return {
      name: "js-yaml loadAll + dump",
      script: `import yaml from ${JSON.stringify(jsYaml)};
for (const docs of texts()) for (const d of yaml.loadAll(docs)) yaml.dump(d);`,
    };
  } catch {
    const yamlPackage = pathToFileURL(require.resolve("yaml")).href;
    return {
      name: "yaml parseAllDocuments + toString (js-yaml is not installed)",
      script: `import { parseAllDocuments } from ${JSON.stringify(yamlPackage)};
for (const docs of texts()) for (const d of parseAllDocuments(docs)) d.toString();`,
    };
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function timeProcess(args: string[], cwd: string): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

export interface CliStartupFigures {
  floor: string;
  runs: number;
  floorMs: number;
  checkMs: number;
  /** The old start (tsx compiling src/ at every start), for comparison. */
  tsxMs: number;
  ratio: number;
  target: number;
}

/** Whole-process `check` on a 10-document inbox against the floor, medians of `runs` alternated runs. */
export function cliStartup(runs = 15): CliStartupFigures {
  execFileSync(process.execPath, [join(project, "scripts", "build.mjs"), "--if-stale"], { stdio: "inherit" });
  const work = mkdtempSync(join(tmpdir(), "gitops-bench-cli-"));
  try {
    const checkout = join(work, "checkout");
    const files = manyVpcFiles(10);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(checkout, path)), { recursive: true });
      writeFileSync(join(checkout, path), text);
    }
    const loader = floorLoader();
    const floorScript = join(work, "floor.mjs");
    const paths = Object.keys(files).map((p) => join(checkout, p));
    writeFileSync(
      floorScript,
      `import { readFileSync } from "node:fs";
const texts = () => ${JSON.stringify(paths)}.map((p) => readFileSync(p, "utf8"));
${loader.script}
`,
    );
    const bin = join(project, "bin", "gitops-ingest.js");
    const tsx = require.resolve("tsx/cli");
    const cliMain = join(project, "src", "cli", "main.ts");
    const floor: number[] = [];
    const check: number[] = [];
    const viaTsx: number[] = [];
    timeProcess([bin, "check", checkout], work); // warm the file cache
    for (let i = 0; i < runs; i++) {
      floor.push(timeProcess([floorScript], work));
      check.push(timeProcess([bin, "check", checkout], work));
      if (i < Math.min(runs, 5)) viaTsx.push(timeProcess([tsx, cliMain, "check", checkout], work));
    }
    const floorMs = median(floor);
    const checkMs = median(check);
    return {
      floor: loader.name,
      runs,
      floorMs,
      checkMs,
      tsxMs: median(viaTsx),
      ratio: checkMs / floorMs,
      target: 3,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const runsArg = process.argv.indexOf("--runs");
  const f = cliStartup(runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15);
  const row = (label: string, ms: number) =>
    console.log(
      `${label.padEnd(48)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / f.floorMs).toFixed(2).padStart(6)}× the floor`,
    );
  console.log(`\ncheck on a 10-document inbox (10 files), whole process, median of ${f.runs} runs`);
  console.log(`floor: node + ${f.floor}\n`);
  row("floor", f.floorMs);
  row("gitops-ingest check (bin → dist/, one process)", f.checkMs);
  row("tsx src/cli/main.ts check (old start)", f.tsxMs);
  console.log(`\ntarget ≤ 3× the floor: ${f.ratio <= f.target ? "met" : "NOT met"} (${f.ratio.toFixed(2)}×)`);
}
