/** Request context, errors and helpers shared by the route modules. */

import type { TokenStore } from "./auth.js";
import type { GitRepo } from "./git.js";
import type { Mutex } from "./mutex.js";
import type { CheckRunStore } from "./routes-checks.js";
import type { RecordedRequest } from "./types.js";

export interface ResolvedOptions {
  owner: string;
  repo: string;
  defaultBranch: string;
  installationId: number;
  appId: number;
  appIdExplicit: boolean;
  appSlug: string;
  maxTreeEntries: number;
  graphqlBlobTextLimit: number;
  tokenTtlMs: number;
  staticTokens: string[];
  maxBodyBytes: number;
  emptyRepoConflict: boolean;
}

/** Everything a route handler can reach. */
export interface StandinState {
  options: ResolvedOptions;
  git: GitRepo;
  /** Serializes ref writes (and anything else read-check-write) in this repository. */
  writeLock: Mutex;
  tokens: TokenStore;
  checks: CheckRunStore;
  repoId: number;
  /** Set once the repository is seen with at least one ref (see emptyRepoConflict). */
  nonEmpty: boolean;
}

export interface RequestContext {
  method: string;
  /** Path without /api/v3 and without the query, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Base for absolute URLs in responses, e.g. http://127.0.0.1:PORT/api/v3 */
  apiBase: string;
  webBase: string;
  state: StandinState;
  record: RecordedRequest;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send these bytes as-is instead of JSON. */
  raw?: Buffer;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const DOCS = "https://docs.github.com/rest";

export function notFound(): HttpError {
  return new HttpError(404, "Not Found", { documentation_url: DOCS });
}

export function unprocessable(message: string, errors?: unknown[]): HttpError {
  return new HttpError(422, message, {
    ...(errors ? { errors } : {}),
    documentation_url: DOCS,
    status: "422",
  });
}

export function ok(body: unknown, status = 200, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

export type Handler = (ctx: RequestContext, params: string[]) => Promise<Reply>;

export interface Route {
  method: string;
  /** Matched against the path (percent-encoded); captures are decoded and passed as params. */
  pattern: RegExp;
  /** "jwt" = app endpoints; "token" = installation token; "none" = open. */
  auth: "jwt" | "token" | "none";
  /** The first two captures are owner and repo: checked against the stand-in's repository, then dropped. */
  repo?: boolean;
  handler: Handler;
}

/** A route under /repos/:owner/:repo; `suffix` is a regex source for the rest of the path. */
export function repoRoute(
  method: string,
  suffix: string,
  handler: Handler,
  auth: Route["auth"] = "token",
): Route {
  return { method, pattern: new RegExp(`^/repos/([^/]+)/([^/]+)${suffix}$`), auth, repo: true, handler };
}

/** Base64 the way GitHub's contents and blobs APIs do: 60-character lines, each ending in a newline. */
export function base64Lines(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString("base64");
  let out = "";
  for (let i = 0; i < b64.length; i += 60) out += `${b64.slice(i, i + 60)}\n`;
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function bodyObject(ctx: RequestContext): Record<string, unknown> {
  if (ctx.body === undefined) return {};
  if (!isRecord(ctx.body)) throw new HttpError(400, "Problems parsing JSON", { documentation_url: DOCS });
  return ctx.body;
}

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Pagination over an in-memory list with a GitHub-style Link header. */
export function paginate<T>(
  ctx: RequestContext,
  items: readonly T[],
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 30) || 30));
  const pageNo = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
  const page = items.slice((pageNo - 1) * perPage, pageNo * perPage);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const q = new URLSearchParams(ctx.query);
    q.set("per_page", String(perPage));
    q.set("page", String(n));
    return `<${ctx.apiBase}${ctx.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (pageNo < last) links.push(link(pageNo + 1, "next"), link(last, "last"));
  if (pageNo > 1) links.push(link(1, "first"), link(pageNo - 1, "prev"));
  return { page, headers: links.length > 0 ? { link: links.join(", ") } : {} };
}
