/** kubeconform-style lines: `file:line:col: level: message (hint)`. */
import type { Problem, Report } from "../pipeline/types.js";
import { allFiles } from "./totals.js";

export interface LocatedProblem extends Problem {
  file: string;
}

/** Every problem of a report with the file it belongs to, in file order then line order. */
export function locatedProblems(report: Report): LocatedProblem[] {
  const out: LocatedProblem[] = [];
  for (const path of report.roots.flatMap((r) => r.ignored)) {
    out.push({
      file: path,
      level: "notice",
      code: "not-yaml",
      message: "not a .yaml/.yml file: left in raw/ untouched",
      line: 1,
      column: 1,
    });
  }
  for (const file of allFiles(report)) {
    const problems = [...file.problems, ...file.documents.flatMap((d) => d.problems)];
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    for (const p of problems) out.push({ file: file.path, ...p });
  }
  return out;
}

export function formatProblem(p: LocatedProblem): string {
  const where = `${p.file}:${p.line ?? 1}:${p.column ?? 1}`;
  return `${where}: ${p.level}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`;
}
