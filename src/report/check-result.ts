/** Turns a report into what the check run shows: conclusion, title, summary and annotations. */
import type { Annotation, CheckResult } from "../github/check-run.js";
import type { FileReport, Level, Report } from "../pipeline/types.js";
import { budgetAnnotations } from "./annotation-budget.js";
import { diffMarkdown, type UpdatedResource } from "./field-diff.js";
import { escapeMarkdown, summaryMarkdown } from "./markdown.js";
import { formatProblem, type LocatedProblem, locatedProblems } from "./text.js";
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

export interface CheckExtras {
  /** Hand edits of managed/ and unmanaged/ in the change, checked (never rewritten). */
  handEdits?: readonly FileReport[];
  /** Updated resources with their current content, for the field-level diff. */
  updated?: readonly UpdatedResource[];
}

export function checkResult(report: Report, commitSha?: string, extras: CheckExtras = {}): CheckResult {
  const t = totals(report);
  const handEdits = extras.handEdits ?? [];
  const badEdits = handEdits.filter((f) => f.verdict === "rejected").length;
  const handProblems = locatedProblems({
    sourceCommit: report.sourceCommit,
    roots: [{ root: "", files: [...handEdits], ignored: [], counts: {} }],
  });
  // No root at all: the push did not concern a fabric. A root with an empty inbox: nothing to do, which is fine.
  const conclusion =
    t.rejectedFiles > 0 || badEdits > 0 ? "failure" : report.roots.length === 0 ? "neutral" : "success";
  // One budget for both: a flood of problems in raw/ must not hide the hand edits, nor the reverse.
  const budget = budgetAnnotations([...locatedProblems(report), ...handProblems]);
  const context = { ...(commitSha ? { commitSha } : {}), notAnnotated: budget.left };
  const parts = [
    summaryMarkdown(report, context),
    handEditSection(handProblems),
    diffMarkdown(extras.updated ?? []),
  ];
  return {
    conclusion,
    title:
      badEdits > 0 && t.rejectedFiles === 0 ? `${title(report)}; ${handEditTitle(badEdits)}` : title(report),
    summary: parts.filter((p) => p !== "").join("\n\n"),
    annotations: budget.annotated.map(toAnnotation),
  };
}

const HAND_EDITS_LISTED = 20;

export function handEditTitle(invalid: number): string {
  return `${invalid} hand edit${invalid === 1 ? "" : "s"} of managed/ invalid`;
}

function handEditSection(problems: readonly LocatedProblem[]): string {
  if (problems.length === 0) return "";
  const lines = problems.slice(0, HAND_EDITS_LISTED).map((p) => `- ${escapeMarkdown(formatProblem(p))}`);
  if (problems.length > HAND_EDITS_LISTED)
    lines.push(`- … and ${problems.length - HAND_EDITS_LISTED} more (see annotations)`);
  return `**Hand edits under \`managed/\` or \`unmanaged/\`** (the app never rewrites them):\n${lines.join("\n")}`;
}
