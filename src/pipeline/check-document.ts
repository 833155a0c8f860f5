/**
 * Validate + classify one document: is it a Kubernetes object, is it a Hedgehog kind we own,
 * and is it valid? Problems come out placed at the document's lines.
 */
import type { Finding } from "./hedgehog/finding.js";
import {
  findHedgehogKind,
  GENERATED_KINDS,
  HEDGEHOG_GROUPS,
  HEDGEHOG_KINDS,
  type HedgehogKind,
  RETIRED_VERSIONS,
  splitApiVersion,
} from "./hedgehog/kinds.js";
import { checkRules } from "./hedgehog/rules/index.js";
import { canonicalizeNulls, checkCanonicalSchema } from "./hedgehog/schema-check.js";
import type { LoadedDocument } from "./parse.js";
import { isObject, withoutServerFields } from "./server-fields.js";
import type { Identity, Problem } from "./types.js";

/** Lowercase RFC 1123 subdomain: also what keeps a name from escaping its folder. */
const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_NAME_LENGTH = 253;
const KIND_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,62}$/;

export type Classified =
  | { target: "managed"; hedgehog: HedgehogKind; identity: Identity; object: Record<string, unknown> }
  | { target: "unmanaged"; identity: Identity; apiVersion: string };

export interface CheckedDocument {
  apiVersion?: string;
  kind?: string;
  name?: string;
  problems: Problem[];
  /** Present when the document may be written (it may still carry warnings). */
  classified?: Classified;
}

export function checkDocument(doc: LoadedDocument): CheckedDocument {
  const findings: Finding[] = [];
  const place = (): Problem[] => findings.map((f) => placeFinding(doc, f));
  const value = doc.value;
  if (!isObject(value)) {
    findings.push(notKubernetes("the document is not a mapping"));
    return { problems: place() };
  }
  const apiVersion = typeof value.apiVersion === "string" ? value.apiVersion : undefined;
  const kind = typeof value.kind === "string" ? value.kind : undefined;
  const metadata = isObject(value.metadata) ? value.metadata : undefined;
  const name = typeof metadata?.name === "string" ? metadata.name : undefined;
  const namespace = typeof metadata?.namespace === "string" ? metadata.namespace : undefined;
  const result: CheckedDocument = { apiVersion, kind, name, problems: [] };

  if (!apiVersion) findings.push(missingOrNotString(value.apiVersion, ["apiVersion"], "apiVersion"));
  if (!kind) findings.push(missingOrNotString(value.kind, ["kind"], "kind"));
  else if (!KIND_PATTERN.test(kind))
    findings.push(error(["kind"], "kind", `kind "${kind}" is not a valid Kubernetes kind`));
  if (!name) findings.push(missingOrNotString(metadata?.name, ["metadata", "name"], "metadata.name"));
  else findings.push(...checkName(name));
  if (!apiVersion && !kind) {
    result.problems = [placeFinding(doc, notKubernetes("it has no apiVersion and no kind"))];
    return result;
  }
  if (findings.length > 0 || !apiVersion || !kind || !name) {
    result.problems = place();
    return result;
  }

  const { group, version } = splitApiVersion(apiVersion);
  const generated = GENERATED_KINDS.get(`${group}/${kind}`);
  if (generated) {
    findings.push(
      error(
        ["kind"],
        "generated-kind",
        `${kind} is not authored by users: ${generated}`,
        "remove this document from raw/",
      ),
    );
  } else if (HEDGEHOG_GROUPS.has(group)) {
    const hedgehog = findHedgehogKind(group, kind);
    if (!hedgehog) {
      findings.push(unknownHedgehogKind(group, kind));
    } else if (version !== hedgehog.version) {
      const replacement = RETIRED_VERSIONS.get(version);
      findings.push(
        error(
          ["apiVersion"],
          replacement ? "retired-version" : "unsupported-version",
          replacement
            ? `apiVersion ${apiVersion} is retired and no longer served`
            : `apiVersion ${apiVersion} is not served for ${kind}`,
          `use apiVersion: ${group}/${hedgehog.version}`,
        ),
      );
    } else {
      const object = canonicalizeNulls(kind, withoutServerFields(value)) as Record<string, unknown>;
      const schemaFindings = checkCanonicalSchema(kind, object);
      findings.push(...schemaFindings);
      // Rules read typed values: run them only on documents the schema accepts.
      if (!schemaFindings.some((f) => f.level === "error")) findings.push(...checkRules(hedgehog, object));
      result.problems = place();
      if (!result.problems.some((p) => p.level === "error")) {
        result.classified = {
          target: "managed",
          hedgehog,
          identity: { group, kind, namespace: "default", name },
          object,
        };
      }
      return result;
    }
  } else {
    result.classified = {
      target: "unmanaged",
      identity: { group, kind, namespace: namespace ?? "", name },
      apiVersion,
    };
  }
  result.problems = place();
  if (result.problems.some((p) => p.level === "error")) delete result.classified;
  return result;
}

function checkName(name: string): Finding[] {
  if (name.length > MAX_NAME_LENGTH) {
    return [
      error(
        ["metadata", "name"],
        "name-too-long",
        `name is ${name.length} characters, over the limit of ${MAX_NAME_LENGTH}`,
      ),
    ];
  }
  if (!NAME_PATTERN.test(name)) {
    return [
      error(
        ["metadata", "name"],
        "invalid-name",
        `name ${JSON.stringify(name)} is not a lowercase RFC 1123 name`,
        "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
      ),
    ];
  }
  return [];
}

function unknownHedgehogKind(group: string, kind: string): Finding {
  const known = HEDGEHOG_KINDS.filter((k) => k.group === group).map((k) => k.kind);
  const near = known.find((k) => k.toLowerCase() === kind.toLowerCase());
  return error(
    ["kind"],
    "unknown-kind",
    `${group} has no kind ${kind}`,
    near ? `did you mean ${near}?` : `kinds of ${group}: ${known.join(", ")}`,
  );
}

function placeFinding(doc: LoadedDocument, finding: Finding): Problem {
  const position = doc.positionOf(finding.path);
  const problem: Problem = {
    level: finding.level,
    code: finding.code,
    message: finding.message,
    ...position,
  };
  if (finding.hint) problem.hint = finding.hint;
  if (finding.path.length > 0) problem.path = finding.path;
  return problem;
}

function error(path: Finding["path"], code: string, message: string, hint?: string): Finding {
  return hint ? { level: "error", code, message, hint, path } : { level: "error", code, message, path };
}

/** A required string field that is absent, or present as another type (`name: 1234` reads as a number). */
function missingOrNotString(value: unknown, path: Finding["path"], field: string): Finding {
  if (value === undefined || value === null || value === "")
    return error(path, "missing-field", `missing required field "${field}"`);
  const type = Array.isArray(value)
    ? "a list"
    : typeof value === "object"
      ? "a map"
      : `the ${typeof value} ${String(value)}`;
  return error(
    path,
    "wrong-type",
    `${field} must be a string, not ${type}`,
    typeof value === "object" ? undefined : `quote it: ${path.at(-1)}: "${String(value)}"`,
  );
}

function notKubernetes(why: string): Finding {
  return error(
    [],
    "not-kubernetes",
    `not a Kubernetes object: ${why}`,
    "each document needs apiVersion, kind and metadata.name",
  );
}
