/** The check run's Markdown summary: per root a kinds × actions table, rejected files, the commit. */
import type { Level, Report, RootReport } from "../pipeline/types.js";
import { formatProblem, locatedProblems } from "./text.js";

/** How many problems of a rejected file the summary shows (the annotations show more). */
const PROBLEMS_PER_FILE = 5;
/** How many warnings of a root the summary lists: enough to see them without opening annotations. */
const WARNINGS_LISTED = 10;

export interface SummaryContext {
  /** The ingestion commit, when one was made. */
  commitSha?: string;
  /** Anything else to say first (e.g. a configuration error). */
  preface?: string;
  /** Problems left without an annotation (the run's annotation budget is spent), by level. */
  notAnnotated?: Record<Level, number>;
}

export function summaryMarkdown(report: Report, context: SummaryContext = {}): string {
  const parts: string[] = [];
  if (context.preface) parts.push(context.preface);
  if (report.roots.length === 0) parts.push("No files are waiting in any fabric root's `raw/` folder.");
  for (const root of report.roots) parts.push(rootSection(root));
  const left = context.notAnnotated;
  const leftTotal = left ? left.error + left.warning + left.notice : 0;
  if (left && leftTotal > 0) {
    parts.push(
      `${leftTotal} more problem${leftTotal === 1 ? " is" : "s are"} not annotated (${left.error} errors, ${left.warning} warnings, ${left.notice} notices): ` +
        "a run annotates the most severe first, a bounded number per file. `gitops-ingest check` lists them all.",
    );
  }
  if (context.commitSha) parts.push(`Ingestion commit: \`${context.commitSha}\``);
  else if (report.roots.length > 0) parts.push("No commit was made: nothing changed.");
  return parts.join("\n\n");
}

function rootSection(root: RootReport): string {
  const lines = [`### \`${root.root}\``];
  const kinds = Object.keys(root.counts).sort();
  if (kinds.length > 0) {
    lines.push("", "| kind | created | updated | unchanged |", "|---|---:|---:|---:|");
    for (const kind of kinds) {
      const c = root.counts[kind];
      if (c) lines.push(`| ${kind} | ${c.created} | ${c.updated} | ${c.unchanged} |`);
    }
  }
  const rejected = root.files.filter((f) => f.verdict === "rejected");
  if (rejected.length > 0) {
    lines.push("", `**Rejected (left in \`raw/\` untouched):**`);
    for (const file of rejected) {
      const problems = locatedProblems({ sourceCommit: "", roots: [{ ...root, files: [file] }] }).filter(
        (p) => p.level === "error",
      );
      lines.push(`- \`${file.path}\`: ${problems.length} error${problems.length === 1 ? "" : "s"}`);
      for (const p of problems.slice(0, PROBLEMS_PER_FILE))
        lines.push(`  - ${escapeMarkdown(formatProblem(p))}`);
      if (problems.length > PROBLEMS_PER_FILE)
        lines.push(`  - … and ${problems.length - PROBLEMS_PER_FILE} more (see annotations)`);
    }
  }
  const warnings = locatedProblems({ sourceCommit: "", roots: [root] }).filter((p) => p.level === "warning");
  if (warnings.length > 0) {
    lines.push("", `**Warnings: ${warnings.length}**`);
    for (const p of warnings.slice(0, WARNINGS_LISTED)) lines.push(`- ${escapeMarkdown(formatProblem(p))}`);
    if (warnings.length > WARNINGS_LISTED)
      lines.push(`- … and ${warnings.length - WARNINGS_LISTED} more (see annotations)`);
  }
  if (root.ignored.length > 0) {
    lines.push(
      "",
      `Left alone in \`raw/\` (not \`.yaml\`/\`.yml\`): ${root.ignored.map((p) => `\`${p}\``).join(", ")}`,
    );
  }
  if (root.submodules && root.submodules.length > 0) {
    lines.push("", `Submodules left alone in \`raw/\`: ${root.submodules.map((p) => `\`${p}\``).join(", ")}`);
  }
  if (root.moved && root.moved.length > 0) {
    lines.push(
      "",
      `Moved ${root.moved.length} unmanaged file${root.moved.length === 1 ? "" : "s"} to the \`unmanaged/<group>/<kind>/<namespace>/\` layout.`,
    );
  }
  const empty = root.files.filter((f) => f.verdict === "empty");
  if (empty.length > 0)
    lines.push("", `Empty files archived: ${empty.map((f) => `\`${f.path}\``).join(", ")}`);
  return lines.join("\n");
}

export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, "\\$1");
}
