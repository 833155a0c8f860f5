#!/usr/bin/env node
// The CLI, compiled by `npm run build` (run by `npm install` through `prepare`), in this one process.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("gitops-ingest: dist/ is missing: run `npm run build` in the gitops-ingest folder\n");
  process.exit(2);
}
await import(main.href);
