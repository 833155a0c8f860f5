/**
 * The hostile-input corpus (issue 10) through the CLI as a real process: every file gets its
 * expected verdict and problem code, the process never crashes (exit 0 or 1, no signal, no stack
 * trace), and nothing is written outside the fabric root. test/fixtures/hostile/expected.json says
 * what each file must give; two cases too big to commit are generated here.
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CORPUS = join(import.meta.dirname, "..", "fixtures", "hostile");
const BIN = join(import.meta.dirname, "..", "..", "bin", "gitops-ingest.js");
const ROOT = "gitops/hedgehog/fabric-1";
const RAW = `${ROOT}/raw`;
/** Generous: a crash or a hang shows as a kill, not as a slow run. */
const PROCESS_TIMEOUT_MS = 240_000;

interface Expected {
  verdict: "ingested" | "rejected" | "empty";
  code: string | null;
}

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: PROCESS_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: number; signal?: string }) | null;
        resolve({ code: e ? (e.code ?? null) : 0, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}

/** Generated cases: 10,000 tiny documents (an annotation flood) and a file just over the size limit. */
const GENERATED: Record<string, { content: string; expected: Expected }> = {
  "ten-thousand-tiny-documents.yaml": {
    content: "---\nx: 1\n".repeat(10_000),
    expected: { verdict: "rejected", code: "not-kubernetes" },
  },
  "over-the-size-limit.yaml": {
    content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: ${"x".repeat(5 * 1024 * 1024)}\n`,
    expected: { verdict: "rejected", code: "file-too-large" },
  },
};

function assertNoCrash(run: Run): void {
  expect(run.signal).toBeNull();
  expect([0, 1]).toContain(run.code);
  expect(run.stderr).not.toMatch(/\n\s+at |FATAL|Maximum call stack|RangeError|TypeError/);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

let dir: string;
let expected: Record<string, Expected>;
let corpusNames: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gitops-hostile-"));
  await mkdir(join(dir, RAW), { recursive: true });
  await cp(CORPUS, join(dir, RAW), { recursive: true, filter: (src) => !src.endsWith(".json") });
  for (const [name, { content }] of Object.entries(GENERATED)) await writeFile(join(dir, RAW, name), content);
  const manifest = JSON.parse(await readFile(join(CORPUS, "expected.json"), "utf8")) as Record<
    string,
    Expected
  >;
  expected = {
    ...manifest,
    ...Object.fromEntries(Object.entries(GENERATED).map(([n, g]) => [n, g.expected])),
  };
  corpusNames = (await readdir(CORPUS)).filter((n) => n.endsWith(".yaml"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("hostile-input corpus through the CLI", () => {
  it("has a manifest entry for every file, and at least 50 files", () => {
    expect(corpusNames.length).toBeGreaterThanOrEqual(50);
    expect(Object.keys(expected).sort()).toEqual([...corpusNames, ...Object.keys(GENERATED)].sort());
  });

  it("check gives every file its expected verdict and first error code, without crashing", async () => {
    const run = await cli("check", dir, "--format", "json");
    assertNoCrash(run);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      problems: { file: string; level: string; code: string }[];
    };
    const actual: Record<string, { code: string | null }> = {};
    for (const name of Object.keys(expected)) {
      const problems = report.problems.filter((p) => p.file === `${RAW}/${name}`);
      const first =
        problems.find((p) => p.level === "error") ?? problems.find((p) => p.code === "empty-file");
      actual[name] = { code: first?.code ?? null };
    }
    expect(actual).toEqual(
      Object.fromEntries(Object.entries(expected).map(([n, e]) => [n, { code: e.code }])),
    );
  });

  it(
    "apply takes the good files, leaves the rejected ones byte for byte, writes only inside the fabric root",
    async () => {
      const before = new Map<string, Buffer>();
      for (const name of Object.keys(expected)) before.set(name, await readFile(join(dir, RAW, name)));
      const run = await cli("apply", dir, "--format", "json", "--commit", "abcdef1234567");
      assertNoCrash(run);
      const report = JSON.parse(run.stdout) as { roots: { files: { path: string; verdict: string }[] }[] };
      const verdicts = Object.fromEntries(
        (report.roots[0]?.files ?? []).map((f) => [f.path.slice(RAW.length + 1), f.verdict]),
      );
      expect(verdicts).toEqual(Object.fromEntries(Object.entries(expected).map(([n, e]) => [n, e.verdict])));

      const after = await filesUnder(dir);
      expect(after.filter((path) => !path.startsWith(`${ROOT}/`))).toEqual([]);
      for (const [name, e] of Object.entries(expected)) {
        if (e.verdict === "rejected")
          expect(
            (await readFile(join(dir, RAW, name))).equals(before.get(name) ?? Buffer.alloc(0)),
            name,
          ).toBe(true);
        else expect(after, name).toContain(`${ROOT}/archive/abcdef1/${name}`);
      }
    },
    PROCESS_TIMEOUT_MS,
  );
});
