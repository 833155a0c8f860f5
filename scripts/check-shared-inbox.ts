/**
 * `npm run check:inbox`: the real gitops-test-1 inbox (../shared/fixtures/gitops-test-1/raw) copied
 * to gitops/hedgehog/fabric-1/raw/ in a temporary checkout, then plan → apply → plan with the CLI.
 * Exits non-zero when the figures differ from what the repository held (48 resources, none rejected).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sharedFolder } from "./shared-fixtures.js";

const source = sharedFolder("check:inbox", "../shared/fixtures/gitops-test-1/raw");
const dir = mkdtempSync(join(tmpdir(), "gitops-test-1-"));
const raw = join(dir, "gitops/hedgehog/fabric-1/raw");
cpSync(source, raw, { recursive: true });
const cli = (...args: string[]) =>
  execFileSync(process.execPath, [resolve("bin/gitops-ingest.js"), ...args], { encoding: "utf8" });
try {
  const plan = JSON.parse(cli("plan", dir, "--format", "json"));
  console.log(cli("plan", dir));
  const counts = plan.roots[0]?.counts ?? {};
  const created = Object.fromEntries(
    Object.entries(counts)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, c]) => [k, (c as { created: number }).created]),
  );
  const expected = { Connection: 26, Server: 10, Switch: 7, SwitchGroup: 3, VPC: 2 };
  console.log(cli("apply", dir, "--commit", "0000000000000000000000000000000000000000").split("\n").at(-2));
  const left = readdirSync(raw);
  const again = cli("plan", dir);
  console.log(`raw/ after apply: ${left.join(", ")}\nplan again: ${again.trim()}`);
  const ok =
    JSON.stringify(created) === JSON.stringify(expected) &&
    plan.totals.rejectedFiles === 0 &&
    left.join() === ".gitkeep" &&
    again.includes("Nothing to do");
  console.log(ok ? "OK: 48 resources, none rejected, nothing to do after apply" : "MISMATCH");
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
