/** check, plan and apply: the pipeline on a checkout or on loose YAML, printed in the chosen format. */
import { buffer } from "node:stream/consumers";
import { setFlagsFromString } from "node:v8";
import { applyPlan } from "../local/checkout.js";
import { filesAtRef } from "../local/git-base.js";
import { ingest } from "../pipeline/ingest.js";
import type { IngestInput } from "../pipeline/types.js";
import { totals } from "../report/totals.js";
import { type ParsedCommand, positiveInteger, rootGlobs } from "./args.js";
import { painter, useColour } from "./colour.js";
import { render } from "./formats.js";
import { displayReport, readInputs } from "./inputs.js";
import { UsageError } from "./usage-error.js";

/**
 * A run of check, plan or apply is one short batch: V8's young generation would otherwise grow to
 * 32 MiB as it allocates, which is most of the peak memory of a large run. Kept at its starting size,
 * garbage goes in small, frequent steps: 50,000 documents peak about 30 MiB lower for about 5% more
 * time (issue 9; V8 reads this flag when it would grow the space, so setting it now takes effect).
 */
function keepYoungGenerationSmall(): void {
  setFlagsFromString("--semi-space-growth-factor=1");
}

export async function localCommand(parsed: ParsedCommand): Promise<number> {
  keepYoungGenerationSmall();
  const { command, values, positionals, format } = parsed;
  const mode = command as "check" | "plan" | "apply";
  const inputs = await readInputs(positionals, {
    rootGlobs: rootGlobs(values["root-glob"] as string[] | undefined),
    ...(values.strict ? { strict: true } : {}),
    ...(values["no-archive"] ? { archive: false } : {}),
    maxFileBytes: positiveInteger("max-file-bytes", values["max-file-bytes"] as string | undefined),
    commit: values.commit as string | undefined,
    notice: (message) => process.stderr.write(`notice: ${message}\n`),
    stdin: async () => new Uint8Array(await buffer(process.stdin)),
  });
  if (mode === "apply" && inputs.kind !== "checkout") {
    throw new UsageError("apply writes into a checkout: give one folder with an inbox, not files or -");
  }
  const base = values.base as string | undefined;
  if (base !== undefined) {
    if (inputs.kind !== "checkout") throw new UsageError("--base needs a checkout folder, not files or -");
    inputs.input.current = await currentAt(inputs.base, base, inputs.input);
  }
  // Nothing here records objects, and only apply writes bytes: the rest is memory (issue 9).
  inputs.input.options = { ...inputs.input.options, reportObjects: false, planBytes: mode === "apply" };
  const result = ingest(inputs.input);
  if (mode === "apply" && inputs.kind === "checkout") await applyPlan(inputs.base, result.plan);
  const report = displayReport(result.report);
  const paint = painter(format === "text" && useColour(process.stdout, process.env));
  process.stdout.write(render({ ...result, report }, mode, format, paint));
  return totals(report).rejectedFiles > 0 ? 1 : 0;
}

/** managed/ and unmanaged/ of every root as they are at another ref: what a merge there would change. */
async function currentAt(dir: string, ref: string, input: IngestInput): Promise<Map<string, string>> {
  const owned = input.roots.flatMap((r) => [`${r.root}/managed/`, `${r.root}/unmanaged/`]);
  const current = new Map<string, string>();
  for (const [path, sha] of await filesAtRef(dir, ref))
    if (owned.some((prefix) => path.startsWith(prefix))) current.set(path, sha);
  return current;
}
