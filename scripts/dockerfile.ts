/**
 * Reads the Dockerfile into stages and instructions (continuation lines joined), so the structure
 * test and check-container.mjs follow what the Dockerfile really says instead of a copy of it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const DOCKERFILE = join(import.meta.dirname, "..", "Dockerfile");

export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

export function dockerfileStages(text = readFileSync(DOCKERFILE, "utf8")): Stage[] {
  const joined = text.replace(/\\\n/g, " ");
  const stages: Stage[] = [];
  for (const raw of joined.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [, op = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { op: op.toUpperCase(), args: args.replace(/\s+/g, " ").trim() };
    if (instruction.op === "FROM") {
      const [, from = "", name = ""] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(instruction.args) ?? [];
      stages.push({ name, from, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The exec-form command of a CMD (or HEALTHCHECK … CMD) instruction, as an argv array. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf("["));
  return JSON.parse(json);
}
