/** The CLI conventions kubeconform and kubectl users expect, each through the built CLI as a real process. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN, runCli } from "./support/cli.js";
import { RAW, vpcYaml } from "./support/fabric.js";
import { writeFiles } from "./support/files.js";

const run = promisify(execFile);
const cli = (...args: string[]) => runCli(args);
const BAD = vpcYaml("bad", 2, 1002).replace("vlan:", "vlna:");
const BAD_FIELD = 'error: unknown field "spec.subnets.subnet-1.vlna"';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gitops-cli-conv-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const put = (files: Record<string, string>) => writeFiles(dir, files);

describe("version, help and commands", () => {
  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(await readFile(join(import.meta.dirname, "..", "package.json"), "utf8"));
    expect(await cli("--version")).toMatchObject({ code: 0, stdout: `gitops-ingest ${version}\n` });
  });

  it("--help and help list the commands; each command's --help lists its own options", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(0);
    for (const command of ["check", "plan", "apply", "migrate", "imports", "resources"])
      expect(help.stdout).toContain(`  ${command} `);
    expect((await cli("help")).stdout).toBe(help.stdout);

    const plan = await cli("plan", "--help");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^usage: gitops-ingest plan /);
    expect(plan.stdout).toContain("--commit SHA");
    expect(plan.stdout).toContain("--format text|json|github|junit|tap");
    expect((await cli("help", "plan")).stdout).toBe(plan.stdout);

    const imports = await cli("imports", "-h");
    expect(imports.stdout).toContain("--limit N");
    expect(imports.stdout).toContain("--format text|json");
    expect(imports.stdout).not.toContain("--strict");
  });

  it("an unknown command, an unknown option or no command at all exits 2 and says what is wrong", async () => {
    const unknown = await cli("valdiate", dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "valdiate": the commands are check, plan, apply');
    const option = await cli("check", dir, "--stirct");
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("--stirct");
    expect(option.stderr).toContain("gitops-ingest check --help");
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("usage: gitops-ingest <command>");
    expect((await cli("help", "frob")).code).toBe(2);
  });
});

describe("what is checked", () => {
  it("checks a lone file, naming it as given, instead of failing on the config file", async () => {
    await put({ "bad.yaml": BAD, "ok.yaml": vpcYaml("ok", 1, 1001) });
    const check = await runCli(["check", "bad.yaml", "ok.yaml"], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`bad.yaml:11:7: ${BAD_FIELD}`);
    expect(check.stdout).toContain("2 files, 1 valid, 1 rejected");
    expect((await runCli(["check", "ok.yaml"], { cwd: dir })).code).toBe(0);
  });

  it("checks standard input given as -", async () => {
    const check = await runCli(["check", "-"], { input: BAD });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`stdin:11:7: ${BAD_FIELD}`);
    expect((await runCli(["check", "-"], { input: vpcYaml("ok", 1, 1001) })).code).toBe(0);
  });

  it("checks a folder of YAML without an inbox as loose files", async () => {
    await put({ "fabric/vpcs/bad.yaml": BAD, "fabric/ok.yml": vpcYaml("ok", 1, 1001) });
    const check = await runCli(["check", "fabric"], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`fabric/vpcs/bad.yaml:11:7: ${BAD_FIELD}`);
    expect(check.stdout).toContain("2 files, 1 valid, 1 rejected");
  });

  it("refuses a path or root glob that matches no inbox, and a missing path, with exit 2", async () => {
    const empty = await cli("check", dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("no inbox matches gitops/**/raw and no .yaml/.yml file is in it");
    await put({ [`${RAW}/ok.yaml`]: vpcYaml("ok", 1, 1001) });
    const glob = await cli("plan", dir, "--root-glob", "fabrics/*/raw");
    expect(glob.code).toBe(2);
    expect(glob.stderr).toContain("no inbox under");
    const missing = await cli("check", join(dir, "nope.yaml"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.yaml: no such file or folder");
  });

  it("a git checkout whose inbox is gone is an error, not its managed/ files checked loose", async () => {
    await put({ ".git/HEAD": "ref: refs/heads/main\n", "gitops/f/managed/vpcs/x.yaml": BAD });
    const check = await cli("check", dir);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain("no inbox under");
  });

  it("apply refuses loose files: it writes into a checkout", async () => {
    await put({ "ok.yaml": vpcYaml("ok", 1, 1001) });
    const apply = await cli("apply", join(dir, "ok.yaml"));
    expect(apply.code).toBe(2);
    expect(apply.stderr).toContain("apply writes into a checkout");
  });

  it("accepts _extends in the local config with a notice instead of rejecting it", async () => {
    await put({
      ".github/gitops-ingest.yml": "_extends: netops/.github\nroots: [fabrics/*/raw]\n",
      "fabrics/east/raw/ok.yaml": vpcYaml("ok", 1, 1001),
    });
    const check = await cli("check", dir);
    expect(check.code).toBe(0);
    expect(check.stderr).toContain("_extends: netops/.github is not followed offline");
    expect(check.stdout).toContain("1 files, 1 valid");
  });
});

