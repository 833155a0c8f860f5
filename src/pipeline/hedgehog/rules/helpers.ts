/**
 * Shared plumbing for the rule files: defensive access to a schema-checked value (the rules must
 * never throw on odd shapes) and a collector that builds findings with a readable field name.
 */
import type { JsonPath, Level } from "../../types.js";
import type { Finding } from "../finding.js";

export type Obj = Record<string, unknown>;

export function asObj(v: unknown): Obj | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function asStr(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** A string, or undefined when absent or empty (Go treats "" as "not set"). */
export function asSet(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function asNum(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function asArr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Entries of a map-valued field (empty when it is not an object). */
export function entriesOf(v: unknown): [string, unknown][] {
  const o = asObj(v);
  return o ? Object.entries(o) : [];
}

/** Whether a field holds something Go would see as set: not absent, not "", 0, false, [] or {}. */
export function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === "" || v === 0 || v === false) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Renders a path the way users read it: spec.subnets.default.vlan, spec.ranges[1].from, spec.interfaces["eth0.1"]. */
export function pathText(path: JsonPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (PLAIN_KEY.test(part)) out += out === "" ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === "" ? "(document)" : out;
}

/** A value as quoted in a message: strings in double quotes, the rest as JSON. */
export function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Collects the findings of one document. */
export class Findings {
  readonly list: Finding[] = [];

  add(level: Level, code: string, path: JsonPath, message: string, hint?: string): void {
    const finding: Finding = { level, code, message, path: [...path] };
    if (hint !== undefined) finding.hint = hint;
    this.list.push(finding);
  }

  error(code: string, path: JsonPath, message: string, hint?: string): void {
    this.add("error", code, path, message, hint);
  }

  warning(code: string, path: JsonPath, message: string, hint?: string): void {
    this.add("warning", code, path, message, hint);
  }
}

/** Values that occur more than once, with the index of every repeat (first occurrence excluded). */
export function repeats<T>(values: readonly T[]): { value: T; index: number }[] {
  const seen = new Set<T>();
  const out: { value: T; index: number }[] = [];
  values.forEach((value, index) => {
    if (seen.has(value)) out.push({ value, index });
    seen.add(value);
  });
  return out;
}

/** Reports a field Go requires (after defaulting) when it is absent or empty; true when present. */
export function checkRequired(out: Findings, value: unknown, path: JsonPath, hint: string): boolean {
  if (value !== undefined && value !== null && value !== "" && value !== 0) return true;
  out.error("required", path, `${pathText(path)} is required`, hint);
  return false;
}
