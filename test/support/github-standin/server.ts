/** The HTTP server: prefixes, body parsing, request log, fault injection, hooks, routing, auth. */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { authenticate, authRoutes, requireAuth, TokenStore } from "./auth.js";
import { GitRepo } from "./git.js";
import { graphqlRoutes } from "./graphql.js";
import {
  DOCS,
  HttpError,
  notFound,
  type Reply,
  type RequestContext,
  type ResolvedOptions,
  type Route,
  type StandinState,
} from "./http.js";
import { Mutex } from "./mutex.js";
import { CheckRunStore, checkRoutes } from "./routes-checks.js";
import { gitRoutes } from "./routes-git.js";
import { repoRoutes } from "./routes-repo.js";
import type {
  FaultMatch,
  FaultResponse,
  RecordedRequest,
  RequestMatch,
  Standin,
  StandinOptions,
} from "./types.js";
import { graphqlProblems, loadGitHubDescriptions, restProblems } from "./validate.js";

const ROUTES: Route[] = [...authRoutes, ...repoRoutes, ...gitRoutes, ...checkRoutes, ...graphqlRoutes];

/** Internals reachable from helpers (pushFiles, gitIn) without widening the public interface. */
export const internals = new WeakMap<Standin, { git: GitRepo; state: StandinState }>();

const DEFAULT_FAULT_MESSAGES: Record<number, string> = {
  403: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
  409: "Git Repository is empty.",
  422: "Validation Failed",
  429: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
  500: "Server Error",
  502: "Server Error",
  503: "Service Unavailable",
  504: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.",
};

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

function matches(m: RequestMatch, method: string, path: string, body: unknown): boolean {
  if (m.method && m.method.toUpperCase() !== method) return false;
  if (m.body) {
    m.body.lastIndex = 0;
    if (!m.body.test(JSON.stringify(body ?? null))) return false;
  }
  m.path.lastIndex = 0;
  return m.path.test(path);
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks, size));
    });
    req.on("error", reject);
  });
}

