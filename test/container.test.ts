/**
 * The Dockerfile's structure (no Docker engine runs here): multi-stage, production install, compiled
 * JavaScript, non-root, a HEALTHCHECK on /health. `npm run check:container` runs its install, CMD and
 * HEALTHCHECK for real; .ci/run calls it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dockerfileStages, execForm } from "../scripts/dockerfile.js";

const stages = dockerfileStages();
const runtime = stages.at(-1);
const ops = (op: string) => runtime?.instructions.filter((i) => i.op === op).map((i) => i.args) ?? [];

describe("Dockerfile", () => {
  it("builds in one stage and runs from another that copies only the compiled output", () => {
    expect(stages.map((s) => s.name)).toEqual(["build", "runtime"]);
    expect(stages[0]?.instructions).toContainEqual({ op: "RUN", args: "npm run build" });
    expect(ops("COPY")).toContain("--from=build /app/dist ./dist");
    expect(ops("COPY").some((c) => /\bsrc\b/.test(c))).toBe(false);
  });

  it("installs production dependencies only, from the lock file, without running scripts", () => {
    expect(ops("RUN").some((r) => r.startsWith("npm ci --omit=dev --ignore-scripts"))).toBe(true);
  });

  it("runs compiled JavaScript with node, not tsx, as a non-root user, listening on all interfaces", () => {
    expect(execForm(ops("CMD")[0] ?? "")).toEqual(["node", "dist/src/server.js"]);
    expect(JSON.stringify(runtime)).not.toContain("tsx");
    expect(ops("USER")).toEqual(["node"]);
    expect(ops("ENV").join(" ")).toMatch(/\bNODE_ENV=production\b.*\bHOST=0\.0\.0\.0\b/);
    expect(ops("VOLUME")).toEqual(['["/data"]']);
  });

  it("has a HEALTHCHECK that asks /health", () => {
    const [healthcheck] = ops("HEALTHCHECK");
    expect(healthcheck).toMatch(/^--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+ CMD \[/);
    expect(execForm(healthcheck ?? "").join(" ")).toContain("/health");
  });

  it(".dockerignore keeps secrets, local state and build output out of the image context", async () => {
    const ignored = (await readFile(join(import.meta.dirname, "..", ".dockerignore"), "utf8")).split("\n");
    for (const entry of [".env", "*.pem", "node_modules", "dist", ".data", ".git"])
      expect(ignored).toContain(entry);
  });
});
