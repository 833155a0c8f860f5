/** The CLI as users run it: a real process on a real folder. */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "./support/cli.js";
import { FABRIC_ROOT, RAW, sampleInbox, vpcYaml } from "./support/fabric.js";
import { writeFiles } from "./support/files.js";

const cli = (...args: string[]) => runCli(args);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gitops-cli-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const put = (files: Record<string, string>) => writeFiles(dir, files);

describe("gitops-ingest CLI", () => {
  it("plans, applies, and then has nothing to do", async () => {
    await put(sampleInbox());
    const plan = await cli("plan", dir);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("Connection: 26 to create, 0 to update, 0 unchanged");
    expect(plan.stdout).toContain("Would ingest 48 resources from 3 files");

    const json = JSON.parse((await cli("plan", dir, "--format", "json")).stdout);
    expect(json.totals).toMatchObject({ created: 48, rejectedFiles: 0 });
    expect(json.roots[0].counts.Switch).toEqual({ created: 7, updated: 0, unchanged: 0 });

    expect((await cli("apply", dir, "--commit", "abcdef1234567")).code).toBe(0);
    expect(await readdir(join(dir, RAW))).toEqual([".gitkeep"]);
    expect(await readdir(join(dir, FABRIC_ROOT, "archive", "abcdef1"))).toEqual([
      "prepop.yaml",
      "test-vpc-2.yaml",
      "test-vpc.yaml",
    ]);
    expect(await readFile(join(dir, FABRIC_ROOT, "archive", "abcdef1", "prepop.yaml"), "utf8")).toBe(
      sampleInbox()[`${RAW}/prepop.yaml`],
    );
    const vpc = parse(await readFile(join(dir, FABRIC_ROOT, "managed", "vpcs", "test-vpc.yaml"), "utf8"));
    expect(vpc.spec.subnets["subnet-1"].gateway).toBe("10.0.1.1");
    expect((await readdir(join(dir, FABRIC_ROOT, "managed", "connections"))).length).toBe(26);

    const again = await cli("plan", dir);
    expect(again.stdout).toContain("Nothing to do");
  });

  it("check prints file:line:col problems and exits 1 when a file would be rejected", async () => {
    await put({
      [`${RAW}/ok.yaml`]: vpcYaml("ok", 1, 1001),
      [`${RAW}/bad.yaml`]: vpcYaml("bad", 2, 1002).replace("vlan:", "vlna:"),
    });
    const check = await cli("check", dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`${RAW}/bad.yaml:11:7: error: unknown field "spec.subnets.subnet-1.vlna"`);
    const json = JSON.parse((await cli("check", dir, "--format", "json")).stdout);
    expect(json.problems[0]).toMatchObject({
      file: `${RAW}/bad.yaml`,
      line: 11,
      column: 7,
      level: "error",
      code: "unknown-field",
    });
    expect(json.summary).toMatchObject({ files: 2, rejectedFiles: 1 });
    const github = await cli("check", dir, "--format", "github");
    expect(github.code).toBe(1);
    expect(github.stdout.split("\n")[0]).toBe(
      `::error file=${RAW}/bad.yaml,line=11,col=7,title=unknown-field::unknown field "spec.subnets.subnet-1.vlna" (did you mean "vlan"? allowed fields here: subnet, gateway, vlan, isolated, restricted, dhcp, hostBGP, hostBGPMinPrefixLen, hostBGPMaxPrefixLen, hostBGPExtraPrefixes)`,
    );
    expect((await cli("check", dir, "--format", "yaml")).code).toBe(2);
  });

  it("check exits 0 on a clean inbox", async () => {
    await put({ [`${RAW}/ok.yaml`]: vpcYaml("ok", 1, 1001) });
    const check = await cli("check", dir);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("1 files, 1 valid, 0 rejected");
  });

  it("apply leaves rejected files in raw/ byte for byte", async () => {
    const bad = "apiVersion: v1\nkind: [oops\n";
    await put({ [`${RAW}/bad.yaml`]: bad, [`${RAW}/ok.yaml`]: vpcYaml("ok", 1, 1001) });
    const apply = await cli("apply", dir);
    expect(apply.code).toBe(1);
    expect(await readFile(join(dir, RAW, "bad.yaml"), "utf8")).toBe(bad);
    expect((await readdir(join(dir, RAW))).sort()).toEqual([".gitkeep", "bad.yaml"]);
  });

  it("reads .github/gitops-ingest.yml and refuses unknown keys", async () => {
    await put({
      ".github/gitops-ingest.yml": "roots: [fabrics/*/raw]\n",
      "fabrics/east/raw/v.yaml": vpcYaml("v", 1, 1001),
    });
    expect((await cli("plan", dir)).stdout).toContain("fabrics/east:");
    await put({ ".github/gitops-ingest.yml": "rootz: [x]\n" });
    const bad = await cli("plan", dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown key "rootz"');
  });
});
