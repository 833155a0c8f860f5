/** Turns a report into what the check run shows: conclusion, title, summary and annotations. */
import type { Annotation, CheckResult } from "../github/check-run.js";
import type { Level, Report } from "../pipeline/types.js";
import { budgetAnnotations } from "./annotation-budget.js";
import { summaryMarkdown } from "./markdown.js";
import { type LocatedProblem, locatedProblems } from "./text.js";
import { title, totals } from "./totals.js";

const ANNOTATION_LEVEL: Record<Level, Annotation["annotation_level"]> = {
  error: "failure",
  warning: "warning",
  notice: "notice",
};

export function toAnnotation(p: LocatedProblem): Annotation {
  const line = p.line ?? 1;
  const annotation: Annotation = {
    path: p.file,
    start_line: line,
    end_line: line,
    annotation_level: ANNOTATION_LEVEL[p.level],
    message: p.hint ? `${p.message}\nHint: ${p.hint}` : p.message,
    title: p.code,
  };
  // GitHub accepts columns only on single-line annotations.
  if (p.column) {
    annotation.start_column = p.column;
    annotation.end_column = p.column;
  }
  return annotation;
}

export function checkResult(report: Report, commitSha?: string): CheckResult {
  const t = totals(report);
  // No root at all: the push did not concern a fabric. A root with an empty inbox: nothing to do, which is fine.
  const conclusion = t.rejectedFiles > 0 ? "failure" : report.roots.length === 0 ? "neutral" : "success";
  const budget = budgetAnnotations(locatedProblems(report));
  const context = { ...(commitSha ? { commitSha } : {}), notAnnotated: budget.left };
  return {
    conclusion,
    title: title(report),
    summary: summaryMarkdown(report, context),
    annotations: budget.annotated.map(toAnnotation),
  };
}
