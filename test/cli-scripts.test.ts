/** check:inbox and check:samples read fixtures outside the repository; without them they say so. */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const TSX = createRequire(import.meta.url).resolve("tsx/cli");
const SCRIPTS = join(import.meta.dirname, "..", "scripts");

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "gitops-noshared-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function script(name: string): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [TSX, join(SCRIPTS, name)], { cwd });
    return { code: 0, stderr: "" };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe("scripts that need ../shared", () => {
  it.each([
    ["check-shared-inbox.ts", "check:inbox", "shared/fixtures/gitops-test-1/raw"],
    ["check-shared-samples.ts", "check:samples", "shared/fixtures/hedgehog/samples"],
  ])("%s names the missing folder and how to give another", async (file, name, fixtures) => {
    const result = await script(file);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${name}: ${join(cwd, "..", fixtures)} does not exist.`);
    expect(result.stderr).toContain(`npm run ${name} -- <folder>`);
  });
});
