/** The ingestion commit's message: a subject that says what, a body that lists files, a trailer naming the source. */
import type { Report } from "../pipeline/types.js";
import { allFiles, totals } from "./totals.js";

export const SOURCE_TRAILER = "Gitops-Ingest-Source";
/** Files listed in the body before "… and N more". */
const MAX_LISTED = 200;

/**
 * A path as one line: git accepts newlines and other control characters in file names, and an
 * unquoted one could start a line of its own, such as a forged source trailer.
 */
const shown = (path: string): string =>
  [...path].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) ? JSON.stringify(path) : path;

export function commitMessage(report: Report): string {
  const t = totals(report);
  const roots = report.roots
    .filter((r) => r.files.some((f) => f.verdict !== "rejected"))
    .map((r) => shown(r.root));
  const changed = t.created + t.updated;
  const subject =
    `Ingest ${changed} resource${changed === 1 ? "" : "s"} from ${t.ingestedFiles + t.emptyFiles} file` +
    `${t.ingestedFiles + t.emptyFiles === 1 ? "" : "s"}${roots.length === 1 ? ` into ${roots[0]}` : ""}`;
  const lines = [`Created ${t.created}, updated ${t.updated}, unchanged ${t.unchanged}.`, ""];
  const files = allFiles(report).filter((f) => f.verdict !== "rejected");
  for (const f of files.slice(0, MAX_LISTED)) {
    const docs = f.documents.length;
    lines.push(
      `- ${shown(f.path)}${f.archivePath ? ` -> ${shown(f.archivePath)}` : " (deleted)"} (${docs} document${docs === 1 ? "" : "s"})`,
    );
  }
  if (files.length > MAX_LISTED) lines.push(`- … and ${files.length - MAX_LISTED} more`);
  const moved = report.roots.flatMap((r) => r.moved ?? []);
  if (moved.length > 0) {
    lines.push("", `Moved to the unmanaged/<group>/<kind>/<namespace>/ layout: ${moved.length}`);
    for (const m of moved.slice(0, MAX_LISTED)) lines.push(`- ${shown(m.from)} -> ${shown(m.to)}`);
    if (moved.length > MAX_LISTED) lines.push(`- … and ${moved.length - MAX_LISTED} more`);
  }
  const rejected = allFiles(report).filter((f) => f.verdict === "rejected");
  if (rejected.length > 0) {
    lines.push("", `Left in raw/ (rejected): ${rejected.length} file${rejected.length === 1 ? "" : "s"}`);
    for (const f of rejected.slice(0, MAX_LISTED)) lines.push(`- ${shown(f.path)}`);
  }
  return `${subject}\n\n${lines.join("\n")}\n\n${SOURCE_TRAILER}: ${report.sourceCommit}\n`;
}

/** The source commit named by an ingestion commit's trailer, if it has one. */
export function sourceFromMessage(message: string): string | undefined {
  const match = new RegExp(`^${SOURCE_TRAILER}: ([0-9a-f]{40})\\s*$`, "m").exec(message);
  return match?.[1];
}
