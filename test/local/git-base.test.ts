import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/usage-error.js";
import { filesAtRef } from "../../src/local/git-base.js";
import { gitBlobSha } from "../../src/pipeline/git-blob.js";

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    encoding: "utf8",
  });

describe("the files of another ref, for plan --base", () => {
  it("gives the blob SHAs at that ref, relative to the folder asked about", () => {
    const repo = mkdtempSync(join(tmpdir(), "git-base-"));
    git(repo, "init", "-q", "-b", "main");
    mkdirSync(join(repo, "sub/m"), { recursive: true });
    writeFileSync(join(repo, "sub/m/a.yaml"), "a: 1\n");
    writeFileSync(join(repo, "top.yaml"), "t: 1\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "one");
    writeFileSync(join(repo, "sub/m/a.yaml"), "a: 2\n");
    git(repo, "commit", "-qam", "two");
    return filesAtRef(join(repo, "sub"), "HEAD~1").then((files) => {
      expect([...files]).toEqual([["m/a.yaml", gitBlobSha(new TextEncoder().encode("a: 1\n"))]]);
    });
  });

  it("refuses a ref that is not a commit, or one that looks like an option", async () => {
    const repo = mkdtempSync(join(tmpdir(), "git-base-"));
    git(repo, "init", "-q", "-b", "main");
    writeFileSync(join(repo, "x"), "x");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "one");
    await expect(filesAtRef(repo, "no-such-branch")).rejects.toBeInstanceOf(UsageError);
    await expect(filesAtRef(repo, "--output=/tmp/pwned")).rejects.toBeInstanceOf(UsageError);
  });
});
