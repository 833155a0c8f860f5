/**
 * Structural validation of Hedgehog documents against the per-kind JSON Schemas, with ajv errors
 * turned into findings a person can act on (field named in the message, a fix in the hint).
 */
import { createRequire } from "node:module";
import type { Ajv, Options as AjvOptions, ErrorObject, ValidateFunction } from "ajv";
import type { JsonPath } from "../types.js";
import type { Finding } from "./finding.js";
import { EXPECTED_KEYWORD, VALUE_HINTS_KEYWORD } from "./schemas/common.js";
import { SCHEMAS } from "./schemas/index.js";

type SchemaNode = Readonly<Record<string, unknown>>;

const require = createRequire(import.meta.url);

/**
 * ajv's standalone code for every kind, written next to this file's compiled JavaScript by
 * `npm run build` (scripts/build-validators.mjs), exporting one validator per kind. Loading it
 * compiles nothing, which keeps the CLI's start-up short.
 */
export const PRECOMPILED_VALIDATORS_FILE = "validators.generated.cjs";

/**
 * The one ajv set-up for these schemas, used at run time (when no precompiled validators exist:
 * running from the TypeScript sources) and by the build that precompiles them (`code.source`).
 */
export function schemaAjv(extra: AjvOptions = {}): Ajv {
  // Loaded on demand: a start from the build never needs ajv's compiler.
  const { Ajv: AjvClass } = require("ajv") as typeof import("ajv");
  // verbose: errors then carry their schema, which is where allowed field names and hints live.
  const ajv = new AjvClass({ allErrors: true, verbose: true, strict: true, ...extra });
  ajv.addKeyword({ keyword: EXPECTED_KEYWORD, schemaType: "string" });
  ajv.addKeyword({ keyword: VALUE_HINTS_KEYWORD, schemaType: "object" });
  return ajv;
}

let validators: ReadonlyMap<string, ValidateFunction> | undefined;

/** The validators, loaded (or, from the sources, compiled) on first use, once per process. */
function compiledValidators(): ReadonlyMap<string, ValidateFunction> {
  validators ??= precompiledValidators() ?? compileValidators();
  return validators;
}

function precompiledValidators(): ReadonlyMap<string, ValidateFunction> | undefined {
  let module: Record<string, ValidateFunction>;
  try {
    module = require(`./${PRECOMPILED_VALIDATORS_FILE}`) as Record<string, ValidateFunction>;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === "MODULE_NOT_FOUND" && e.message.includes(PRECOMPILED_VALIDATORS_FILE)) return undefined;
    throw error;
  }
  return new Map(
    Object.keys(SCHEMAS).map((kind) => {
      const validate = module[kind];
      if (typeof validate !== "function") {
        throw new Error(`${PRECOMPILED_VALIDATORS_FILE} has no validator for ${kind}: run npm run build`);
      }
      return [kind, validate];
    }),
  );
}

function compileValidators(): ReadonlyMap<string, ValidateFunction> {
  const ajv = schemaAjv();
  return new Map(Object.entries(SCHEMAS).map(([kind, schema]) => [kind, ajv.compile(schema)]));
}

/**
 * Validates one document of a Hedgehog kind. The document is first passed through
 * `canonicalizeNulls`, so YAML nulls mean what they mean to Go. Returns no findings when valid.
 */
export function checkSchema(kind: string, value: unknown): Finding[] {
  return checkCanonicalSchema(kind, canonicalizeNulls(kind, value));
}

/** `checkSchema` for a document that already went through `canonicalizeNulls` (the pipeline's case). */
export function checkCanonicalSchema(kind: string, document: unknown): Finding[] {
  const validate = compiledValidators().get(kind);
  if (validate === undefined) {
    return [{ level: "error", code: "schema", message: `no schema for kind "${kind}"`, path: ["kind"] }];
  }
  if (validate(document)) return [];
  return ajvErrorsToFindings(validate.errors ?? [], document);
}

// ---------------------------------------------------------------------------------------------
// Null canonicalization

/**
 * Returns a copy of `value` with YAML nulls made the way Go decodes them, guided by the kind's
 * schema: a null field of a struct is removed (Go leaves the zero value, which the API server
 * drops), and a null value in a map of structs becomes `{}` (e.g. VPCPeering `permit: [{vpc-01: }]`).
 * Other nulls are kept so validation reports them, and so are nulls under unknown fields.
 */
