/**
 * Second step of `npm run build` (after tsc): writes ajv's standalone code for every kind's schema
 * next to the compiled schema-check.js, so the app and the CLI load ready validators instead of
 * compiling 15 schemas at every start. Plain JavaScript: runs on the build output, without tsx.
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const dist = join(import.meta.dirname, "..", "dist", "src", "pipeline", "hedgehog");
const load = (path) => import(pathToFileURL(join(dist, path)).href);
const { PRECOMPILED_VALIDATORS_FILE, schemaAjv } = await load("schema-check.js");
const { SCHEMAS } = await load("schemas/index.js");
const standalone = createRequire(import.meta.url)("ajv/dist/standalone").default;

const ajv = schemaAjv({ code: { source: true } });
for (const [kind, schema] of Object.entries(SCHEMAS)) ajv.addSchema(schema, kind);
const exports = Object.fromEntries(Object.keys(SCHEMAS).map((kind) => [kind, kind]));
writeFileSync(join(dist, PRECOMPILED_VALIDATORS_FILE), standalone(ajv, exports));