export async function startStandin(options: StandinOptions): Promise<Standin> {
  // Validation must not stall the first request (and the app sharing this process) for seconds.
  loadGitHubDescriptions();
  const resolved: ResolvedOptions = {
    owner: options.owner,
    repo: options.repo,
    defaultBranch: options.defaultBranch ?? "main",
    installationId: options.installationId ?? 1,
    appId: options.appId ?? 1,
    appIdExplicit: options.appId !== undefined,
    appSlug: options.appSlug ?? "gitops-ingest",
    maxTreeEntries: options.maxTreeEntries ?? 100_000,
    graphqlBlobTextLimit: options.graphqlBlobTextLimit ?? 512 * 1024,
    tokenTtlMs: options.tokenTtlMs ?? 3_600_000,
    staticTokens: options.staticTokens ?? [],
    maxBodyBytes: options.maxBodyBytes ?? 256 * 1024 * 1024,
    emptyRepoConflict: options.emptyRepoConflict ?? true,
  };
  const ownsWorkdir = options.workdir === undefined;
  const workdir = options.workdir ?? (await mkdtemp(join(tmpdir(), "github-standin-")));
  await mkdir(workdir, { recursive: true });
  const bareRepoPath = join(workdir, `${resolved.repo}.git`);
  const scratch = join(workdir, "scratch");
  const git = await GitRepo.init(bareRepoPath, scratch, resolved.defaultBranch);

  const state: StandinState = {
    options: resolved,
    git,
    writeLock: new Mutex(),
    tokens: new TokenStore(resolved.tokenTtlMs, resolved.staticTokens),
    checks: new CheckRunStore(),
    nonEmpty: false,
    repoId: 700_000_000 + (Number.parseInt(randomBytes(3).toString("hex"), 16) % 1_000_000),
  };
  const requests: RecordedRequest[] = [];
  const faults: Array<{ match: FaultMatch; response: FaultResponse; remaining: number }> = [];
  const hooks: Array<{ match: RequestMatch; hook: () => Promise<void> | void }> = [];
  let baseUrl = "";
  const started = new WeakMap<RecordedRequest, number>();

  const send = (res: ServerResponse, record: RecordedRequest, reply: Reply, ifNoneMatch?: string) => {
    // GitHub answers a GET with an ETag and a conditional GET whose ETag still matches with 304
    // and no body (which does not count against the primary rate limit).
    let etag: string | undefined;
    if (record.method === "GET" && reply.status === 200 && !reply.raw) {
      etag = `W/"${createHash("sha256")
        .update(JSON.stringify(reply.body ?? {}))
        .digest("hex")}"`;
      if (ifNoneMatch === etag) reply = { status: 304, body: undefined, headers: reply.headers ?? {} };
    }
    record.status = reply.status;
    record.durationMs = Date.now() - (started.get(record) ?? Date.now());
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": `${randomBytes(2).toString("hex").toUpperCase()}:${randomBytes(3).toString("hex").toUpperCase()}:${randomBytes(4).toString("hex").toUpperCase()}`,
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-used": "1",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-resource": record.path === "/graphql" ? "graphql" : "core",
      ...(etag ? { etag } : {}),
      ...reply.headers,
    };
    let payload: Buffer | undefined;
    if (reply.raw) payload = reply.raw;
    else if (reply.status !== 204 && reply.status !== 304)
      payload = Buffer.from(JSON.stringify(reply.body ?? {}));
    if (payload) headers["content-length"] = String(payload.length);
    res.writeHead(reply.status, headers);
    res.end(payload);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://standin.invalid");
    let rawPath = url.pathname.replace(/\/{2,}/g, "/");
    if (rawPath === "/api/graphql") rawPath = "/graphql";
    else if (rawPath === "/api/v3" || rawPath.startsWith("/api/v3/"))
      rawPath = rawPath.slice("/api/v3".length) || "/";
    if (rawPath.length > 1 && rawPath.endsWith("/")) rawPath = rawPath.slice(0, -1);
    const path = decodePath(rawPath);
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status: 0,
      auth: "none",
    };
    requests.push(record);
    started.set(record, Date.now());

    let bytes: Buffer;
    try {
      bytes = await readBody(req, resolved.maxBodyBytes);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        res.setHeader("connection", "close");
        send(res, record, {
          status: 413,
          body: { message: "Request body too large", documentation_url: DOCS },
        });
        req.resume();
        return;
      }
      throw e;
    }
    if (bytes.length > 0) {
      try {
        record.body = JSON.parse(bytes.toString("utf8"));
      } catch {
        send(res, record, {
          status: 400,
          body: { message: "Problems parsing JSON", documentation_url: DOCS },
        });
        return;
      }
    }

    // Reject what GitHub rejects (and record it), before any hook or fault.
    const problems =
      path === "/graphql"
        ? method === "POST"
          ? graphqlProblems(record.body)
          : []
        : restProblems(method, rawPath, url.searchParams, record.body);
    if (problems && problems.length > 0) {
      record.invalid = problems;
      if (path === "/graphql")
        send(res, record, { status: 200, body: { errors: problems.map((message) => ({ message })) } });
      else
        send(res, record, {
          status: 422,
          body: {
            message: `Invalid request.\n\n${problems.join("\n")}`,
            documentation_url: DOCS,
            status: "422",
          },
        });
      return;
    }

    const hookIndex = hooks.findIndex((h) => matches(h.match, method, path, record.body));
    if (hookIndex >= 0) {
      const [h] = hooks.splice(hookIndex, 1);
      try {
        await h?.hook();
      } catch (e) {
        record.error = `beforeNext hook failed: ${e instanceof Error ? e.message : String(e)}`;
        send(res, record, { status: 500, body: { message: record.error } });
        return;
      }
    }

    const fault = faults.find((f) => f.remaining > 0 && matches(f.match, method, path, record.body));
    const sendFault = (f: NonNullable<typeof fault>) => {
      f.remaining--;
      if (f.remaining === 0) faults.splice(faults.indexOf(f), 1);
      record.injected = true;
      const status = f.response.status;
      const body = f.response.body ?? {
        message: DEFAULT_FAULT_MESSAGES[status] ?? `Injected failure (${status})`,
        documentation_url: DOCS,
      };
      send(res, record, { status, body, ...(f.response.headers ? { headers: f.response.headers } : {}) });
    };
    if (fault && !fault.match.afterApplying) {
      sendFault(fault);
      return;
    }

    const auth = authenticate({ headers: req.headers }, state);
    record.auth = auth.kind;
    const ctx: RequestContext = {
      method,
      path: rawPath,
      query: url.searchParams,
      headers: req.headers,
      body: record.body,
      apiBase: `${baseUrl}/api/v3`,
      webBase: baseUrl,
      state,
      record,
    };

    let reply: Reply;
    try {
      let route: Route | undefined;
      let m: RegExpExecArray | null = null;
      for (const r of ROUTES) {
        if (r.method !== method && !(method === "HEAD" && r.method === "GET")) continue;
        m = r.pattern.exec(rawPath);
        if (m) {
          route = r;
          break;
        }
      }
      if (!route || !m) {
        record.unhandled = true;
        throw notFound();
      }
      requireAuth(route, auth);
      let params = m.slice(1).map((p) => (p === undefined ? "" : decodePath(p)));
      if (route.repo) {
        const [owner, repo] = params;
        if (
          owner?.toLowerCase() !== resolved.owner.toLowerCase() ||
          repo?.toLowerCase() !== resolved.repo.toLowerCase()
        ) {
          throw notFound();
        }
        params = params.slice(2);
        // Like GitHub: the git database and commit endpoints answer 409 while the repository is empty
        // (so the Git Data API can't make the very first commit; push one with pushFiles first).
        if (resolved.emptyRepoConflict && /^\/repos\/[^/]+\/[^/]+\/(git|commits)\//.test(rawPath)) {
          if (!state.nonEmpty) state.nonEmpty = (await git.listRefs()).length > 0;
          if (!state.nonEmpty)
            throw new HttpError(409, "Git Repository is empty.", { documentation_url: DOCS });
        }
      }
      reply = await route.handler(ctx, params);
    } catch (e) {
      if (e instanceof HttpError) {
        reply = { status: e.status, body: { message: e.message, ...e.extra } };
      } else {
        record.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
        reply = {
          status: 500,
          body: { message: `Stand-in error: ${e instanceof Error ? e.message : String(e)}` },
        };
      }
    }
    if (fault?.match.afterApplying) {
      sendFault(fault);
      return;
    }
    send(res, record, reply, req.headers["if-none-match"]);
  };

  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ message: `Stand-in error: ${e instanceof Error ? e.message : String(e)}` }));
      }
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  let closed = false;
  const standin: Standin = {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/v3`,
    bareRepoPath,
    owner: resolved.owner,
    repo: resolved.repo,
    defaultBranch: resolved.defaultBranch,
    repoNodeId: `R_${state.repoId}`,
    installationId: resolved.installationId,
    appId: resolved.appId,
    appSlug: resolved.appSlug,
    requests,
    checkRuns: () => state.checks.snapshot(),
    failNext(match, response) {
      faults.push({ match, response, remaining: match.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    beforeNext(match, hook) {
      hooks.push({ match, hook });
    },
    resetLog() {
      requests.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (ownsWorkdir) await rm(workdir, { recursive: true, force: true });
    },
  };
  internals.set(standin, { git, state });
  return standin;
}
