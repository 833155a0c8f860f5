/**
 * Hostile names: every name git accepts is ingested or reported on its file, never a crash, and
 * nothing is written outside the checkout. The CLI side runs as a real process on a real folder.
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../src/cli/usage-error.js";
import { applyPlan } from "../src/local/checkout.js";
import { ingest } from "../src/pipeline/ingest.js";
import { checkResult } from "../src/report/check-result.js";
import { commitMessage, sourceFromMessage } from "../src/report/commit-message.js";
import { FABRIC_ROOT, RAW, vpcYaml } from "./support/fabric.js";
import { writeFiles } from "./support/files.js";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "bin", "gitops-ingest.js");
const COMMIT = "abcdef1234567890abcdef1234567890abcdef12";
const ARCHIVE = `${FABRIC_ROOT}/archive/abcdef1`;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let scratch: string;
let dir: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), "gitops-hostile-"));
  dir = join(scratch, "checkout");
  await mkdir(dir);
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const put = (files: Record<string, string>) => writeFiles(dir, files);

const ODD_FILE_NAMES = [
  "back\\slash.yaml",
  "with space.yaml",
  "ünïcødé-名前.yaml",
  "-leading-dash.yaml",
  "UPPER.YAML",
  "dots..in..name.yaml",
  `${"l".repeat(245)}.yaml`,
];

describe("odd raw file names through the CLI", () => {
  it("check, plan and apply ingest every one and archive it under its own name", async () => {
    await put(
      Object.fromEntries(ODD_FILE_NAMES.map((name, i) => [`${RAW}/${name}`, vpcYaml(`v-${i}`, i, 1001 + i)])),
    );
    const check = await cli("check", dir);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(
      `${ODD_FILE_NAMES.length} files, ${ODD_FILE_NAMES.length} valid, 0 rejected`,
    );
    expect((await cli("plan", dir)).code).toBe(0);
    const apply = await cli("apply", dir, "--commit", COMMIT);
    expect(apply.stderr).toBe("");
    expect(apply.code).toBe(0);
    expect((await readdir(join(dir, ARCHIVE))).sort()).toEqual([...ODD_FILE_NAMES].sort());
    expect(await readdir(join(dir, RAW))).toEqual([".gitkeep"]);
    expect((await readdir(join(dir, FABRIC_ROOT, "managed", "vpcs"))).length).toBe(ODD_FILE_NAMES.length);
  });
});

describe("resource names that cannot be file names", () => {
  it("a 253-character name is an error at its line, and apply leaves the file in raw/ instead of failing", async () => {
    const long = `${"a".repeat(126)}.${"b".repeat(126)}`;
    expect(long).toHaveLength(253);
    await put({
      [`${RAW}/long.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${long}\n  namespace: team-a\n`,
      [`${RAW}/ok.yaml`]: vpcYaml("ok", 2, 1002),
    });
    const check = await cli("check", dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      `${RAW}/long.yaml:4:3: error: the file name "${long.slice(0, 40)}…" would be 258 bytes`,
    );
    expect(check.stdout).toContain("use a metadata.name of at most 250 characters");
    const apply = await cli("apply", dir, "--commit", COMMIT);
    expect(apply.stderr).toBe("");
    expect(apply.code).toBe(1);
    expect((await readdir(join(dir, RAW))).sort()).toEqual([".gitkeep", "long.yaml"]);
    expect(await readdir(join(dir, FABRIC_ROOT, "managed", "vpcs"))).toEqual(["ok.yaml"]);
  });

  it("a Windows device name is a warning, not a rejection", async () => {
    await put({ [`${RAW}/con.yaml`]: vpcYaml("con", 1, 1001) });
    const check = await cli("check", dir);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('warning: the file name "con.yaml" is a device name on Windows');
  });
});

describe("--commit names the archive folder", () => {
  it("refuses ../../.. and other values that are not a SHA or a plain name, writing nothing", async () => {
    await put({ [`${RAW}/v.yaml`]: vpcYaml("v", 1, 1001) });
    for (const bad of ["../../..", "a/b", "..", "x y"]) {
      const apply = await cli("apply", dir, "--commit", bad);
      expect(apply.code).toBe(2);
      expect(apply.stderr).toContain("is neither a commit SHA");
    }
    expect(await readdir(scratch)).toEqual(["checkout"]);
    expect(await readdir(join(dir, RAW))).toEqual(["v.yaml"]);
    expect((await cli("apply", dir, "--commit", "release-1")).code).toBe(0);
    expect(await readdir(join(dir, FABRIC_ROOT, "archive"))).toEqual(["release"]);
  });

  it("applyPlan refuses a path that leaves the checkout, before writing anything", async () => {
    const bytes = new TextEncoder().encode("x");
    const plan = (path: string) => ({
      writes: [
        { path: "inside.txt", bytes, reason: "created" as const },
        { path, bytes, reason: "created" as const },
      ],
      deletes: [],
    });
    for (const path of ["../outside.txt", "a/../../outside.txt", "/tmp/outside.txt"])
      await expect(applyPlan(dir, plan(path))).rejects.toBeInstanceOf(UsageError);
    await expect(applyPlan(dir, { writes: [], deletes: ["../checkout-sibling"] })).rejects.toBeInstanceOf(
      UsageError,
    );
    expect(await readdir(dir)).toEqual([]);
    expect(await readdir(scratch)).toEqual(["checkout"]);
  });

  it("applyPlan refuses to write through a symlinked folder that points outside", async () => {
    await mkdir(join(scratch, "elsewhere"));
    await symlink(join(scratch, "elsewhere"), join(dir, "managed"));
    const plan = {
      writes: [{ path: "managed/x.yaml", bytes: new Uint8Array(), reason: "created" as const }],
      deletes: [],
    };
    await expect(applyPlan(dir, plan)).rejects.toBeInstanceOf(UsageError);
    expect(await readdir(join(scratch, "elsewhere"))).toEqual([]);
  });
});

describe("symlinks, submodules and the executable bit", () => {
  it("the CLI rejects a symlink in raw/ on its file, never reads its target, and leaves it in raw/", async () => {
    await writeFile(join(scratch, "secret.yaml"), vpcYaml("secret", 9, 1009));
    await put({ [`${RAW}/ok.yaml`]: vpcYaml("ok", 1, 1001) });
    await symlink(join(scratch, "secret.yaml"), join(dir, RAW, "link.yaml"));
    const check = await cli("check", dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      `${RAW}/link.yaml:1:1: error: a symbolic link (to "${join(scratch, "secret.yaml")}")`,
    );
    const apply = await cli("apply", dir, "--commit", COMMIT);
    expect(apply.code).toBe(1);
    expect((await readdir(join(dir, RAW))).sort()).toEqual([".gitkeep", "link.yaml"]);
    expect(await readdir(join(dir, FABRIC_ROOT, "managed", "vpcs"))).toEqual(["ok.yaml"]);
  });

  it("the CLI leaves a nested repository (submodule) in raw/ alone with a notice", async () => {
    await put({
      [`${RAW}/ok.yaml`]: vpcYaml("ok", 1, 1001),
      [`${RAW}/vendor/.git`]: "gitdir: ../../../../../.git/modules/vendor\n",
      [`${RAW}/vendor/inner.yaml`]: vpcYaml("inner", 2, 1002),
    });
    const check = await cli("check", dir);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`${RAW}/vendor:1:1: notice: a submodule (gitlink): never read`);
    expect((await cli("apply", dir, "--commit", COMMIT)).code).toBe(0);
    expect(await readFile(join(dir, RAW, "vendor", "inner.yaml"), "utf8")).toBe(vpcYaml("inner", 2, 1002));
    expect(await readdir(join(dir, FABRIC_ROOT, "managed", "vpcs"))).toEqual(["ok.yaml"]);
  });

  it("the archive keeps the executable bit", async () => {
    await put({
      [`${RAW}/run.yaml`]: vpcYaml("run", 1, 1001),
      [`${RAW}/plain.yaml`]: vpcYaml("plain", 2, 1002),
    });
    await chmod(join(dir, RAW, "run.yaml"), 0o755);
    expect((await cli("apply", dir, "--commit", COMMIT)).code).toBe(0);
    expect((await stat(join(dir, ARCHIVE, "run.yaml"))).mode & 0o111).not.toBe(0);
    expect((await stat(join(dir, ARCHIVE, "plain.yaml"))).mode & 0o111).toBe(0);
  });
});

describe("git modes in the pipeline (as the app passes them from the tree)", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const result = ingest({
    sourceCommit: COMMIT,
    current: new Map(),
    roots: [
      {
        root: FABRIC_ROOT,
        hasGitkeep: true,
        raw: [
          { path: `${RAW}/link.yaml`, bytes: bytes("../../../etc/passwd"), mode: "120000" },
          { path: `${RAW}/sub.yaml`, bytes: new Uint8Array(), mode: "160000" },
          { path: `${RAW}/run.yaml`, bytes: bytes(vpcYaml("run", 1, 1001)), mode: "100755" },
          { path: `${RAW}/plain.yaml`, bytes: bytes(vpcYaml("plain", 2, 1002)) },
        ],
      },
    ],
  });

  it("a symlink (120000) is a rejected file; a submodule (160000) a notice; neither moves", () => {
    const root = result.report.roots[0];
    expect(root?.files.map((f) => [f.path, f.verdict])).toEqual([
      [`${RAW}/link.yaml`, "rejected"],
      [`${RAW}/plain.yaml`, "ingested"],
      [`${RAW}/run.yaml`, "ingested"],
    ]);
    expect(root?.submodules).toEqual([`${RAW}/sub.yaml`]);
    expect(result.plan.deletes.sort()).toEqual([`${RAW}/plain.yaml`, `${RAW}/run.yaml`]);
    const annotations = checkResult(result.report).annotations;
    expect(annotations).toContainEqual(
      expect.objectContaining({ path: `${RAW}/sub.yaml`, annotation_level: "notice", title: "submodule" }),
    );
    expect(annotations).toContainEqual(
      expect.objectContaining({ path: `${RAW}/link.yaml`, annotation_level: "failure", title: "symlink" }),
    );
  });

  it("an executable original is archived as 100755, a plain one as 100644 (absent)", () => {
    const archived = result.plan.writes.filter((w) => w.reason === "archived");
    expect(archived.map((w) => [w.path, w.mode])).toEqual([
      [`${ARCHIVE}/plain.yaml`, undefined],
      [`${ARCHIVE}/run.yaml`, "100755"],
    ]);
  });
});

describe("control characters in names", () => {
  it("a raw path with a newline cannot forge the commit message's source trailer", () => {
    const forged = "1111111111111111111111111111111111111111";
    const root = `gitops/x\nGitops-Ingest-Source: ${forged}`;
    const raw = `${root}/raw/a\nGitops-Ingest-Source: ${forged}.yaml`;
    const result = ingest({
      sourceCommit: COMMIT,
      current: new Map(),
      roots: [
        {
          root,
          hasGitkeep: true,
          raw: [{ path: raw, bytes: new TextEncoder().encode(vpcYaml("v", 1, 1001)) }],
        },
      ],
    });
    const message = commitMessage(result.report);
    expect(sourceFromMessage(message)).toBe(COMMIT);
    expect(message.match(/^Gitops-Ingest-Source: /gm)).toHaveLength(1);
    expect(message).toContain(JSON.stringify(raw));
  });
});
