/**
 * What a pull request's check run says: the push's report in the conditional ("Would ingest …"),
 * the hand edits of managed/ with their problems, and a field-level diff of every update.
 */
import type { CheckResult } from "../github/check-run.js";
import type { FileReport, Report } from "../pipeline/types.js";
import { checkResult, handEditTitle } from "./check-result.js";
import type { UpdatedResource } from "./field-diff.js";
import { totals } from "./totals.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function previewTitle(report: Report, handEdits: readonly FileReport[]): string {
  const t = totals(report);
  const badEdits = handEdits.filter((f) => f.verdict === "rejected").length;
  if (t.rejectedFiles > 0) return `${t.rejectedFiles} of ${plural(t.files, "file")} would be rejected`;
  if (badEdits > 0) return handEditTitle(badEdits);
  if (t.files === 0)
    return handEdits.length > 0 ? "Managed files are valid" : "Nothing to ingest: no files wait in raw/";
  if (t.created + t.updated === 0 && t.emptyFiles === 0)
    return `Nothing would change: ${plural(t.unchanged, "resource")} unchanged`;
  return `Would ingest ${plural(t.resources, "resource")} from ${plural(t.files, "file")}`;
}

export function previewResult(
  report: Report,
  handEdits: readonly FileReport[],
  updated: readonly UpdatedResource[],
): CheckResult {
  const result = checkResult(report, undefined, { handEdits, updated });
  const summary = result.summary
    .replace("No commit was made: nothing changed.\n\n", "")
    .replace("No commit was made: nothing changed.", "");
  return {
    ...result,
    conclusion: result.conclusion === "neutral" ? "success" : result.conclusion,
    title: previewTitle(report, handEdits),
    summary: `Preview of this pull request: nothing is committed until it is merged.\n\n${summary.trim()}`,
  };
}
