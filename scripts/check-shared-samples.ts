/**
 * `npm run check:samples`: every file of ../shared/fixtures/hedgehog/samples through the pipeline,
 * one verdict each, grouped so the README's figures can be checked. Needs ../shared (not part of the tests).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ingest } from "../src/pipeline/ingest.js";
import { formatProblem, locatedProblems } from "../src/report/text.js";
import { sharedFolder } from "./shared-fixtures.js";

const dir = sharedFolder("check:samples", "../shared/fixtures/hedgehog/samples");
const files = (await readdir(dir)).filter((f) => f !== "INDEX.md").sort();
const verdicts: Record<string, number> = {};
for (const name of files) {
  const root = "gitops/samples";
  const bytes = await readFile(join(dir, name));
  const { report } = ingest({
    sourceCommit: "0".repeat(40),
    current: new Map(),
    roots: [{ root, hasGitkeep: true, raw: [{ path: `${root}/raw/${name}`, bytes }] }],
  });
  const file = report.roots[0]?.files[0];
  const verdict = file?.verdict ?? "?";
  verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
  const errors = locatedProblems(report).filter((p) => p.level === "error");
  console.log(`${verdict.padEnd(9)} ${name}${errors.length ? ` (${errors.length} errors)` : ""}`);
  for (const p of errors.slice(0, 3))
    console.log(`          ${formatProblem(p).replace(`${root}/raw/`, "")}`);
}
console.log(
  `\n${files.length} files: ${Object.entries(verdicts)
    .map(([v, n]) => `${n} ${v}`)
    .join(", ")}`,
);
