/**
 * A file can hold any number of broken documents (100,000 tiny ones is a real attack). The report
 * keeps at most MAX_PROBLEMS_PER_FILE problems of a file, the most severe first, and one closing
 * problem that counts the rest, so memory, the database and the check run stay bounded.
 */
import type { FileReport, Level, Problem } from "./types.js";

export const MAX_PROBLEMS_PER_FILE = 100;

const SEVERITY: Record<Level, number> = { error: 0, warning: 1, notice: 2 };

export function boundProblems(file: FileReport): void {
  const owners = [file.problems, ...file.documents.map((d) => d.problems)];
  const all: { problem: Problem; order: number }[] = [];
  for (const problems of owners) for (const problem of problems) all.push({ problem, order: all.length });
  if (all.length <= MAX_PROBLEMS_PER_FILE) return;
  all.sort((a, b) => SEVERITY[a.problem.level] - SEVERITY[b.problem.level] || a.order - b.order);
  const kept = new Set(all.slice(0, MAX_PROBLEMS_PER_FILE).map((e) => e.problem));
  const dropped = all.slice(MAX_PROBLEMS_PER_FILE).map((e) => e.problem);
  for (const problems of owners) {
    const keep = problems.filter((p) => kept.has(p));
    problems.splice(0, problems.length, ...keep);
  }
  const count = (level: Level) => dropped.filter((p) => p.level === level).length;
  const first = dropped.reduce((a, b) => ((b.line ?? 0) < (a.line ?? 0) ? b : a));
  file.problems.push({
    // As severe as the worst problem it stands for, so nothing reads milder than it is.
    level: count("error") > 0 ? "error" : count("warning") > 0 ? "warning" : "notice",
    code: "more-problems",
    message: `… and ${dropped.length} more problems in this file (${count("error")} errors, ${count("warning")} warnings, ${count("notice")} notices), not listed`,
    hint: "fix the ones listed and push again",
    line: first.line ?? 1,
    column: first.column ?? 1,
  });
}