export function canonicalizeNulls(kind: string, value: unknown): unknown {
  return canonicalize(SCHEMAS[kind] as SchemaNode | undefined, value);
}

function canonicalize(schema: SchemaNode | undefined, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = asSchema(schema?.items);
    return value.map((item) => canonicalize(items, item));
  }
  if (!isPlainObject(value)) return value;
  const properties = asSchema(schema?.properties);
  const mapValues = asSchema(schema?.additionalProperties);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = value[key];
    const field =
      properties !== undefined && Object.hasOwn(properties, key) ? asSchema(properties[key]) : undefined;
    if (field !== undefined) {
      if (item !== null) setOwn(out, key, canonicalize(field, item));
    } else if (mapValues !== undefined) {
      setOwn(out, key, item === null && mapValues.type === "object" ? {} : canonicalize(mapValues, item));
    } else {
      setOwn(out, key, item);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// ajv errors → findings

/**
 * Maps ajv errors (from a validator compiled with `verbose: true`) to findings on `document`.
 * Exported for tests; `checkSchema` is the entry point.
 */
export function ajvErrorsToFindings(errors: readonly ErrorObject[], document: unknown): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const error of collapseAlternatives(errors)) {
    const finding = toFinding(error, document);
    const key = JSON.stringify([finding.code, finding.message, finding.path]);
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}

/** A failed oneOf/anyOf yields one error per branch; keep only the oneOf/anyOf error itself. */
function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const roots = errors
    .filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf")
    .map((e) => `${e.schemaPath}/`);
  return errors.filter((e) => !roots.some((root) => e.schemaPath.startsWith(root)));
}

function toFinding(error: ErrorObject, document: unknown): Finding {
  // The value the error is about; for additionalProperties and required, the object holding the key.
  const instancePath = pointerToPath(error.instancePath, document);
  const schema = asSchema(error.parentSchema) ?? {};
  const params = error.params as Record<string, unknown>;
  const field = showPath(instancePath);
  const value = valueAt(document, instancePath);
  const expected =
    typeof schema[EXPECTED_KEYWORD] === "string" ? (schema[EXPECTED_KEYWORD] as string) : undefined;

  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const path = [...instancePath, key];
      const allowed = Object.keys(asSchema(schema.properties) ?? {});
      return finding(
        "unknown-field",
        `unknown field "${showPath(path)}"`,
        path,
        unknownFieldHint(key, allowed),
      );
    }
    case "required": {
      const key = String(params.missingProperty);
      const properties = asSchema(schema.properties) ?? {};
      const fieldExpected = asSchema(properties[key])?.[EXPECTED_KEYWORD];
      // A misspelt key next to the missing one is the usual cause: say so (it is also reported as unknown).
      const misspelt = isPlainObject(value)
        ? Object.keys(value).find((k) => !Object.hasOwn(properties, k) && didYouMean(k, [key]) !== undefined)
        : undefined;
      const hint =
        misspelt !== undefined
          ? `is "${misspelt}" a misspelling of "${key}"?`
          : typeof fieldExpected === "string"
            ? `add "${key}": ${fieldExpected}`
            : undefined;
      return finding(
        "missing-field",
        `missing required field "${showPath([...instancePath, key])}"`,
        instancePath,
        hint,
      );
    }
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hints = asSchema(schema[VALUE_HINTS_KEYWORD]);
      const valueHint = typeof value === "string" ? hints?.[value] : undefined;
      const hint =
        typeof valueHint === "string"
          ? valueHint
          : typeof value === "string"
            ? didYouMean(value, allowed)
            : undefined;
      return finding(
        "enum",
        `"${field}" must be one of: ${allowed.map(showEnumValue).join(", ")}`,
        instancePath,
        hint,
      );
    }
    case "type":
      return typeFinding(String(params.type), value, field, instancePath);
    case "const":
      return finding("schema", `"${field}" must be ${JSON.stringify(params.allowedValue)}`, instancePath);
    case "pattern":
      return finding(
        "schema",
        `"${field}" must be ${expected ?? `a string matching ${String(params.pattern)}`}, not ${JSON.stringify(value)}`,
        instancePath,
      );
    case "minimum":
    case "maximum":
      return finding(
        "schema",
        `"${field}" must be ${error.keyword === "minimum" ? "at least" : "at most"} ${String(params.limit)}, not ${String(value)}`,
        instancePath,
      );
    case "minItems":
    case "maxItems": {
      const limit = Number(params.limit);
      const bound = error.keyword === "minItems" ? "at least" : "at most";
      return finding(
        "schema",
        `"${field}" must have ${bound} ${limit} ${limit === 1 ? "entry" : "entries"}`,
        instancePath,
      );
    }
    case "oneOf":
    case "anyOf":
      return finding(
        "schema",
        `"${field}" does not match any allowed form${expected === undefined ? "" : `: expected ${expected}`}`,
        instancePath,
      );
    default:
      return finding("schema", `"${field}" ${error.message ?? "is invalid"}`, instancePath);
  }
}

