/** `plan --base <ref>`: the same plan a pull-request preview makes, against another ref's managed/. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { FABRIC_ROOT, RAW, vpcYaml } from "./support/fabric.js";

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    encoding: "utf8",
  });

function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), "cli-base-"));
  git(dir, "init", "-q", "-b", "main");
  mkdirSync(join(dir, RAW), { recursive: true });
  writeFileSync(join(dir, RAW, "vpc.yaml"), vpcYaml("vpc-1", 1, 1001));
  return dir;
}

describe("plan --base", () => {
  it("plans against managed/ at the base ref, whatever the working tree holds", async () => {
    const dir = checkout();
    expect((await runCli(["apply", dir])).code).toBe(0);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "ingested");
    // The branch under review changes the VLAN and (by mistake) drops the managed file.
    writeFileSync(join(dir, RAW, "vpc.yaml"), vpcYaml("vpc-1", 1, 1002));
    rmSync(join(dir, FABRIC_ROOT, "managed"), { recursive: true });

    const alone = await runCli(["plan", dir, "--format", "json"]);
    const against = await runCli(["plan", dir, "--base", "HEAD", "--format", "json"]);
    expect(alone.code).toBe(0);
    expect(against.code).toBe(0);
    const counts = (out: string) => JSON.parse(out).roots[0].counts.VPC;
    expect(counts(alone.stdout)).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(counts(against.stdout)).toEqual({ created: 0, updated: 1, unchanged: 0 });
  });

  it("refuses a ref that does not exist, and loose input", async () => {
    const dir = checkout();
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "one");
    const missing = await runCli(["plan", dir, "--base", "no-such-ref"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--base no-such-ref");
    const loose = await runCli(["plan", join(dir, RAW, "vpc.yaml"), "--base", "HEAD"]);
    expect(loose.code).toBe(2);
    expect(loose.stderr).toContain("--base needs a checkout");
  });
});
