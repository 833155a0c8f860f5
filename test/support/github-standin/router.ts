/**
 * Several stand-ins behind one URL, as GitHub's API is one host for every repository and
 * installation. Each stand-in keeps its own repository, installation id and request validation:
 * the router only forwards.
 *
 * - `POST /app/installations/:id/access_tokens` and `GET /app/installations/:id` go to the
 *   stand-in with that installation id; the router reads the token it issued.
 * - A request with an installation token (REST and /graphql) goes to the stand-in that issued it.
 * - `/repos/:owner/:repo/installation` goes to the stand-in with that repository.
 * - Any other request (`GET /app`, a JWT, an unknown token) goes to the first stand-in.
 */
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Standin } from "./types.js";

export interface StandinRouter {
  /** e.g. http://127.0.0.1:PORT: give the app GHE_HOST=127.0.0.1:PORT, GHE_PROTOCOL=http. */
  url: string;
  /** Requests forwarded to each stand-in, in the order the stand-ins were given. */
  forwarded(): number[];
  close(): Promise<void>;
}

const readAll = (stream: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });

/** The installation token in an Authorization header (`token x`, or `Bearer x` that is not a JWT). */
function tokenOf(header: string | undefined): string | undefined {
  const m = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header ?? "");
  const credential = m?.[1];
  return credential && credential.split(".").length !== 3 ? credential : undefined;
}

export async function startRouter(standins: Standin[]): Promise<StandinRouter> {
  const first = standins[0];
  if (!first) throw new Error("startRouter: no stand-in");
  const byInstallation = new Map(standins.map((s) => [s.installationId, s]));
  if (byInstallation.size !== standins.length) throw new Error("startRouter: installation ids must differ");
  const byRepo = new Map(standins.map((s) => [`${s.owner}/${s.repo}`.toLowerCase(), s]));
  const byToken = new Map<string, Standin>();
  const counts = new Map<Standin, number>(standins.map((s) => [s, 0]));
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let baseUrl = "";

  const target = (method: string, path: string, auth: string | undefined): Standin => {
    const bare = path.replace(/^\/api\/v3(?=\/)/, "");
    const installation = /^\/app\/installations\/(\d+)(?:\/access_tokens)?$/.exec(bare);
    if (installation) return byInstallation.get(Number(installation[1])) ?? first;
    const repoInstallation = /^\/repos\/([^/]+)\/([^/]+)\/installation$/.exec(bare);
    if (method === "GET" && repoInstallation)
      return byRepo.get(`${repoInstallation[1]}/${repoInstallation[2]}`.toLowerCase()) ?? first;
    const token = tokenOf(auth);
    return (token && byToken.get(token)) || first;
  };

  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://router.invalid");
    const standin = target(method, url.pathname, req.headers.authorization);
    counts.set(standin, (counts.get(standin) ?? 0) + 1);
    const body = await readAll(req);
    const upstream = new URL(standin.url);
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = request(
        {
          agent,
          host: upstream.hostname,
          port: upstream.port,
          method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        resolve,
      );
      out.on("error", reject);
      out.end(body);
    });
    const bytes = await readAll(answer);
    if (answer.statusCode === 201 && /\/access_tokens$/.test(url.pathname)) {
      const issued = (JSON.parse(bytes.toString("utf8")) as { token?: string }).token;
      if (issued) byToken.set(issued, standin);
    }
    // Pagination links point back through the router (the token routes the next page).
    const headers = { ...answer.headers };
    if (typeof headers.link === "string") headers.link = headers.link.split(standin.url).join(baseUrl);
    res.writeHead(answer.statusCode ?? 502, headers);
    res.end(bytes);
  };

  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    forward(req, res).catch((e: unknown) => {
      if (res.headersSent) return res.destroy();
      res.writeHead(502, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ message: `Router error: ${e instanceof Error ? e.message : String(e)}` }));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    forwarded: () => standins.map((s) => counts.get(s) ?? 0),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}
