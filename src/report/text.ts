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
  for (const path of report.roots.flatMap((r) => r.submodules ?? [])) {
    out.push({
      file: path,
      level: "notice",
      code: "submodule",
      message: "a submodule (gitlink): never read, left in raw/ untouched",
      line: 1,
      column: 1,
    });
  }
  for (const { path, reason } of report.roots.flatMap((r) => r.unmoved ?? [])) {
    out.push({
      file: path,
      level: "warning",
      code: "unmanaged-layout",
      message: `in the old unmanaged/<kind>/<name>.yaml layout and not moved: ${reason}`,
      hint: "move it to unmanaged/<group>/<kind>/<namespace>/<name>.yaml (see the README)",
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

const GITHUB_LEVEL = { error: "error", warning: "warning", notice: "notice" } as const;

/** A GitHub Actions workflow command (`::error file=…,line=…::message`), escaped as the runner expects. */
export function githubCommand(p: LocatedProblem): string {
  const data = (v: string) => v.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const property = (v: string) => data(v).replace(/:/g, "%3A").replace(/,/g, "%2C");
  const where = `file=${property(p.file)},line=${p.line ?? 1},col=${p.column ?? 1},title=${property(p.code)}`;
  return `::${GITHUB_LEVEL[p.level]} ${where}::${data(p.hint ? `${p.message} (${p.hint})` : p.message)}`;
}
