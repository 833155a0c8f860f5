/**
 * Issue 9's parsing figures, measured in one run against the floor: js-yaml 4 `loadAll` + `dump`
 * of the same documents (what any tool must at least spend to read and write them).
 *   - 10,000 documents in one ~2 MB file: `ingest()` in process, and `plan` as a whole CLI process,
 *     each against the floor measured the same way (in process / as a process);
 *   - 50,000 documents in 10 files (~10 MB): peak RSS of `plan` above the CLI's own baseline (`plan`
 *     on an empty inbox), as a multiple of the input size.
 * Run alone: `npx tsx bench/pipeline-floor.ts` (prints JSON); `pipelineFloor()` returns the figures.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import jsYaml from "js-yaml";
import { discoverRoots, rootInputs } from "../src/pipeline/discover.js";
import { ingest } from "../src/pipeline/ingest.js";
import { type YamlLoader, yamlLoader } from "../src/pipeline/parse.js";
import type { IngestInput } from "../src/pipeline/types.js";
import { fastLoader } from "../src/pipeline/yaml/fast-load.js";

const REPO = join(import.meta.dirname, "..");
const BIN = join(REPO, "bin", "gitops-ingest.js");
const RAW = "gitops/hedgehog/fabric-1/raw";

/** One ~200-byte Hedgehog document, unique by number. */
function serverDoc(n: number): string {
  const name = `server-${String(n).padStart(5, "0")}`;
  return [
    "apiVersion: wiring.githedgehog.com/v1beta1",
    "kind: Server",
    "metadata:",
    `  name: ${name}`,
    "  labels:",
    `    rack: rack-${n % 40}`,
    `    row: row-${n % 7}`,
    "spec:",
    `  description: ${name} in rack ${n % 40}, row ${n % 7} (bench)`,
    "",
  ].join("\n");
}

/** `documents` documents spread over `files` files. */
export function workload(documents: number, files: number): Record<string, string> {
  const out: Record<string, string> = {};
  const per = Math.ceil(documents / files);
  for (let f = 0; f < files; f++) {
    const docs: string[] = [];
    for (let i = f * per; i < Math.min(documents, (f + 1) * per); i++) docs.push(serverDoc(i));
    out[`${RAW}/bench-${f}.yaml`] = `---\n${docs.join("---\n")}`;
  }
  return out;
}

const bytesOf = (files: Record<string, string>) =>
  Object.values(files).reduce((n, t) => n + Buffer.byteLength(t), 0);

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function timeIt(fn: () => void, runs: number): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function floorInProcess(files: Record<string, string>): void {
  for (const text of Object.values(files)) for (const doc of jsYaml.loadAll(text)) jsYaml.dump(doc);
}

function inputOf(files: Record<string, string>): IngestInput {
  const encoder = new TextEncoder();
  return {
    sourceCommit: "0123456789abcdef0123456789abcdef01234567",
    current: new Map(),
    roots: rootInputs(discoverRoots(Object.keys(files)), (path) => ({
      path,
      bytes: encoder.encode(files[path] ?? ""),
    })),
  };
}

function checkout(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "gitops-bench-"));
  mkdirSync(join(dir, RAW), { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

interface ProcessRun {
  seconds: number;
  maxRssMiB: number;
}

/** Runs a command under /usr/bin/time -v: wall time and peak RSS. Exit 1 (rejected files) is fine. */
function measured(args: string[]): ProcessRun {
  const { stderr } = spawnSync("/usr/bin/time", ["-v", ...args], {
    cwd: REPO,
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 1 << 26,
  });
  const wall = /Elapsed \(wall clock\) time \([^)]*\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  if (!wall || !rss) throw new Error(`could not measure ${args.join(" ")}: ${stderr.slice(-500)}`);
  return {
    seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]),
    maxRssMiB: Number(rss[1]) / 1024,
  };
}

/** The floor as a whole process: read the files, loadAll + dump every document. */
const FLOOR_SCRIPT = `
import { readFileSync, readdirSync } from "node:fs";
import jsYaml from "js-yaml";
const dir = process.argv[1];
for (const name of readdirSync(dir)) for (const doc of jsYaml.loadAll(readFileSync(dir + "/" + name, "utf8"))) jsYaml.dump(doc);
`;

function bestOf(runs: number, fn: () => ProcessRun): ProcessRun {
  const all = Array.from({ length: runs }, fn);
  return { seconds: median(all.map((r) => r.seconds)), maxRssMiB: Math.max(...all.map((r) => r.maxRssMiB)) };
}

export interface PipelineFloorFigures {
  tenThousand: {
    inputMiB: number;
    floorInProcessMs: number;
    ingestFastMs: number;
    ingestYamlPathMs: number;
    ingestRatio: number;
    floorProcessSeconds: number;
    planProcessSeconds: number;
    planRatio: number;
    target: number;
  };
  memory: {
    inputMiB: number;
    baselineRssMiB: number;
    planRssMiB: number;
    aboveBaselineMiB: number;
    timesInput: number;
    target: number;
  };
}

export function pipelineFloor(options: { runs?: number } = {}): PipelineFloorFigures {
  const runs = options.runs ?? 3;
  const ten = workload(10_000, 1);
  const tenInput = inputOf(ten);
  const floorInProcessMs = timeIt(() => floorInProcess(ten), runs);
  const ingestWith = (loader: YamlLoader) => timeIt(() => ingest(tenInput, loader), runs);
  const ingestFastMs = ingestWith(fastLoader);
  const ingestYamlPathMs = ingestWith(yamlLoader);

  const tenDir = checkout(ten);
  const floorProcess = bestOf(runs, () =>
    measured([process.execPath, "--input-type=module", "-e", FLOOR_SCRIPT, join(tenDir, RAW)]),
  );
  const planProcess = bestOf(runs, () => measured([process.execPath, BIN, "plan", tenDir]));
  rmSync(tenDir, { recursive: true, force: true });

  const fifty = workload(50_000, 10);
  const fiftyDir = checkout(fifty);
  const emptyDir = checkout({});
  const baseline = bestOf(1, () => measured([process.execPath, BIN, "plan", emptyDir]));
  const plan = bestOf(1, () => measured([process.execPath, BIN, "plan", fiftyDir]));
  rmSync(fiftyDir, { recursive: true, force: true });
  rmSync(emptyDir, { recursive: true, force: true });
  const fiftyMiB = bytesOf(fifty) / 1024 / 1024;
  const round = (n: number, digits = 2) => Number(n.toFixed(digits));
  return {
    tenThousand: {
      inputMiB: round(bytesOf(ten) / 1024 / 1024),
      floorInProcessMs: round(floorInProcessMs, 0),
      ingestFastMs: round(ingestFastMs, 0),
      ingestYamlPathMs: round(ingestYamlPathMs, 0),
      ingestRatio: round(ingestFastMs / floorInProcessMs),
      floorProcessSeconds: round(floorProcess.seconds),
      planProcessSeconds: round(planProcess.seconds),
      planRatio: round(planProcess.seconds / floorProcess.seconds),
      target: 2,
    },
    memory: {
      inputMiB: round(fiftyMiB),
      baselineRssMiB: round(baseline.maxRssMiB, 0),
      planRssMiB: round(plan.maxRssMiB, 0),
      aboveBaselineMiB: round(plan.maxRssMiB - baseline.maxRssMiB, 0),
      timesInput: round((plan.maxRssMiB - baseline.maxRssMiB) / fiftyMiB, 1),
      target: 8,
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(pipelineFloor({ runs: process.argv.includes("--quick") ? 1 : 3 }), null, 2));
}
