/**
 * `npm run bench`: figures for the README's Performance section, printed as ratios so they mean
 * something on any machine.
 *   1. pipeline time ÷ YAML-parse-only time (how much validation, normalization and planning cost
 *      on top of reading the YAML at all);
 *   2. GitHub requests per push for 1, 10, 100 and 1000 raw files, through the real app and the
 *      GitHub stand-in (and the wall time of one push, for scale).
 * Options: --quick (fewer iterations and sizes, for a smoke run).
 */
import { performance } from "node:perf_hooks";
import { decodeYamlText } from "../src/pipeline/decode.js";
import { yamlLoader } from "../src/pipeline/parse.js";
import { startHarness } from "../test/support/e2e.js";
import { manyVpcFiles, sampleInbox, vpcYaml, wiringYaml } from "../test/support/fabric.js";
import { ingestTree } from "../test/support/pipeline.js";

const quick = process.argv.includes("--quick");
const encoder = new TextEncoder();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function time(fn: () => void, iterations: number): number {
  fn(); // warm up: schemas compile once per process
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function pipelineRatio(name: string, files: Record<string, string>, iterations: number) {
  const bytes = Object.values(files).map((t) => encoder.encode(t));
  const parseOnly = time(() => {
    for (const b of bytes) {
      const decoded = decodeYamlText(b);
      if ("text" in decoded) yamlLoader.load(decoded.text);
    }
  }, iterations);
  let documents = 0;
  const pipeline = time(() => {
    const result = ingestTree(files);
    documents = result.report.roots.flatMap((r) => r.files).reduce((n, f) => n + f.documents.length, 0);
  }, iterations);
  return {
    workload: name,
    files: bytes.length,
    documents,
    "parse ms": parseOnly.toFixed(1),
    "pipeline ms": pipeline.toFixed(1),
    "pipeline ÷ parse": (pipeline / parseOnly).toFixed(2),
    "µs per document": ((pipeline * 1000) / documents).toFixed(0),
  };
}

const bigFile: Record<string, string> = {
  "gitops/f/raw/big.yaml": Array.from({ length: 20 }, () => wiringYaml())
    .map((w, i) =>
      w
        .replaceAll(/name: ([a-z0-9-]+)/g, `name: $1-${i}`)
        .replaceAll(/port: ([a-z0-9-]+)\//g, `port: $1-${i}/`),
    )
    .join("---\n"),
};

console.log("\n1. Pipeline cost over YAML parsing alone (median of runs)\n");
console.table([
  pipelineRatio("48-resource inbox (3 files)", sampleInbox(), quick ? 5 : 30),
  pipelineRatio("one 920-document file", bigFile, quick ? 3 : 10),
  pipelineRatio("1000 one-VPC files", manyVpcFiles(1000), quick ? 2 : 5),
]);

console.log("\n2. GitHub requests per push (app + stand-in over HTTP, embedded database)\n");
const rows = [];
for (const n of quick ? [1, 10, 100] : [1, 10, 100, 1000]) {
  const h = await startHarness();
  try {
    // Warm the app (installation token, app slug) so the figures are per push, not per process.
    const warm = await h.push({ "gitops/warm-up/raw/w.yaml": vpcYaml("warm", 1, 1001) });
    await h.waitForChecks(warm.after);
    h.gh.resetLog();
    const files = manyVpcFiles(n);
    const start = performance.now();
    const pushed = await h.push(files);
    const [check] = await h.waitForChecks(pushed.after);
    const ms = performance.now() - start;
    const requests = h.gh.requests;
    const by = (m: (r: (typeof requests)[number]) => boolean) => requests.filter(m).length;
    rows.push({
      "raw files": n,
      conclusion: check?.conclusion,
      requests: requests.length,
      "requests per file": (requests.length / n).toFixed(3),
      reads: by((r) => r.method === "GET"),
      "graphql (blob batches)": by((r) => r.path.endsWith("graphql")),
      "tree writes": by((r) => r.method === "POST" && r.path.endsWith("/git/trees")),
      "check-run calls": by((r) => r.path.includes("check-runs")),
      "push → check ms": ms.toFixed(0),
    });
  } finally {
    await h.stop();
  }
}
console.table(rows);
