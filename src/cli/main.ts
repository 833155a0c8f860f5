#!/usr/bin/env node
/** `gitops-ingest`: check, plan and apply on a local checkout; migrate and query the database. */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { CONFIG_FILE, type ConfigResult, parseConfig } from "../config.js";
import { applyPlan, readCheckout } from "../local/checkout.js";
import { ingest } from "../pipeline/ingest.js";
import type { IngestResult } from "../pipeline/types.js";
import { formatProblem, githubCommand, locatedProblems } from "../report/text.js";
import { title, totals } from "../report/totals.js";

const USAGE = `usage: gitops-ingest <command> [options]

  check <dir>      validate every fabric root under a checkout; exit 1 if any file would be rejected
  plan <dir>       print what an ingestion would do
  apply <dir>      apply the plan to the working tree (writes managed/, unmanaged/, archive/; no commit)
  migrate          run database migrations (DATABASE_URL, or the embedded database); --status lists them
  imports          list recent imports            [--repo owner/name]
  resources        list the current resources     --repo owner/name [--root path] [--branch name]

options:
  --format text|json|github
                       output format (default text; github: workflow commands that annotate a pull request)
  --root-glob GLOB     inbox glob, repeatable (default from .github/${CONFIG_FILE}, else gitops/**/raw)
  --strict             unresolved references are errors
  --no-archive         delete originals instead of archiving them
  --commit SHA         source commit naming the archive folder (default: the checkout's HEAD)
  --max-file-bytes N   reject raw files larger than N bytes unread (default 5 MiB)
`;

const FORMATS = ["text", "json", "github"] as const;
type Format = (typeof FORMATS)[number];

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: "string", default: "text" },
      "root-glob": { type: "string", multiple: true },
      strict: { type: "boolean" },
      "no-archive": { type: "boolean" },
      commit: { type: "string" },
      "max-file-bytes": { type: "string" },
      repo: { type: "string" },
      root: { type: "string" },
      branch: { type: "string" },
      limit: { type: "string" },
      status: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, dir] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  const format = FORMATS.find((f) => f === values.format);
  if (!format) {
    process.stderr.write(`unknown --format ${values.format}: use ${FORMATS.join(", ")}\n`);
    return 2;
  }
  if (command === "migrate" || command === "imports" || command === "resources") {
    // Loaded on demand: check/plan/apply never touch a database.
    const { databaseCommand } = await import("./database.js");
    return databaseCommand(command, {
      status: values.status,
      format: format === "json" ? "json" : "text",
      repo: values.repo,
      root: values.root,
      branch: values.branch,
      limit: values.limit,
    });
  }
  if (!["check", "plan", "apply"].includes(command) || !dir) {
    process.stderr.write(USAGE);
    return 2;
  }
  const base = resolve(dir);
  const configured = await readLocalConfig(base);
  if (configured.errors.length > 0) {
    for (const e of configured.errors) process.stderr.write(`.github/${CONFIG_FILE}: error: ${e}\n`);
    return 2;
  }
  const config = configured.config;
  const input = await readCheckout(base, {
    roots: values["root-glob"] ?? config.roots,
    strict: values.strict ?? config.strict,
    archive: values["no-archive"] ? false : config.archive,
    maxFileBytes: values["max-file-bytes"] ? Number(values["max-file-bytes"]) : config.maxFileBytes,
    sourceCommit: values.commit ?? (await headCommit(base)),
  });
  const result = ingest(input);
  const rejected = totals(result.report).rejectedFiles > 0;
  if (command === "check") {
    printCheck(result, format);
    return rejected ? 1 : 0;
  }
  if (command === "apply") await applyPlan(base, result.plan);
  printPlan(result, format, command === "apply");
  return rejected ? 1 : 0;
}

async function readLocalConfig(base: string): Promise<ConfigResult> {
  try {
    return parseConfig(parseYaml(await readFile(join(base, ".github", CONFIG_FILE), "utf8")));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return parseConfig(undefined);
    return { config: parseConfig(undefined).config, errors: [String((error as Error).message)] };
  }
}

/** HEAD of the checkout when it is a git work tree (read from .git, no git binary needed). */
async function headCommit(base: string): Promise<string> {
  try {
    const head = (await readFile(join(base, ".git", "HEAD"), "utf8")).trim();
    if (!head.startsWith("ref: ")) return head;
    return (await readFile(join(base, ".git", head.slice(5)), "utf8")).trim();
  } catch {
    return "local";
  }
}

function printCheck(result: IngestResult, format: Format): void {
  const problems = locatedProblems(result.report);
  if (format === "json") {
    const t = totals(result.report);
    process.stdout.write(`${JSON.stringify({ summary: t, problems }, null, 2)}\n`);
    return;
  }
  const line = format === "github" ? githubCommand : formatProblem;
  for (const p of problems) process.stdout.write(`${line(p)}\n`);
  const t = totals(result.report);
  process.stdout.write(
    `${t.files} files, ${t.ingestedFiles + t.emptyFiles} valid, ${t.rejectedFiles} rejected; ${t.errors} errors, ${t.warnings} warnings\n`,
  );
}

function printPlan(result: IngestResult, format: Format, applied: boolean): void {
  const { report, plan } = result;
  if (format === "json") {
    const roots = report.roots.map((r) => ({
      root: r.root,
      counts: r.counts,
      files: r.files.map((f) => ({
        path: f.path,
        verdict: f.verdict,
        archivePath: f.archivePath,
        problems: f.problems.length,
      })),
      rejected: r.files.filter((f) => f.verdict === "rejected").map((f) => f.path),
    }));
    const changes = {
      writes: plan.writes.map((w) => ({ path: w.path, reason: w.reason })),
      deletes: plan.deletes,
    };
    process.stdout.write(
      `${JSON.stringify({ title: title(report), applied, totals: totals(report), roots, changes }, null, 2)}\n`,
    );
    return;
  }
  if (report.roots.length === 0) {
    process.stdout.write("Nothing to do: no files wait in any raw/ folder.\n");
    return;
  }
  for (const root of report.roots) {
    process.stdout.write(`${root.root}:\n`);
    for (const kind of Object.keys(root.counts).sort()) {
      const c = root.counts[kind];
      if (c)
        process.stdout.write(
          `  ${kind}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged\n`,
        );
    }
    for (const f of root.files.filter((x) => x.verdict !== "ingested")) {
      process.stdout.write(`  ${f.verdict}: ${f.path}\n`);
    }
  }
  for (const p of locatedProblems(report).filter((x) => x.level === "error"))
    process.stdout.write(`${formatProblem(p)}\n`);
  process.stdout.write(`${title(report)}${applied ? " (applied to the working tree)" : ""}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`gitops-ingest: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
