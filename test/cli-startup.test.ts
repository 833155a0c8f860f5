/**
 * The start-up path users run: bin → dist/ in one process, validators precompiled at build time
 * (ajv standalone code) and equal in their findings to the ones compiled from the schemas.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { checkSchema } from "../src/pipeline/hedgehog/schema-check.js";

const run = promisify(execFile);
const DIST_SCHEMA_CHECK = join(
  import.meta.dirname,
  "..",
  "dist",
  "src",
  "pipeline",
  "hedgehog",
  "schema-check.js",
);

const DOCUMENTS: [string, unknown][] = [
  [
    "VPC",
    {
      apiVersion: "vpc.githedgehog.com/v1beta1",
      kind: "VPC",
      metadata: { name: "v" },
      spec: { subnets: { s: { subnet: "10.0.0.0/24", vlna: 1 } } },
    },
  ],
  [
    "VPC",
    {
      apiVersion: "vpc.githedgehog.com/v1beta1",
      kind: "VPC",
      metadata: { name: "v" },
      spec: { subnets: { s: { subnet: 5, vlan: "x" } } },
    },
  ],
  [
    "Switch",
    {
      apiVersion: "wiring.githedgehog.com/v1beta1",
      kind: "Switch",
      metadata: { name: "s" },
      spec: { role: "leaf", boot: 3 },
    },
  ],
  [
    "Connection",
    {
      apiVersion: "wiring.githedgehog.com/v1beta1",
      kind: "Connection",
      metadata: { name: "c" },
      spec: { unbundled: {} },
    },
  ],
];

/** Runs checkSchema from dist/ in a fresh node process; reports whether ajv's compiler was loaded. */
async function fromDist(): Promise<{ findings: unknown[]; compilerLoaded: boolean }> {
  const script = `
    import { createRequire } from "node:module";
    const { checkSchema } = await import(${JSON.stringify(DIST_SCHEMA_CHECK)});
    const documents = ${JSON.stringify(DOCUMENTS)};
    const findings = documents.map(([kind, doc]) => checkSchema(kind, doc));
    const cache = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({ findings, compilerLoaded: cache.some((k) => k.includes("/ajv/dist/compile/index.js")) }));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script]);
  return JSON.parse(stdout);
}

describe("precompiled validators", () => {
  it("dist/ checks documents without loading ajv's compiler, with the same findings as the schemas compiled at run time", async () => {
    const dist = await fromDist();
    expect(dist.compilerLoaded).toBe(false);
    const compiled = DOCUMENTS.map(([kind, doc]) => checkSchema(kind, doc));
    expect(compiled.every((findings) => findings.length > 0)).toBe(true);
    expect(dist.findings).toEqual(JSON.parse(JSON.stringify(compiled)));
  });
});

describe("the bin", () => {
  it("runs the CLI from dist/ in its own process: it starts no second Node process", async () => {
    // Counts child processes started while the bin runs (the old bin re-ran itself through tsx).
    const script = `
      import childProcess from "node:child_process";
      import { syncBuiltinESMExports } from "node:module";
      let started = 0;
      for (const name of ["spawn", "spawnSync", "fork", "exec", "execSync", "execFile", "execFileSync"]) {
        const original = childProcess[name];
        childProcess[name] = (...args) => { started++; return original(...args); };
      }
      syncBuiltinESMExports();
      process.argv = [process.argv[0], "gitops-ingest", "--version"];
      process.on("exit", () => console.error(JSON.stringify({ started })));
      await import(${JSON.stringify(join(import.meta.dirname, "..", "bin", "gitops-ingest.js"))});`;
    const { stdout, stderr } = await run(process.execPath, ["--input-type=module", "-e", script]);
    expect(stdout).toMatch(/^gitops-ingest \d+\.\d+\.\d+\n$/);
    expect(JSON.parse(stderr)).toEqual({ started: 0 });
  });
});