function finding(code: string, message: string, path: JsonPath, hint?: string): Finding {
  return hint === undefined
    ? { level: "error", code, message, path }
    : { level: "error", code, message, hint, path };
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: "a map",
  array: "a list",
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "true or false",
  null: "empty (null)",
};

function typeFinding(expectedType: string, value: unknown, field: string, path: JsonPath): Finding {
  const actual = jsonType(value);
  const message = `"${field}" must be ${TYPE_NAMES[expectedType] ?? expectedType}, not ${TYPE_NAMES[actual] ?? actual}`;
  return finding("schema", message, path, typeHint(expectedType, value));
}

function typeHint(expectedType: string, value: unknown): string | undefined {
  if (value === null) return "the value is empty: give it a value or remove the key";
  if ((expectedType === "integer" || expectedType === "number") && typeof value === "string") {
    if (value.trim() !== "" && Number.isFinite(Number(value)))
      return `write the number without quotes: ${value.trim()}`;
  }
  if (expectedType === "string" && (typeof value === "number" || typeof value === "boolean")) {
    return `quote the value: "${String(value)}"`;
  }
  if (expectedType === "boolean" && typeof value === "string") {
    return `write true or false without quotes (YAML 1.2 reads ${JSON.stringify(value)} as a string)`;
  }
  if (expectedType === "array" && value !== undefined)
    return "write it as a YAML list (lines starting with '- ')";
  return undefined;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function unknownFieldHint(key: string, allowed: readonly string[]): string {
  if (allowed.length === 0) return "this object takes no fields: write {}";
  const suggestion = didYouMean(key, allowed);
  const list = `allowed fields here: ${allowed.join(", ")}`;
  return suggestion === undefined ? list : `${suggestion} ${list}`;
}

/** `did you mean "x"?` for the closest candidate within edit distance 2 (case-insensitive), if any. */
function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Short words are close to everything: demand that at most half the word changed.
  const close = bestDistance <= 2 && bestDistance * 2 <= word.length;
  return best !== undefined && close && best !== word ? `did you mean "${best}"?` : undefined;
}

/** Levenshtein distance with adjacent transpositions counted as one edit ("vlna" → "vlan" = 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, at(i - 2, j - 2) + 1);
      d[i * cols + j] = value;
    }
  }
  return at(a.length, b.length);
}

function showEnumValue(value: string): string {
  return value === "" ? '"" (empty)' : value;
}

// ---------------------------------------------------------------------------------------------
// Paths

/** Converts ajv's JSON pointer into a path, with array indexes as numbers (where the document has an array). */
function pointerToPath(pointer: string, document: unknown): JsonPath {
  if (pointer === "") return [];
  const path: (string | number)[] = [];
  let current: unknown = document;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(current)) {
      const index = Number(segment);
      path.push(index);
      current = current[index];
    } else {
      path.push(segment);
      current = isPlainObject(current) ? current[segment] : undefined;
    }
  }
  return path;
}

function valueAt(document: unknown, path: JsonPath): unknown {
  let current: unknown = document;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (isPlainObject(current) && typeof segment === "string") current = current[segment];
    else return undefined;
  }
  return current;
}

/** Renders a path the way people read it: spec.subnets.default.vlan, spec.links[0], spec.portSpeeds["E1/1"]. */
export function showPath(path: JsonPath): string {
  if (path.length === 0) return "(document)";
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asSchema(value: unknown): SchemaNode | undefined {
  return isPlainObject(value) ? value : undefined;
}

/** Sets a key even when it is "__proto__", which plain assignment would treat as the prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty only where it matters: it is several times slower than assignment (issue 9).
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
