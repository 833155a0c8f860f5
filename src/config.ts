/**
 * The repository's `.github/gitops-ingest.yml`. Parsing is pure and never throws: a bad config
 * becomes a list of messages the check run shows, each naming its setting. The shape is checked
 * against the published JSON Schema (schema/gitops-ingest.schema.json, also for editors); root globs
 * get a closer look, because a glob that can never match would otherwise be silent.
 */
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";
import picomatch from "picomatch";
import schema from "../schema/gitops-ingest.schema.json" with { type: "json" };
import { DEFAULT_MAX_FILE_BYTES } from "./pipeline/decode.js";
import { DEFAULT_ROOT_GLOBS } from "./pipeline/discover.js";
import { isObject } from "./pipeline/server-fields.js";

export const CONFIG_FILE = "gitops-ingest.yml";

export interface IngestConfig {
  /** Branches to ingest on; empty = the repository's default branch. */
  branches: string[];
  roots: string[];
  archive: boolean;
  strict: boolean;
  /** Raw files larger than this are rejected unread. */
  maxFileBytes: number;
}

export const DEFAULT_CONFIG: IngestConfig = {
  branches: [],
  roots: [...DEFAULT_ROOT_GLOBS],
  archive: true,
  strict: false,
  maxFileBytes: DEFAULT_MAX_FILE_BYTES,
};

type Key = keyof IngestConfig;
const KEYS = Object.keys(schema.properties) as Key[];

/** What each setting must be, said the way a user fixes it. */
const EXPECTED: Record<Key, string> = {
  branches: "must be a list of non-empty strings",
  roots: "must be a non-empty list of globs (strings)",
  archive: "must be true or false",
  strict: "must be true or false",
  maxFileBytes: "must be a positive whole number of bytes",
};

export type ConfigResult = { config: IngestConfig; errors: [] } | { config: IngestConfig; errors: string[] };

let compiled: ValidateFunction | undefined;

/**
 * The schema's validator, compiled on first use: loading ajv and compiling costs tens of
 * milliseconds at every CLI start, and most checkouts have no config file (issue 9).
 */
function validator(): ValidateFunction {
  if (!compiled) {
    const { Ajv } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
    compiled = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }
  return compiled;
}

export function parseConfig(raw: unknown): ConfigResult {
  if (raw === null || raw === undefined) return { config: { ...DEFAULT_CONFIG }, errors: [] };
  if (!isObject(raw))
    return {
      config: { ...DEFAULT_CONFIG },
      errors: ["the configuration must be a mapping of keys to values"],
    };
  const errors: string[] = [];
  const wrong = new Set<Key>();
  const validate = validator();
  if (!validate(raw)) {
    for (const error of validate.errors ?? []) {
      const message = schemaMessage(error, raw, wrong);
      if (message && !errors.includes(message)) errors.push(message);
    }
  }
  const config: IngestConfig = { ...DEFAULT_CONFIG };
  const list = (value: unknown) => (typeof value === "string" ? [value] : (value as string[]));
  if (raw.branches !== undefined && !wrong.has("branches")) config.branches = list(raw.branches);
  if (raw.roots !== undefined && !wrong.has("roots")) {
    config.roots = list(raw.roots);
    config.roots.forEach((glob, i) => {
      const problem = rootGlobProblem(glob);
      if (problem)
        errors.push(`"roots"${Array.isArray(raw.roots) ? `[${i}]` : ""} ${JSON.stringify(glob)}: ${problem}`);
    });
  }
  for (const key of ["archive", "strict"] as const)
    if (typeof raw[key] === "boolean" && !wrong.has(key)) config[key] = raw[key];
  if (typeof raw.maxFileBytes === "number" && !wrong.has("maxFileBytes"))
    config.maxFileBytes = raw.maxFileBytes;
  return { config, errors };
}

/** One ajv error as a sentence naming its setting; root glob patterns are explained by rootGlobProblem. */
function schemaMessage(
  error: ErrorObject,
  raw: Record<string, unknown>,
  wrong: Set<Key>,
): string | undefined {
  if (error.keyword === "additionalProperties") {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const near = closest(key, KEYS);
    return `unknown key "${key}" (${near ? `did you mean "${near}"? ` : ""}known keys: ${KEYS.join(", ")})`;
  }
  const key = error.instancePath.split("/")[1] as Key | undefined;
  if (!key || !KEYS.includes(key)) return undefined;
  // Globs of the right shape that break the pattern get their own, more precise message.
  if (key === "roots" && isGlobList(raw.roots)) return undefined;
  wrong.add(key);
  return `"${key}" ${EXPECTED[key]}`;
}

function isGlobList(value: unknown): boolean {
  const list = typeof value === "string" ? [value] : value;
  return Array.isArray(list) && list.length > 0 && list.every((v) => typeof v === "string" && v !== "");
}

/** Why a root glob can never find an inbox, if it can't. The root is the parent of a folder named raw/. */
export function rootGlobProblem(glob: string): string | undefined {
  if (glob.includes("\\")) return 'use "/" to separate folders, not "\\"';
  if (glob.startsWith("/") || glob.startsWith("./"))
    return 'globs are relative to the repository root: remove the leading "/" or "./"';
  if (glob.endsWith("/")) return 'remove the trailing "/": the glob names the raw folder itself';
  if (glob.split("/").some((s) => s === "" || s === "." || s === ".."))
    return 'a glob has no empty, "." or ".." folders';
  if (!glob.endsWith("/raw"))
    return 'must end in "/raw": the app reads inboxes named raw/ and the fabric root is their parent folder (e.g. "fabrics/*/raw")';
  try {
    picomatch.makeRe(glob);
  } catch (error) {
    return `not a valid glob: ${(error as Error).message}`;
  }
  return undefined;
}

/** The known word a typo most likely meant (edit distance at most 2, ignoring case). */
function closest(word: string, known: readonly string[]): string | undefined {
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { word: candidate, distance };
  }
  return best?.word;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
