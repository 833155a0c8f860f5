/** The server started as `npm start` and the container start it: `node dist/src/server.js`, a real process. */
import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { freePort } from "./e2e.js";

export const PROJECT = join(import.meta.dirname, "..", "..");
export const SERVER_JS = join(PROJECT, "dist", "src", "server.js");

/** A throwaway GitHub App key: the server only needs one that parses. */
export const TEST_PRIVATE_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;

export interface ServerProcess {
  url: string;
  /** Everything the process printed so far (pino logs on stdout, errors on stderr). */
  output(): string;
  stop(): Promise<void>;
  /** Sends a signal (SIGKILL: no shutdown at all) and resolves once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** The exit code once the process has exited (null while it runs or when a signal ended it). */
  exitCode(): number | null;
}

/**
 * Starts `node <entry>` with exactly `env` (plus PATH and an ephemeral PORT on 127.0.0.1) in `cwd`,
 * and resolves once it answers `readyPath`.
 */
export async function startServerProcess(
  env: Record<string, string>,
  options: { cwd?: string; entry?: string; readyPath?: string } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [options.entry ?? SERVER_JS], {
    cwd: options.cwd ?? PROJECT,
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: String(port), LOG_FORMAT: "json", ...env },
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    output += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(child);
  try {
    await waitUntilAnswering(`${url}${options.readyPath ?? "/ping"}`, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  const kill = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  return { url, output: () => output, stop, kill, exitCode: () => child.exitCode };
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output()}`);
    const answered = await fetch(url).then(
      () => true,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server did not answer ${url}:\n${output()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
