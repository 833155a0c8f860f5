/**
 * What an update changes, field by field: the current managed object against the new one, as
 * `spec.subnets.default.vlan: 1001 → 1002` lines, collapsed in a `<details>` block of bounded size
 * (a check-run summary is limited to 65,535 characters, and a reviewer reads the first screen).
 */
import type { JsonPath } from "../pipeline/types.js";

export interface FieldChange {
  path: JsonPath;
  change: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

export interface UpdatedResource {
  /** The managed file, e.g. gitops/f/managed/vpcs/vpc-1.yaml. */
  path: string;
  before: unknown;
  after: unknown;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Leaves that differ between two JSON-like values; maps by key, lists by position. */
export function fieldChanges(before: unknown, after: unknown, path: JsonPath = []): FieldChange[] {
  if (isMap(before) && isMap(after)) {
    const out: FieldChange[] = [];
    for (const key of Object.keys(before)) {
      if (key in after) out.push(...fieldChanges(before[key], after[key], [...path, key]));
      else out.push({ path: [...path, key], change: "removed", before: before[key] });
    }
    for (const key of Object.keys(after))
      if (!(key in before)) out.push({ path: [...path, key], change: "added", after: after[key] });
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: FieldChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= after.length) out.push({ path: [...path, i], change: "removed", before: before[i] });
      else if (i >= before.length) out.push({ path: [...path, i], change: "added", after: after[i] });
      else out.push(...fieldChanges(before[i], after[i], [...path, i]));
    }
    return out;
  }
  return sameValue(before, after) ? [] : [{ path, change: "changed", before, after }];
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface DiffLimits {
  /** Changes shown per resource. */
  perResource: number;
  /** Characters of the whole block. */
  maxChars: number;
  /** Characters of one shown value. */
  valueChars: number;
}

export const DEFAULT_DIFF_LIMITS: DiffLimits = { perResource: 20, maxChars: 20_000, valueChars: 80 };

/** The `<details>` block for a summary, or "" when nothing was updated. */
export function diffMarkdown(updated: readonly UpdatedResource[], limits = DEFAULT_DIFF_LIMITS): string {
  if (updated.length === 0) return "";
  const open = `<details><summary>What changes in ${updated.length} updated resource${updated.length === 1 ? "" : "s"}</summary>\n\n`;
  const close = "</details>";
  const blocks: string[] = [];
  let used = open.length + close.length;
  let shown = 0;
  for (const resource of updated) {
    const block = resourceBlock(resource, limits);
    // Keep room for the closing line that says how many were left out.
    if (used + block.length + 80 > limits.maxChars) break;
    blocks.push(block);
    used += block.length;
    shown++;
  }
  if (shown < updated.length)
    blocks.push(
      `… and ${updated.length - shown} more updated resource${updated.length - shown === 1 ? "" : "s"} not shown.\n\n`,
    );
  return `${open}${blocks.join("")}${close}`;
}

function resourceBlock(resource: UpdatedResource, limits: DiffLimits): string {
  const changes = fieldChanges(resource.before, resource.after);
  const lines = changes.slice(0, limits.perResource).map((c) => changeLine(c, limits.valueChars));
  if (changes.length > limits.perResource)
    lines.push(`# … and ${changes.length - limits.perResource} more changes`);
  if (changes.length === 0) lines.push("# formatting only: no field changed");
  return `\`${resource.path}\`\n\`\`\`diff\n${lines.join("\n")}\n\`\`\`\n\n`;
}

function changeLine(change: FieldChange, valueChars: number): string {
  const at = dotted(change.path);
  if (change.change === "added") return `+ ${at}: ${shown(change.after, valueChars)}`;
  if (change.change === "removed") return `- ${at}: ${shown(change.before, valueChars)}`;
  return `- ${at}: ${shown(change.before, valueChars)}\n+ ${at}: ${shown(change.after, valueChars)}`;
}

/** spec.subnets.default.vlan; list items as [0]; keys with dots quoted. */
export function dotted(path: JsonPath): string {
  if (path.length === 0) return "(document)";
  return path
    .map((segment, i) =>
      typeof segment === "number"
        ? `[${segment}]`
        : `${i === 0 ? "" : "."}${/^[\w-]+$/.test(segment) ? segment : JSON.stringify(segment)}`,
    )
    .join("");
}

function shown(value: unknown, max: number): string {
  const text = JSON.stringify(value) ?? "null";
  // Code fences in a value would end the block early.
  const safe = text.replace(/`/g, "'");
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}
