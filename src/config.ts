/**
 * The repository's `.github/gitops-ingest.yml`. Parsing is pure and never throws:
 * a bad config becomes a list of messages the check run shows.
 */
import picomatch from "picomatch";
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

const KEYS = ["branches", "roots", "archive", "strict", "maxFileBytes"] as const;

export type ConfigResult = { config: IngestConfig; errors: [] } | { config: IngestConfig; errors: string[] };

export function parseConfig(raw: unknown): ConfigResult {
  if (raw === null || raw === undefined) return { config: { ...DEFAULT_CONFIG }, errors: [] };
  if (!isObject(raw))
    return {
      config: { ...DEFAULT_CONFIG },
      errors: ["the configuration must be a mapping of keys to values"],
    };
  const errors: string[] = [];
  const config: IngestConfig = { ...DEFAULT_CONFIG };
  for (const key of Object.keys(raw)) {
    if (!(KEYS as readonly string[]).includes(key))
      errors.push(`unknown key "${key}" (known keys: ${KEYS.join(", ")})`);
  }
  const strings = (key: "branches" | "roots"): string[] | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    const list = typeof value === "string" ? [value] : value;
    if (!Array.isArray(list) || !list.every((v) => typeof v === "string" && v.trim() !== "")) {
      errors.push(`"${key}" must be a list of non-empty strings`);
      return undefined;
    }
    return list as string[];
  };
  const branches = strings("branches");
  if (branches) config.branches = branches;
  const roots = strings("roots");
  if (roots) {
    for (const glob of roots) {
      try {
        picomatch.makeRe(glob);
      } catch {
        errors.push(`"roots" has an invalid glob: ${glob}`);
      }
    }
    config.roots = roots;
  }
  for (const key of ["archive", "strict"] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== "boolean") errors.push(`"${key}" must be true or false`);
    else config[key] = value;
  }
  const maxFileBytes = raw.maxFileBytes;
  if (maxFileBytes !== undefined) {
    if (typeof maxFileBytes !== "number" || !Number.isSafeInteger(maxFileBytes) || maxFileBytes < 1) {
      errors.push(`"maxFileBytes" must be a positive whole number of bytes`);
    } else config.maxFileBytes = maxFileBytes;
  }
  return { config, errors };
}