describe("formats", () => {
  beforeEach(async () => {
    await put({ [`${RAW}/bad.yaml`]: BAD, [`${RAW}/ok.yaml`]: vpcYaml("ok", 1, 1001) });
  });

  it("junit: one test case per file, the rejected one failing with its problems", async () => {
    const junit = await cli("check", dir, "--format", "junit");
    expect(junit.code).toBe(1);
    expect(junit.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="gitops-ingest" tests="2" failures="1">/,
    );
    expect(junit.stdout).toContain(
      `<testcase classname="gitops-ingest" name="${RAW}/bad.yaml">\n      <failure message="unknown field &quot;spec.subnets.subnet-1.vlna&quot;" type="unknown-field">${RAW}/bad.yaml:11:7:`,
    );
    expect(junit.stdout).toContain(
      `<testcase classname="gitops-ingest" name="${RAW}/ok.yaml">\n    </testcase>`,
    );
  });

  it("tap: a plan line, ok / not ok per file, problems as diagnostics", async () => {
    const tap = await cli("check", dir, "--format", "tap");
    expect(tap.code).toBe(1);
    expect(tap.stdout.split("\n").slice(0, 4)).toEqual([
      "TAP version 13",
      "1..2",
      `not ok 1 - ${RAW}/bad.yaml`,
      `# ${RAW}/bad.yaml:11:7: ${BAD_FIELD} (did you mean "vlan"? allowed fields here: subnet, gateway, vlan, isolated, restricted, dhcp, hostBGP, hostBGPMinPrefixLen, hostBGPMaxPrefixLen, hostBGPExtraPrefixes)`,
    ]);
    expect(tap.stdout).toContain(`ok 2 - ${RAW}/ok.yaml\n`);
  });

  it("every format works for check, plan and apply; the database commands refuse the ones they cannot print", async () => {
    for (const command of ["check", "plan"]) {
      for (const format of ["text", "json", "github", "junit", "tap"]) {
        const result = await cli(command, dir, "--format", format);
        expect([command, format, result.code, result.stderr]).toEqual([command, format, 1, ""]);
        expect(result.stdout).toContain("bad.yaml");
      }
    }
    const apply = await cli("apply", dir, "--format", "tap");
    expect(apply.stdout).toContain(`not ok 1 - ${RAW}/bad.yaml`);
    const refused = await cli("imports", "--format", "junit");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("imports does not print in --format junit: use text, json");
    expect((await cli("check", dir, "--format", "yaml")).stderr).toContain("unknown --format yaml");
  });

  it("plan speaks in the conditional and changes nothing; apply says what it did", async () => {
    await rm(join(dir, RAW, "bad.yaml"));
    const plan = await cli("plan", dir);
    expect(plan.stdout).toContain("VPC: 1 to create, 0 to update, 0 unchanged");
    expect(plan.stdout).toContain("Would ingest 1 resource from 1 file\n");
    expect(plan.stdout).not.toContain("Ingested");
    expect(JSON.parse((await cli("plan", dir, "--format", "json")).stdout)).toMatchObject({
      title: "Would ingest 1 resource from 1 file",
      dryRun: true,
      applied: false,
    });
    expect(existsSync(join(dir, RAW, "ok.yaml"))).toBe(true);
    const apply = await cli("apply", dir);
    expect(apply.stdout).toContain("Ingested 1 resource from 1 file (applied to the working tree)");
  });

  it("colours on a terminal; none when piped or with NO_COLOR", async () => {
    const red = "\u001b[31m";
    expect((await cli("check", dir)).stdout).not.toContain("\u001b[");
    // script(1) runs the CLI on a pseudo-terminal, as an interactive shell would.
    const onTerminal = (env: Record<string, string>) =>
      run("script", ["-qec", `${process.execPath} ${BIN} check ${dir}`, "/dev/null"], {
        env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", ...env },
      }).catch((e: { stdout: string }) => e);
    expect((await onTerminal({})).stdout).toContain(`${red}error`);
    expect((await onTerminal({ NO_COLOR: "1" })).stdout).not.toContain("\u001b[");
  });
});

