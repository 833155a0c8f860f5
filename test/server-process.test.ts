/**
 * The server as it is deployed: `node dist/src/server.js` as a real process. The setup page's
 * manifest, setup mode without a database, /health up and down, the production warning, and
 * webhooks at the URL the setup page registers.
 */
import { createHmac, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, SECRET, startHarness } from "./support/e2e.js";
import { sampleInbox } from "./support/fabric.js";
import { pushFiles } from "./support/github-standin/index.js";
import { freshPostgresSchema } from "./support/postgres-schema.js";
import { type ServerProcess, startServerProcess, TEST_PRIVATE_KEY } from "./support/server-process.js";
import { startTcpProxy } from "./support/tcp-proxy.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(env: Record<string, string>, readyPath?: string): Promise<ServerProcess> {
  const started = await startServerProcess(env, readyPath ? { readyPath } : {});
  cleanups.push(() => started.stop());
  return started;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gitops-server-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const CREDENTIALS = { APP_ID: "12345", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: SECRET };

describe("setup mode (no credentials)", () => {
  it("posts a manifest whose webhook URL is this server's, with every handled event, and opens no database", async () => {
    const dataDir = join(await tempDir(), "pglite");
    const setup = await server({ DATA_DIR: dataDir, NO_SMEE_SETUP: "true" }, "/probot");
    const page = await (await fetch(`${setup.url}/probot`)).text();
    const value = /name="manifest" id="manifest" value='([^']*)'/.exec(page)?.[1];
    expect(value).toBeDefined();
    const manifest = JSON.parse(value as string);
    expect(manifest.hook_attributes).toEqual({ url: `${setup.url}/` });
    expect([...manifest.default_events].sort()).toEqual([
      "check_run",
      "check_suite",
      "installation",
      "installation_repositories",
      "pull_request",
      "push",
    ]);
    expect(manifest.default_permissions).toEqual({
      contents: "write",
      checks: "write",
      metadata: "read",
      pull_requests: "read",
    });
    expect(manifest.redirect_url).toBe(`${setup.url}/probot/setup`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("registers WEBHOOK_PROXY_URL (a smee.io channel) as the webhook URL when it is set", async () => {
    // A stand-in smee.io channel: an event stream that stays open (smee-client connects at start).
    const channel = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" }).write(": ready\n\n");
    });
    await new Promise<void>((resolve) => channel.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => channel.close(resolve)));
    channel.unref();
    const address = channel.address() as AddressInfo;
    const proxyUrl = `http://127.0.0.1:${address.port}/smee-channel`;
    const setup = await server({ WEBHOOK_PROXY_URL: proxyUrl }, "/probot");
    const page = await (await fetch(`${setup.url}/probot`)).text();
    const manifest = JSON.parse(/name="manifest" id="manifest" value='([^']*)'/.exec(page)?.[1] ?? "{}");
    expect(manifest.hook_attributes).toEqual({ url: proxyUrl });
  });
});

describe("GET /health", () => {
  it("answers 200 with the database reachable and the version; warns in production without DATABASE_URL", {
    timeout: 120_000,
  }, async () => {
    const app = await server({ ...CREDENTIALS, NODE_ENV: "production", DATA_DIR: "memory://" }, "/health");
    const response = await fetch(`${app.url}/health`);
    expect(response.status).toBe(200);
    const { version } = await import("../package.json", { with: { type: "json" } }).then((m) => m.default);
    expect(await response.json()).toEqual({ status: "ok", database: "reachable", version });
    const warning = app
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line))
      .find((entry) => entry.level === 40);
    expect(warning?.msg).toContain(
      "NODE_ENV=production without DATABASE_URL: the embedded database is in memory://",
    );
    expect(warning?.msg).toContain("lost with the container");
  });

  describe.runIf(process.env.DATABASE_URL)("on Postgres", () => {
    it("answers 503 while the database is unreachable, and 200 again once it is back", async () => {
      const url = new URL(process.env.DATABASE_URL as string);
      const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
      cleanups.push(() => proxy.close());
      const schema = freshPostgresSchema(process.env.DATABASE_URL as string, cleanups, "health");
      url.host = `127.0.0.1:${proxy.port}`;
      const app = await server(
        { ...CREDENTIALS, DATABASE_URL: url.toString(), DATABASE_SCHEMA: schema },
        "/ping",
      );
      expect((await fetch(`${app.url}/health`)).status).toBe(200);

      proxy.down();
      const down = await fetch(`${app.url}/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: "unavailable", database: "unreachable" });

      proxy.up();
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
    });
  });
});

describe("webhooks at the URL the setup page registers", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it("a signed push POSTed to / is handled like one POSTed to /api/github/webhooks", {
    timeout: 120_000,
  }, async () => {
    h = await startHarness();
    const harness = h;
    const files = sampleInbox();
    const before = "0".repeat(40);
    // Commit with git, then deliver the push to "/" ourselves.
    const after = await pushFiles(harness.gh, "main", files, "Add the inbox");
    const body = JSON.stringify(harness.pushPayload(before, after, Object.keys(files)));
    const response = await fetch(`${harness.appUrl}/`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": randomBytes(8).toString("hex"),
        "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
      },
      body,
    });
    expect(response.status).toBe(200);
    const [check] = await harness.waitForChecks(after);
    expect(check?.output.title).toBe("Ingested 48 resources from 3 files");
  });

  it("with WEBHOOK_PROXY_URL, a push relayed by the smee channel is ingested (smee-client is installed)", {
    timeout: 120_000,
  }, async () => {
    // A stand-in smee.io channel: the app's smee client connects, and we relay one delivery through it.
    let relay: ((event: unknown) => void) | undefined;
    let onConnect = () => {};
    const connected = new Promise<void>((resolve) => {
      onConnect = resolve;
    });
    const channel = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" }).write(": ready\n\n");
      relay = (event) => res.write(`data: ${JSON.stringify(event)}\n\n`);
      onConnect();
    });
    await new Promise<void>((resolve) => channel.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => {
      channel.closeAllConnections();
      return new Promise((done) => channel.close(done));
    });
    const proxyUrl = `http://127.0.0.1:${(channel.address() as AddressInfo).port}/channel`;
    h = await startHarness({ env: { WEBHOOK_PROXY_URL: proxyUrl } });
    await connected;
    const files = sampleInbox();
    const after = await pushFiles(h.gh, "main", files, "Add the inbox");
    const payload = h.pushPayload("0".repeat(40), after, Object.keys(files));
    relay?.({
      "x-github-event": "push",
      "x-github-delivery": randomBytes(8).toString("hex"),
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(JSON.stringify(payload)).digest("hex")}`,
      body: payload,
    });
    const [check] = await h.waitForChecks(after);
    expect(check?.output.title).toBe("Ingested 48 resources from 3 files");
  });
});
