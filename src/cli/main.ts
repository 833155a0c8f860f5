#!/usr/bin/env node
/** `gitops-ingest`: check, plan and apply on a checkout or loose YAML; migrate and query the database. */
import { packageInfo } from "../package-info.js";
import { COMMANDS, commandHelp, parseCommand, unknownCommand, usage } from "./args.js";
import { UsageError } from "./usage-error.js";

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-v") {
    process.stdout.write(`gitops-ingest ${packageInfo().version}\n`);
    return 0;
  }
  if (first === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (first === "--help" || first === "-h") {
    process.stdout.write(usage());
    return 0;
  }
  if (first === "help") {
    const topic = rest[0];
    process.stdout.write(topic === undefined ? usage() : commandHelp(topic));
    return 0;
  }
  if (first.startsWith("-") || !(first in COMMANDS)) {
    throw new UsageError(
      first.startsWith("-") ? `${first}: give a command first\n\n${usage()}` : unknownCommand(first),
    );
  }
  const parsed = parseCommand(first, rest);
  if ("help" in parsed) {
    process.stdout.write(parsed.help);
    return 0;
  }
  if (first === "check" || first === "plan" || first === "apply") {
    const { localCommand } = await import("./local.js");
    return localCommand(parsed);
  }
  if (first === "reconcile") {
    const { reconcileCommand } = await import("./reconcile.js");
    return reconcileCommand(parsed);
  }
  // Loaded on demand: check/plan/apply never load the database drivers.
  const { databaseCommand } = await import("./database.js");
  return databaseCommand(parsed);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A UsageError (how the CLI was called) and a set-up failure (database unreachable) both exit 2;
    // 1 is kept for "a file would be rejected".
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`gitops-ingest: ${message}\n`);
    process.exitCode = 2;
  },
);
