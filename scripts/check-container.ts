/**
 * `npm run check:container`: what `docker build` and `docker run` would do, without a Docker engine.
 * 1. A fresh clone of HEAD, `npm ci` (which builds through `prepare`): must succeed and leave the
 *    tree clean (no rewritten lock file).
 * 2. The runtime stage by hand: package.json + lock, `npm ci --omit=dev --ignore-scripts`, the built
 *    dist/, bin/, app.yml; then the Dockerfile's own CMD with its ENV (on 127.0.0.1 and a free port)
 *    must answer the Dockerfile's own HEALTHCHECK command, with no tsx or TypeScript installed.
 * Committed work only (it clones HEAD).
 */
import { execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerfileStages, execForm, type Stage } from "./dockerfile.js";

const project = join(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "gitops-container-"));
const sh = (cmd: string, args: string[], cwd?: string) =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
const step = (message: string) => console.log(`\n== ${message}`);

try {
  step("fresh clone of HEAD, npm ci");
  const clone = join(work, "clone");
  sh("git", ["clone", "--quiet", project, clone]);
  sh("npm", ["ci", "--no-audit", "--no-fund"], clone);
  const dirty = sh("git", ["status", "--porcelain"], clone);
  if (dirty.trim() !== "") throw new Error(`npm ci left the tree changed:\n${dirty}`);
  if (!existsSync(join(clone, "dist", "src", "server.js"))) throw new Error("npm ci did not build dist/");
  console.log("npm ci: ok, tree clean, dist/ built");

  step("runtime stage: npm ci --omit=dev, compiled code only");
  const runtime = dockerfileStages().at(-1) as Stage;
  const instruction = (op: string) => {
    const found = runtime.instructions.find((i) => i.op === op);
    if (!found) throw new Error(`the Dockerfile's last stage has no ${op}`);
    return found.args;
  };
  const app = join(work, "app");
  for (const path of ["package.json", "package-lock.json", "app.yml", "bin", "dist"])
    cpSync(join(clone, path), join(app, path), { recursive: true });
  sh("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], app);
  // typescript is not checked: graphile-worker's cosmiconfig names it as an optional peer, which npm then
  // keeps in a production install (unused at run time; the app runs compiled dist/).
  for (const devOnly of ["tsx", "vitest", "@biomejs/biome"]) {
    if (existsSync(join(app, "node_modules", devOnly)))
      throw new Error(`${devOnly} is installed in production`);
  }
  console.log("production install: ok (no tsx, vitest, biome)");

  step("the Dockerfile's CMD answers its HEALTHCHECK");
  const env = Object.fromEntries(
    runtime.instructions
      .filter((i) => i.op === "ENV")
      .flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]])),
  );
  const port = await freePort();
  const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  });
  const [command, ...args] = execForm(instruction("CMD"));
  const server = spawn(command === "node" ? process.execPath : (command as string), args, {
    cwd: app,
    env: {
      PATH: process.env.PATH,
      ...env,
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: join(work, "data"),
      APP_ID: "1",
      PRIVATE_KEY: key,
      WEBHOOK_SECRET: "container-check",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  try {
    const [hcCommand, ...hcArgs] = execForm(instruction("HEALTHCHECK"));
    let healthy = false;
    for (let attempt = 0; attempt < 120 && !healthy && server.exitCode === null; attempt++) {
      try {
        execFileSync(hcCommand === "node" ? process.execPath : (hcCommand as string), hcArgs, {
          env: { PATH: process.env.PATH, PORT: String(port) },
        });
        healthy = true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    if (!healthy) throw new Error("the server never passed the HEALTHCHECK");
    const body = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    console.log(`HEALTHCHECK: ok, /health says ${JSON.stringify(body)}`);
  } finally {
    server.kill("SIGTERM");
  }
  console.log("\nOK: the container's install, start command and health check work");
} finally {
  rmSync(work, { recursive: true, force: true });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