describe("option values", () => {
  it("--max-file-bytes must be a whole number, and is honoured", async () => {
    await put({ [`${RAW}/ok.yaml`]: vpcYaml("ok", 1, 1001) });
    const bad = await cli("check", dir, "--max-file-bytes", "abc");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-file-bytes must be a whole number of at least 1, not "abc"');
    expect((await cli("check", dir, "--max-file-bytes", "0")).code).toBe(2);
    const small = await cli("check", dir, "--max-file-bytes", "10");
    expect(small.code).toBe(1);
    expect(small.stdout).toContain("1 rejected");
  });

  it("--limit and --repo are checked before any database is opened", async () => {
    const env = { DATABASE_URL: "", DATA_DIR: join(dir, "db") };
    const limit = await runCli(["imports", "--limit", "abc"], { env });
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--limit must be a whole number of at least 1, not "abc"');
    expect(limit.stderr).not.toMatch(/sql|syntax/i);
    const repo = await runCli(["resources", "--repo", "fabric"], { env });
    expect(repo.code).toBe(2);
    expect(repo.stderr).toContain('--repo must be owner/name, not "fabric"');
    expect(existsSync(join(dir, "db"))).toBe(false);
  });
});

// Each CLI process opens the embedded database (PGlite), which takes seconds; hence the timeouts.
describe("database settings", () => {
  it("DATABASE_SCHEMA is honoured by migrate and the queries; a relative DATA_DIR is taken from the current folder", {
    timeout: 180_000,
  }, async () => {
    const env = (schema: string) => ({
      cwd: dir,
      env: { DATABASE_URL: "", DATA_DIR: "db", DATABASE_SCHEMA: schema },
    });
    const first = await runCli(["migrate"], env("team_a"));
    expect(first.stdout).toBe(
      `applied: 0001_initial, 0002_jobs, 0003_ingest_settings (embedded database in ${join(dir, "db")}, schema team_a)\n`,
    );
    expect((await runCli(["migrate"], env("team_b"))).stdout).toContain("applied: 0001_initial");
    expect((await runCli(["migrate", "--status"], env("team_a"))).stdout).toMatch(/^0001_initial applied/);
    expect(await runCli(["imports", "--format", "json"], env("team_b"))).toMatchObject({
      code: 0,
      stdout: "[]\n",
    });
  });

  it("DATA_DIR unset: the installation's .data/pglite, whatever the current folder", {
    timeout: 180_000,
  }, async () => {
    const migrate = await runCli(["migrate"], {
      cwd: dir,
      env: { DATABASE_URL: "", DATA_DIR: undefined, DATABASE_SCHEMA: undefined },
    });
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain(
      `embedded database in ${join(import.meta.dirname, "..", ".data", "pglite")}`,
    );
    expect(existsSync(join(dir, ".data"))).toBe(false);
  });
});
