/**
 * How check, plan and apply print their results: text (coloured on a terminal), json, github
 * (workflow commands), junit and tap (one test case per raw file; a rejected file fails).
 */
import type { IngestResult, Report } from "../pipeline/types.js";
import { formatProblem, githubCommand, type LocatedProblem, locatedProblems } from "../report/text.js";
import { allFiles, type Totals, title, totals } from "../report/totals.js";
import type { Format } from "./args.js";
import type { Paint } from "./colour.js";

export type Mode = "check" | "plan" | "apply";

export function render(result: IngestResult, mode: Mode, format: Format, paint: Paint): string {
  const { report } = result;
  const summary = mode === "check" ? checkSummary(totals(report)) : planTitle(report, mode);
  switch (format) {
    case "json":
      return `${JSON.stringify(mode === "check" ? checkJson(report) : planJson(result, mode), null, 2)}\n`;
    case "github":
      return lines([...locatedProblems(report).map(githubCommand), summary]);
    case "junit":
      return junit(report, summary);
    case "tap":
      return tap(report, summary);
    case "text":
      return mode === "check"
        ? lines([
            ...locatedProblems(report).map((p) => problemLine(p, paint)),
            paintSummary(report, summary, paint),
          ])
        : planText(report, mode, summary, paint);
  }
}

const lines = (list: string[]) => list.map((l) => `${l}\n`).join("");

function checkSummary(t: Totals): string {
  return `${t.files} files, ${t.ingestedFiles + t.emptyFiles} valid, ${t.rejectedFiles} rejected; ${t.errors} errors, ${t.warnings} warnings`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** plan speaks in the conditional (nothing happened); apply reports what it did. */
function planTitle(report: Report, mode: Mode): string {
  if (mode === "apply") return `${title(report)} (applied to the working tree)`;
  const t = totals(report);
  if (t.files === 0) return "Nothing to do: no files wait in raw/";
  if (t.rejectedFiles > 0) return `Would reject ${t.rejectedFiles} of ${plural(t.files, "file")}`;
  if (t.created + t.updated === 0 && t.emptyFiles === 0)
    return `Nothing to do: ${plural(t.unchanged, "resource")} unchanged`;
  return `Would ingest ${plural(t.resources, "resource")} from ${plural(t.files, "file")}`;
}

function problemLine(p: LocatedProblem, paint: Paint): string {
  const line = formatProblem(p);
  const colour = p.level === "error" ? "red" : p.level === "warning" ? "yellow" : "cyan";
  const at = line.indexOf(`: ${p.level}: `);
  return `${paint("bold", line.slice(0, at))}: ${paint(colour, p.level)}: ${line.slice(at + p.level.length + 4)}`;
}

function paintSummary(report: Report, summary: string, paint: Paint): string {
  return paint(totals(report).rejectedFiles > 0 ? "red" : "green", summary);
}

function planText(report: Report, mode: Mode, summary: string, paint: Paint): string {
  const out: string[] = [];
  const would = mode === "plan";
  for (const root of report.roots) {
    out.push(paint("bold", `${root.root}:`));
    for (const kind of Object.keys(root.counts).sort()) {
      const c = root.counts[kind];
      if (!c) continue;
      out.push(
        would
          ? `  ${kind}: ${c.created} to create, ${c.updated} to update, ${c.unchanged} unchanged`
          : `  ${kind}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`,
      );
    }
    for (const f of root.files.filter((x) => x.verdict !== "ingested")) {
      const verdict = would
        ? f.verdict === "rejected"
          ? "would reject"
          : `would skip (${f.verdict})`
        : f.verdict;
      out.push(`  ${f.verdict === "rejected" ? paint("red", verdict) : verdict}: ${f.path}`);
    }
  }
  for (const p of locatedProblems(report).filter((x) => x.level === "error")) out.push(problemLine(p, paint));
  out.push(paintSummary(report, summary, paint));
  return lines(out);
}

function checkJson(report: Report) {
  return { summary: totals(report), problems: locatedProblems(report) };
}

function planJson(result: IngestResult, mode: Mode) {
  const { report, plan } = result;
  return {
    title: planTitle(report, mode),
    dryRun: mode === "plan",
    applied: mode === "apply",
    totals: totals(report),
    roots: report.roots.map((r) => ({
      root: r.root,
      counts: r.counts,
      files: r.files.map((f) => ({
        path: f.path,
        verdict: f.verdict,
        archivePath: f.archivePath,
        problems: f.problems.length,
      })),
      rejected: r.files.filter((f) => f.verdict === "rejected").map((f) => f.path),
    })),
    changes: { writes: plan.writes.map((w) => ({ path: w.path, reason: w.reason })), deletes: plan.deletes },
  };
}

/** Problems grouped by file, every file of the report present (a clean file passes). */
function problemsByFile(report: Report): { file: string; rejected: boolean; problems: LocatedProblem[] }[] {
  const problems = locatedProblems(report);
  return allFiles(report).map((f) => ({
    file: f.path,
    rejected: f.verdict === "rejected",
    problems: problems.filter((p) => p.file === f.path),
  }));
}

const xml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function junit(report: Report, summary: string): string {
  const cases = problemsByFile(report);
  const failures = cases.filter((c) => c.rejected).length;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="gitops-ingest" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="${xml(summary)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`,
  ];
  for (const c of cases) {
    out.push(`    <testcase classname="gitops-ingest" name="${xml(c.file)}">`);
    const errors = c.problems.filter((p) => p.level === "error");
    if (c.rejected) {
      const first = errors[0];
      out.push(
        `      <failure message="${xml(first ? first.message : "rejected")}" type="${xml(first?.code ?? "rejected")}">${xml(errors.map(formatProblem).join("\n"))}</failure>`,
      );
    }
    const others = c.problems.filter((p) => p.level !== "error");
    if (others.length > 0)
      out.push(`      <system-out>${xml(others.map(formatProblem).join("\n"))}</system-out>`);
    out.push("    </testcase>");
  }
  out.push("  </testsuite>", "</testsuites>");
  return lines(out);
}

function tap(report: Report, summary: string): string {
  const cases = problemsByFile(report);
  const out = ["TAP version 13", `1..${cases.length}`];
  cases.forEach((c, i) => {
    out.push(`${c.rejected ? "not ok" : "ok"} ${i + 1} - ${c.file}`);
    for (const p of c.problems) out.push(`# ${formatProblem(p)}`);
  });
  out.push(`# ${summary}`);
  return lines(out);
}
