/** The check run's Markdown summary: per root a kinds × actions table, rejected files, the commit. */
import type { Report, RootReport } from "../pipeline/types.js";
import { formatProblem, locatedProblems } from "./text.js";

/** How many problems of a rejected file the summary shows (all of them are annotations anyway). */
const PROBLEMS_PER_FILE = 5;

export interface SummaryContext {
  /** The ingestion commit, when one was made. */
  commitSha?: string;
  /** Anything else to say first (e.g. a configuration error). */
  preface?: string;
}

export function summaryMarkdown(report: Report, context: SummaryContext = {}): string {
  const parts: string[] = [];
  if (context.preface) parts.push(context.preface);
  if (report.roots.length === 0) parts.push("No files are waiting in any fabric root's `raw/` folder.");
  for (const root of report.roots) parts.push(rootSection(root));
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
  if (root.ignored.length > 0) {
    lines.push(
      "",
      `Left alone in \`raw/\` (not \`.yaml\`/\`.yml\`): ${root.ignored.map((p) => `\`${p}\``).join(", ")}`,
    );
  }
  const empty = root.files.filter((f) => f.verdict === "empty");
  if (empty.length > 0)
    lines.push("", `Empty files archived: ${empty.map((f) => `\`${f.path}\``).join(", ")}`);
  return lines.join("\n");
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, "\\$1");
}
