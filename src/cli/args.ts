/**
 * The CLI's commands, their options and their help, and the checks on option values. Every
 * mistake in how the CLI was called becomes a UsageError (exit 2) with a message naming the option.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import picomatch from "picomatch";
import { CONFIG_FILE } from "../config.js";
import { UsageError } from "./usage-error.js";

export const FORMATS = ["text", "json", "github", "junit", "tap"] as const;
export type Format = (typeof FORMATS)[number];

type OptionSpec = NonNullable<ParseArgsConfig["options"]>[string] & { help: string; value?: string };

const FORMAT_HELP = (formats: readonly Format[]) => ({
  type: "string",
  value: formats.join("|"),
  help: `output format (default text${formats.includes("github") ? "; github: workflow commands that annotate a pull request" : ""})`,
});

const INPUT_OPTIONS: Record<string, OptionSpec> = {
  format: FORMAT_HELP(FORMATS) as OptionSpec,
  "root-glob": {
    type: "string",
    multiple: true,
    value: "GLOB",
    help: `inbox glob, repeatable (default from .github/${CONFIG_FILE}, else gitops/**/raw)`,
  },
  strict: { type: "boolean", help: "unresolved references are errors" },
  "max-file-bytes": {
    type: "string",
    value: "N",
    help: "reject raw files larger than N bytes unread (default 5 MiB)",
  },
};

const DATABASE_FORMATS = ["text", "json"] as const satisfies readonly Format[];

export interface CommandSpec {
  summary: string;
  /** What goes after the command name in the usage line. */
  operands: string;
  description: string;
  options: Record<string, OptionSpec>;
  formats: readonly Format[];
}

const INPUTS_DESCRIPTION = `PATH is a checkout: every inbox under it that the root globs match (gitops/**/raw by default)
is checked as its fabric root, with the root's managed/ tree. A folder with no inbox, YAML files,
and - (standard input) are checked together as the raw/ of one fabric with an empty managed/ tree.`;

export const COMMANDS: Record<string, CommandSpec> = {
  check: {
    summary: "validate raw files; exit 1 if any file would be rejected",
    operands: "[PATH...|-]",
    description: `Validates what waits in raw/ and prints each problem at its file, line and column.\n${INPUTS_DESCRIPTION}\nPATH defaults to the current folder.`,
    options: INPUT_OPTIONS,
    formats: FORMATS,
  },
  plan: {
    summary: "dry run: print what an ingestion would do",
    operands: "[PATH...|-]",
    description: `Prints what an ingestion would write, archive and reject, and changes nothing.\n${INPUTS_DESCRIPTION}`,
    options: {
      ...INPUT_OPTIONS,
      "no-archive": { type: "boolean", help: "plan to delete originals instead of archiving them" },
      commit: {
        type: "string",
        value: "SHA",
        help: "source commit naming the archive folder (default: the checkout's HEAD)",
      },
      base: {
        type: "string",
        value: "REF",
        help: "plan against managed/ as it is at this git ref (e.g. origin/main), as a pull-request preview does",
      },
    },
    formats: FORMATS,
  },
  apply: {
    summary: "apply the plan to a checkout's working tree (no commit)",
    operands: "[CHECKOUT]",
    description:
      "Writes managed/ and unmanaged/, archives (or deletes) the ingested originals, leaves rejected\nfiles in raw/. Changes files only; committing is yours. Needs a checkout folder.",
    options: {
      ...INPUT_OPTIONS,
      "no-archive": { type: "boolean", help: "delete originals instead of archiving them" },
      commit: {
        type: "string",
        value: "SHA",
        help: "source commit naming the archive folder (default: the checkout's HEAD)",
      },
    },
    formats: FORMATS,
  },
  migrate: {
    summary: "run database migrations (--status lists them)",
    operands: "",
    description: databaseDescription("Brings the database schema up to date."),
    options: {
      format: FORMAT_HELP(DATABASE_FORMATS) as OptionSpec,
      status: { type: "boolean", help: "list the migrations and when they ran; apply nothing" },
    },
    formats: DATABASE_FORMATS,
  },
  imports: {
    summary: "list recent imports",
    operands: "",
    description: databaseDescription("Lists the imports the app recorded, newest first."),
    options: {
      format: FORMAT_HELP(DATABASE_FORMATS) as OptionSpec,
      repo: { type: "string", value: "OWNER/NAME", help: "only this repository" },
      limit: { type: "string", value: "N", help: "at most N imports (default 20)" },
    },
    formats: DATABASE_FORMATS,
  },
  resources: {
    summary: "list the current resources of a repository",
    operands: "--repo OWNER/NAME",
    description: databaseDescription("Lists the resources managed/ holds, as the app recorded them."),
    options: {
      format: FORMAT_HELP(DATABASE_FORMATS) as OptionSpec,
      repo: { type: "string", value: "OWNER/NAME", help: "the repository (required)" },
      root: { type: "string", value: "PATH", help: "only this fabric root" },
      branch: { type: "string", value: "NAME", help: "only this branch" },
    },
    formats: DATABASE_FORMATS,
  },
  reconcile: {
    summary: "sweep the installed repositories once and run what it finds (the app's credentials)",
    operands: "",
    description: `${databaseDescription(
      "Runs one reconcile sweep, as the app does every RECONCILE_INTERVAL seconds: settles pending imports,\nqueues another try for failed ones that are due, and queues an ingestion for every ingest branch whose\nraw/ holds files with no job waiting. Then runs the queued jobs (another instance on the same\nPostgres may take some) and waits until none is running or due.",
    )}\nGitHub: APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH), GHE_HOST and GHE_PROTOCOL for GitHub Enterprise.\nDo not run it on the embedded database while the app runs on the same DATA_DIR.`,
    options: {
      format: FORMAT_HELP(DATABASE_FORMATS) as OptionSpec,
      repo: { type: "string", value: "OWNER/NAME", help: "only this repository" },
      timeout: { type: "string", value: "SECONDS", help: "longest wait for the jobs (default 600)" },
    },
    formats: DATABASE_FORMATS,
  },
};

function databaseDescription(what: string): string {
  return `${what}\nDatabase: DATABASE_URL (Postgres) and DATABASE_SCHEMA, or the embedded database in DATA_DIR\n(default: .data/pglite in the gitops-ingest installation folder).`;
}

const HELP_OPTION: OptionSpec = { type: "boolean", short: "h", help: "show this help" };

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: gitops-ingest <command> [options]\n\ncommands:\n${lines.join("\n")}\n  ${"help".padEnd(width)}  show help for a command\n\noptions:\n  -h, --help     show help (gitops-ingest <command> --help for a command's options)\n  --version      print the version\n\nExit status: 0 fine, 1 a file would be rejected, 2 a usage or set-up error.\n`;
}

