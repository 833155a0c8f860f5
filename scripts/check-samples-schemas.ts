/**
 * Manual check (not part of the test suite): runs the Hedgehog schemas over the shared sample files
 * and prints which documents fail and why.
 *
 *   npx tsx scripts/check-samples-schemas.ts [samples-dir]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { findHedgehogKind, splitApiVersion } from "../src/pipeline/hedgehog/kinds.js";
import { checkSchema, showPath } from "../src/pipeline/hedgehog/schema-check.js";

const dir = process.argv[2] ?? "/work/shared/fixtures/hedgehog/samples";
const SERVER_FIELDS = [
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "managedFields",
  "selfLink",
];

/** What the normalize step strips before validation. */
function stripServerFields(doc: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = doc;
  const metadata = rest.metadata;
  if (typeof metadata === "object" && metadata !== null && !Array.isArray(metadata)) {
    const copy: Record<string, unknown> = { ...metadata };
    for (const field of SERVER_FIELDS) delete copy[field];
    rest.metadata = copy;
  }
  return rest;
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of readdirSync(dir).sort()) {
  if (!/\.ya?ml$/.test(file)) continue;
  const docs = parseAllDocuments(readFileSync(join(dir, file), "utf8"), { version: "1.2", uniqueKeys: true });
  if (!Array.isArray(docs)) continue;
  for (const [index, doc] of docs.entries()) {
    const value: unknown = doc.toJS();
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
    const { apiVersion, kind } = value as { apiVersion?: string; kind?: string };
    const { group, version } = splitApiVersion(String(apiVersion));
    const known = findHedgehogKind(group, String(kind));
    const label = `${file}#${index} ${kind} ${(value as { metadata?: { name?: string } }).metadata?.name ?? ""}`;
    if (known === undefined || known.version !== version) {
      skipped++;
      console.log(`SKIP ${label} (${apiVersion} is not a current Hedgehog kind)`);
      continue;
    }
    const findings = checkSchema(known.kind, stripServerFields(value as Record<string, unknown>));
    if (findings.length === 0) {
      passed++;
      continue;
    }
    failed++;
    console.log(`FAIL ${label}`);
    for (const f of findings)
      console.log(`     ${f.code} ${showPath(f.path)}: ${f.message}${f.hint ? ` (${f.hint})` : ""}`);
  }
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped (not a current Hedgehog kind)`);
