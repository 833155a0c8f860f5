/**
 * What a pull request's check run says: the push's report in the conditional ("Would ingest …"),
 * the hand edits of managed/ with their problems, and a field-level diff of every update.
 */
import type { CheckResult } from "../github/check-run.js";
import type { FileReport, Report } from "../pipeline/types.js";
import { budgetAnnotations } from "./annotation-budget.js";
import { toAnnotation } from "./check-result.js";
import { diffMarkdown, type UpdatedResource } from "./field-diff.js";
import { summaryMarkdown } from "./markdown.js";
import { formatProblem, locatedProblems } from "./text.js";
import { totals } from "./totals.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function previewTitle(report: Report, handEdits: readonly FileReport[]): string {
  const t = totals(report);
  const badEdits = handEdits.filter((f) => f.verdict === "rejected").length;
  if (t.rejectedFiles > 0) return `${t.rejectedFiles} of ${plural(t.files, "file")} would be rejected`;
  if (badEdits > 0)
    return `${plural(badEdits, "hand edit")} of managed/ ${badEdits === 1 ? "is" : "are"} invalid`;
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
  const t = totals(report);
  const badEdits = handEdits.filter((f) => f.verdict === "rejected").length;
  const handReport: Report = {
    sourceCommit: report.sourceCommit,
    roots: [{ root: "", files: [...handEdits], ignored: [], counts: {} }],
  };
  const handProblems = locatedProblems(handReport);
  // One budget for both: a flood of problems in raw/ must not hide the hand edits, nor the reverse.
  const budget = budgetAnnotations([...locatedProblems(report), ...handProblems]);
  const parts = [
    "Preview of this pull request: nothing is committed until it is merged.",
    summaryMarkdown(report, { notAnnotated: budget.left })
      .replace("No commit was made: nothing changed.", "")
      .trim(),
  ];
  if (handProblems.length > 0) {
    parts.push(
      `**Hand edits under \`managed/\`/\`unmanaged/\`** (never rewritten by the app):\n${handProblems
        .slice(0, 20)
        .map((p) => `- ${formatProblem(p).replace(/([\\`*_[\]<>|])/g, "\\$1")}`)
        .join(
          "\n",
        )}${handProblems.length > 20 ? `\n- … and ${handProblems.length - 20} more (see annotations)` : ""}`,
    );
  }
  const diff = diffMarkdown(updated);
  if (diff) parts.push(diff);
  return {
    conclusion: t.rejectedFiles > 0 || badEdits > 0 ? "failure" : "success",
    title: previewTitle(report, handEdits),
    summary: parts.filter((p) => p !== "").join("\n\n"),
    annotations: budget.annotated.map(toAnnotation),
  };
}
