/** The resources a plan updates, paired with what their managed file holds now (for the field diff). */
import { yamlLoader } from "../pipeline/parse.js";
import type { Report } from "../pipeline/types.js";
import type { UpdatedResource } from "./field-diff.js";

const decoder = new TextDecoder();

/** Managed paths the report updates (their current content is what the diff needs). */
export function updatedPaths(report: Report): string[] {
  return report.roots
    .flatMap((r) => r.files)
    .filter((f) => f.verdict === "ingested")
    .flatMap((f) => f.documents)
    .flatMap((d) => (d.action === "updated" && d.outputPath ? [d.outputPath] : []));
}

/** Each updated resource with its current object; a file that can't be read or parsed is left out. */
export function updatedResources(
  report: Report,
  currentBytes: (path: string) => Uint8Array | undefined,
): UpdatedResource[] {
  const out: UpdatedResource[] = [];
  for (const doc of report.roots.flatMap((r) => r.files).flatMap((f) => f.documents)) {
    if (doc.action !== "updated" || !doc.outputPath) continue;
    const bytes = currentBytes(doc.outputPath);
    if (!bytes) continue;
    const before = yamlLoader.load(decoder.decode(bytes)).documents[0]?.value;
    if (before !== undefined) out.push({ path: doc.outputPath, before, after: doc.object });
  }
  return out;
}
