/**
 * Which problems become check-run annotations. GitHub takes 50 per request and a repository's
 * content-creating requests are rate limited, so a run annotates at most a bounded number, the most
 * severe first. A flooded file cannot take them all: every file first gets a fair share, then what
 * is left of the budget goes in severity order, up to a cap per file. The rest is counted in the summary.
 */
import type { Level } from "../pipeline/types.js";
import type { LocatedProblem } from "./text.js";

/** Annotations per run (5 requests of 50). */
export const MAX_ANNOTATIONS = 250;
/** Annotations every file gets before any file gets more. */
export const FAIR_SHARE_PER_FILE = 10;
/** Annotations per file at most (the pipeline keeps at most 100 problems per file anyway). */
export const MAX_ANNOTATIONS_PER_FILE = 100;

const SEVERITY: Record<Level, number> = { error: 0, warning: 1, notice: 2 };

export interface AnnotationBudget {
  annotated: LocatedProblem[];
  /** Problems left out, by level. */
  left: Record<Level, number>;
}

/** Picks the annotated problems: by severity, then in report order (file, then line), within both caps. */
export function budgetAnnotations(problems: readonly LocatedProblem[]): AnnotationBudget {
  const ranked = problems
    .map((problem, order) => ({ problem, order }))
    .sort((a, b) => SEVERITY[a.problem.level] - SEVERITY[b.problem.level] || a.order - b.order);
  const perFile = new Map<string, number>();
  const chosen = new Set<(typeof ranked)[number]>();
  for (const cap of [FAIR_SHARE_PER_FILE, MAX_ANNOTATIONS_PER_FILE]) {
    for (const entry of ranked) {
      if (chosen.size >= MAX_ANNOTATIONS) break;
      const used = perFile.get(entry.problem.file) ?? 0;
      if (chosen.has(entry) || used >= cap) continue;
      perFile.set(entry.problem.file, used + 1);
      chosen.add(entry);
    }
  }
  const left: Record<Level, number> = { error: 0, warning: 0, notice: 0 };
  for (const entry of ranked) if (!chosen.has(entry)) left[entry.problem.level]++;
  // Shown in report order, so a file's annotations read top to bottom.
  const annotated = [...chosen].sort((a, b) => a.order - b.order).map((c) => c.problem);
  return { annotated, left };
}
