/**
 * Which problems become check-run annotations. GitHub takes 50 per request and a repository's
 * content-creating requests are rate limited, so a run annotates at most a bounded number: the most
 * severe first, and no single file may take them all. Everything else is counted in the summary.
 */
import type { Level } from "../pipeline/types.js";
import type { LocatedProblem } from "./text.js";

/** Annotations per run (5 requests of 50). */
export const MAX_ANNOTATIONS = 250;
/** Annotations per file, so one flooded file leaves room for the others. */
export const MAX_ANNOTATIONS_PER_FILE = 25;

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
  const chosen: { problem: LocatedProblem; order: number }[] = [];
  const left: Record<Level, number> = { error: 0, warning: 0, notice: 0 };
  for (const entry of ranked) {
    const used = perFile.get(entry.problem.file) ?? 0;
    if (chosen.length >= MAX_ANNOTATIONS || used >= MAX_ANNOTATIONS_PER_FILE) {
      left[entry.problem.level]++;
      continue;
    }
    perFile.set(entry.problem.file, used + 1);
    chosen.push(entry);
  }
  // Shown in report order, so a file's annotations read top to bottom.
  chosen.sort((a, b) => a.order - b.order);
  return { annotated: chosen.map((c) => c.problem), left };
}