export function commandHelp(name: string): string {
  const spec = COMMANDS[name];
  if (!spec) throw new UsageError(unknownCommand(name));
  const options = { ...spec.options, help: HELP_OPTION };
  const labels = Object.entries(options).map(([option, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ""}--${option}${o.value ? ` ${o.value}` : ""}`;
    return [flag, o.help] as const;
  });
  const width = Math.max(...labels.map(([flag]) => flag.length));
  return `usage: gitops-ingest ${name} ${spec.operands}${spec.operands ? " " : ""}[options]\n\n${spec.description}\n\noptions:\n${labels.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`).join("\n")}\n`;
}

export function unknownCommand(name: string): string {
  return `unknown command "${name}": the commands are ${Object.keys(COMMANDS).join(", ")} (gitops-ingest --help)`;
}

export interface ParsedCommand {
  command: string;
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  format: Format;
}

/** Parses one command's arguments; unknown options, missing values and bad formats are UsageErrors. */
export function parseCommand(command: string, args: string[]): ParsedCommand | { help: string } {
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(unknownCommand(command));
  const options = Object.fromEntries(
    Object.entries({ ...spec.options, help: HELP_OPTION }).map(
      ([name, { help: _help, value: _value, ...o }]) => [name, o],
    ),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util's messages name the option; "unknown option" gets a pointer to the help.
    throw new UsageError(
      `${command}: ${(error as Error).message.split("\n")[0]} (gitops-ingest ${command} --help)`,
    );
  }
  if (parsed.values.help) return { help: commandHelp(command) };
  const format = (parsed.values.format as string | undefined) ?? "text";
  if (!(spec.formats as readonly string[]).includes(format)) {
    throw new UsageError(
      (FORMATS as readonly string[]).includes(format)
        ? `${command} does not print in --format ${format}: use ${spec.formats.join(", ")}`
        : `unknown --format ${format}: use ${spec.formats.join(", ")}`,
    );
  }
  return { command, values: parsed.values, positionals: parsed.positionals, format: format as Format };
}

/** A whole number ≥ 1 given to an option, or a UsageError naming the option. */
export function positiveInteger(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${option} must be a whole number of at least 1, not "${value}"`);
  }
  return Number(value);
}

/** Root globs as given, each one a valid glob. */
export function rootGlobs(values: string[] | undefined): string[] | undefined {
  for (const glob of values ?? []) {
    try {
      picomatch.makeRe(glob);
    } catch {
      throw new UsageError(`--root-glob ${glob} is not a valid glob`);
    }
  }
  return values;
}

/** owner/name, as GitHub spells a repository. */
export function repository(value: string | undefined): string | undefined {
  if (value !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(value)) {
    throw new UsageError(`--repo must be owner/name, not "${value}"`);
  }
  return value;
}
