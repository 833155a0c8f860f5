/**
 * `npm run bench` (not part of `npm test`): every figure of the "Fast" issue, each next to its
 * target and to the floor or baseline measured in the same run, written to bench/results.json.
 *   1. `plan` on 10,000 documents (one ~2 MB file) against js-yaml loadAll + dump of the same
 *      documents, in process (ingest()) and as a whole process;
 *   2. `check` on a 10-document inbox against the same kind of floor, whole process (start-up);
 *   3. peak RSS of `plan` on 50,000 documents in 10 files, above the CLI's own baseline;
 *   4. webhook → completed check for 1 / 100 / 1000 files (2 documents each), the app started as
 *      `npm start` does with production settings, against the GitHub stand-in over HTTP;
 *   5. GitHub requests of the 1000-file push (app token excluded).
 * Options: --quick (fewer runs; the figures are noisier).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliStartup } from "./cli-startup.js";
import { benchGithubPush } from "./github-push.js";
import { pipelineFloor } from "./pipeline-floor.js";

const quick = process.argv.includes("--quick");

interface Row {
  figure: string;
  value: string;
  against: string;
  target: string;
  met: boolean;
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);

async function main() {
  console.log("pipeline against the js-yaml floor (10,000 and 50,000 documents)…");
  const pipeline = pipelineFloor({ runs: quick ? 1 : 3 });
  console.log("CLI start-up against the floor…");
  const cli = cliStartup(quick ? 5 : 15);
  console.log("pushes through the app and the GitHub stand-in (production settings)…");
  const github = await benchGithubPush([1, 100, 1000]);

  const ten = pipeline.tenThousand;
  const mem = pipeline.memory;
  const push = (files: number) => github.pushes.find((p) => p.files === files);
  const p1 = push(1);
  const p100 = push(100);
  const p1000 = push(1000);
  const rows: Row[] = [
    {
      figure: "ingest() on 10,000 documents, in process",
      value: `${fmt(ten.ingestRatio)}× (${fmt(ten.ingestFastMs, 0)} ms)`,
      against: `floor ${fmt(ten.floorInProcessMs, 0)} ms; yaml path ${fmt(ten.ingestYamlPathMs, 0)} ms`,
      target: `≤ ${ten.target}×`,
      met: ten.ingestRatio <= ten.target,
    },
    {
      figure: "`plan` on 10,000 documents, whole process",
      value: `${fmt(ten.planRatio)}× (${fmt(ten.planProcessSeconds)} s)`,
      against: `floor ${fmt(ten.floorProcessSeconds)} s`,
      target: `≤ ${ten.target}×`,
      met: ten.planRatio <= ten.target,
    },
    {
      figure: "`check` on a 10-document inbox (start-up)",
      value: `${fmt(cli.ratio)}× (${fmt(cli.checkMs, 0)} ms)`,
      against: `floor ${fmt(cli.floorMs, 0)} ms (${cli.floor}); old tsx start ${fmt(cli.tsxMs, 0)} ms`,
      target: `≤ ${cli.target}×`,
      met: cli.ratio <= cli.target,
    },
    {
      figure: "peak RSS of `plan`, 50,000 documents in 10 files",
      value: `${fmt(mem.aboveBaselineMiB, 0)} MiB = ${fmt(mem.timesInput, 1)}× the input`,
      against: `input ${fmt(mem.inputMiB, 1)} MiB; CLI baseline ${fmt(mem.baselineRssMiB, 0)} MiB`,
      target: `≤ ${mem.target}× the input`,
      met: mem.timesInput <= mem.target,
    },
    ...[p1, p100, p1000].flatMap((p) =>
      p
        ? [
            {
              figure: `webhook → completed check, ${p.files} file${p.files === 1 ? "" : "s"} (${p.documents} documents)`,
              value: `${fmt(p.webhookToCheckMs / 1000)} s`,
              against: `${p.requests} requests, ${p.writes} content-creating`,
              target: p.files === 100 ? "≤ 2 s" : p.files === 1000 ? "≤ 8 s" : "—",
              met:
                p.files === 100
                  ? p.webhookToCheckMs <= github.targets.ms100
                  : p.files === 1000
                    ? p.webhookToCheckMs <= github.targets.ms1000
                    : true,
            },
          ]
        : [],
    ),
    {
      figure: "GitHub requests for a 1000-file push",
      value: String(p1000?.requests ?? "?"),
      against: p1000
        ? Object.entries(p1000.byKind)
            .map(([k, n]) => `${k} ×${n}`)
            .join(", ")
        : "",
      target: `≤ ${github.targets.requests1000}`,
      met: github.met.requests1000,
    },
  ];

  console.log("\n| figure | now | floor / baseline, same run | target | met |\n|---|---|---|---|---|");
  for (const r of rows)
    console.log(`| ${r.figure} | ${r.value} | ${r.against} | ${r.target} | ${r.met ? "yes" : "no"} |`);
  const file = join(import.meta.dirname, "results.json");
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), quick, rows, pipeline, cli, github }, null, 2)}\n`,
  );
  console.log(`\nwritten to ${file}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
