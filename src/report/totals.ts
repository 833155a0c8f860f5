/** Figures derived from a report, shared by the check run, the CLI and the commit message. */
import type { FileReport, KindCounts, Report } from "../pipeline/types.js";

export interface Totals {
  files: number;
  ingestedFiles: number;
  rejectedFiles: number;
  emptyFiles: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Documents written or confirmed: created + updated + unchanged. */
  resources: number;
  errors: number;
  warnings: number;
}

export function allFiles(report: Report): FileReport[] {
  return report.roots.flatMap((r) => r.files);
}

export function totals(report: Report): Totals {
  const t: Totals = {
    files: 0,
    ingestedFiles: 0,
    rejectedFiles: 0,
    emptyFiles: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    resources: 0,
    errors: 0,
    warnings: 0,
  };
  for (const file of allFiles(report)) {
    t.files++;
    if (file.verdict === "ingested") t.ingestedFiles++;
    else if (file.verdict === "rejected") t.rejectedFiles++;
    else t.emptyFiles++;
    for (const p of [...file.problems, ...file.documents.flatMap((d) => d.problems)]) {
      if (p.level === "error") t.errors++;
      else if (p.level === "warning") t.warnings++;
    }
  }
  for (const root of report.roots) {
    for (const c of Object.values(root.counts)) addCounts(t, c);
  }
  t.resources = t.created + t.updated + t.unchanged;
  return t;
}

function addCounts(into: KindCounts, c: KindCounts): void {
  into.created += c.created;
  into.updated += c.updated;
  into.unchanged += c.unchanged;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** One line: what happened, e.g. "Ingested 48 resources from 3 files" or "2 of 5 files rejected". */
export function title(report: Report): string {
  const t = totals(report);
  const moved = report.roots.reduce((n, r) => n + (r.moved?.length ?? 0), 0);
  if (t.files === 0 && moved > 0) return `Moved ${plural(moved, "unmanaged file")} to the new layout`;
  if (t.files === 0) return "Nothing to do: no files wait in raw/";
  if (t.rejectedFiles > 0) return `${t.rejectedFiles} of ${plural(t.files, "file")} rejected`;
  if (t.created + t.updated === 0 && t.emptyFiles === 0)
    return `Nothing to do: ${plural(t.unchanged, "resource")} unchanged`;
  return `Ingested ${plural(t.resources, "resource")} from ${plural(t.files, "file")}`;
}
