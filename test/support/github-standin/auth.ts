/**
 * Authentication like a GitHub App sees it: app JWTs (structure checked, signature not), installation
 * tokens issued by `POST /app/installations/:id/access_tokens`, and the app/installation endpoints.
 */
import { randomBytes } from "node:crypto";
import {
  HttpError,
  notFound,
  ok,
  type RequestContext,
  type Route,
  repoRoute,
  type StandinState,
} from "./http.js";

export const DEFAULT_PERMISSIONS: Record<string, string> = {
  checks: "write",
  contents: "write",
  metadata: "read",
  pull_requests: "write",
};

export class TokenStore {
  private readonly tokens = new Map<string, { expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    staticTokens: readonly string[],
  ) {
    for (const t of staticTokens) this.tokens.set(t, { expiresAt: Number.POSITIVE_INFINITY });
  }

  issue(): { token: string; expiresAt: Date } {
    const token = `ghs_${randomBytes(18).toString("base64url").replace(/[-_]/g, "x")}`;
    const expiresAt = new Date(Date.now() + this.ttlMs);
    this.tokens.set(token, { expiresAt: expiresAt.getTime() });
    return { token, expiresAt };
  }

  isValid(token: string): boolean {
    const t = this.tokens.get(token);
    return t !== undefined && t.expiresAt > Date.now();
  }
}

export type AuthKind = "jwt" | "token" | "none" | "invalid";

export interface AuthResult {
  kind: AuthKind;
  /** For "jwt": the decoded payload; for "token": the token. */
  jwtPayload?: Record<string, unknown>;
  token?: string;
  /** Why a JWT was rejected. */
  jwtError?: string;
}

function decodeJwtPart(part: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Classify the Authorization header. Does not decide whether the route accepts it. */
export function authenticate(ctx: Pick<RequestContext, "headers">, state: StandinState): AuthResult {
  const raw = ctx.headers.authorization;
  const header = Array.isArray(raw) ? raw[0] : raw;
  if (!header) return { kind: "none" };
  const m = /^(bearer|token)\s+(\S+)\s*$/i.exec(header);
  if (!m) return { kind: "invalid" };
  const scheme = (m[1] as string).toLowerCase();
  const credential = m[2] as string;
  const parts = credential.split(".");
  if (scheme === "bearer" && parts.length === 3) {
    const head = decodeJwtPart(parts[0] as string);
    const payload = decodeJwtPart(parts[1] as string);
    if (!head || !payload || !/^[A-Za-z0-9_-]+$/.test(parts[2] as string)) {
      return { kind: "invalid", jwtError: "A JSON web token could not be decoded" };
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== "number" || payload.exp < now - 60) {
      return {
        kind: "invalid",
        jwtError:
          "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
      };
    }
    if (payload.iss === undefined) {
      return { kind: "invalid", jwtError: "'Issuer' claim ('iss') must be an Integer" };
    }
    if (state.options.appIdExplicit && String(payload.iss) !== String(state.options.appId)) {
      return { kind: "invalid", jwtError: "Integration not found" };
    }
    return { kind: "jwt", jwtPayload: payload };
  }
  if (state.tokens.isValid(credential)) return { kind: "token", token: credential };
  return { kind: "invalid" };
}

/** Throws 401 unless the request carries what the route needs. */
export function requireAuth(route: Route, auth: AuthResult): void {
  if (route.auth === "none") return;
  if (route.auth === "jwt") {
    if (auth.kind !== "jwt") {
      throw new HttpError(401, auth.jwtError ?? "A JSON web token could not be decoded", {
        documentation_url: "https://docs.github.com/rest",
      });
    }
    return;
  }
  if (auth.kind !== "token") {
    throw new HttpError(401, "Bad credentials", { documentation_url: "https://docs.github.com/rest" });
  }
}

export function appObject(state: StandinState, webBase: string) {
  const o = state.options;
  return {
    id: o.appId,
    slug: o.appSlug,
    client_id: `Iv1.${o.appSlug}`,
    node_id: `A_${o.appId}`,
    owner: { login: o.owner, id: 1, type: "Organization" },
    name: o.appSlug,
    description: "GitHub stand-in app",
    external_url: webBase,
    html_url: `${webBase}/apps/${o.appSlug}`,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    permissions: DEFAULT_PERMISSIONS,
    events: ["push", "check_run", "check_suite"],
    installations_count: 1,
  };
}

export function installationObject(state: StandinState, apiBase: string, webBase: string) {
  const o = state.options;
  return {
    id: o.installationId,
    account: { login: o.owner, id: 1, type: "Organization" },
    app_id: o.appId,
    app_slug: o.appSlug,
    client_id: `Iv1.${o.appSlug}`,
    target_id: 1,
    target_type: "Organization",
    repository_selection: "selected",
    access_tokens_url: `${apiBase}/app/installations/${o.installationId}/access_tokens`,
    repositories_url: `${apiBase}/installation/repositories`,
    html_url: `${webBase}/organizations/${o.owner}/settings/installations/${o.installationId}`,
    permissions: DEFAULT_PERMISSIONS,
    events: ["push", "check_run", "check_suite"],
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    single_file_name: null,
    suspended_at: null,
    suspended_by: null,
  };
}

export function repositoryObject(state: StandinState, apiBase: string, webBase: string) {
  const o = state.options;
  return {
    id: state.repoId,
    node_id: `R_${state.repoId}`,
    name: o.repo,
    full_name: `${o.owner}/${o.repo}`,
    owner: { login: o.owner, id: 1, type: "Organization" },
    private: false,
    html_url: `${webBase}/${o.owner}/${o.repo}`,
    url: `${apiBase}/repos/${o.owner}/${o.repo}`,
    default_branch: o.defaultBranch,
    archived: false,
    disabled: false,
    visibility: "public",
    permissions: { admin: false, maintain: false, push: true, triage: false, pull: true },
  };
}

export const authRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/app$/,
    auth: "jwt",
    handler: async (ctx) => ok(appObject(ctx.state, ctx.webBase)),
  },
  {
    method: "GET",
    pattern: /^\/app\/installations$/,
    auth: "jwt",
    handler: async (ctx) => ok([installationObject(ctx.state, ctx.apiBase, ctx.webBase)]),
  },
  {
    method: "GET",
    pattern: /^\/app\/installations\/(\d+)$/,
    auth: "jwt",
    handler: async (ctx, [id]) => {
      if (Number(id) !== ctx.state.options.installationId) throw notFound();
      return ok(installationObject(ctx.state, ctx.apiBase, ctx.webBase));
    },
  },
  {
    method: "POST",
    pattern: /^\/app\/installations\/(\d+)\/access_tokens$/,
    auth: "jwt",
    handler: async (ctx, [id]) => {
      if (Number(id) !== ctx.state.options.installationId) throw notFound();
      const body = (ctx.body ?? {}) as Record<string, unknown>;
      const { token, expiresAt } = ctx.state.tokens.issue();
      const requested = body.permissions;
      const permissions =
        typeof requested === "object" && requested !== null
          ? (requested as Record<string, string>)
          : DEFAULT_PERMISSIONS;
      const response: Record<string, unknown> = {
        token,
        expires_at: expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
        permissions,
        repository_selection: "selected",
      };
      if (Array.isArray(body.repositories) || Array.isArray(body.repository_ids)) {
        response.repositories = [repositoryObject(ctx.state, ctx.apiBase, ctx.webBase)];
      }
      return ok(response, 201);
    },
  },
  repoRoute(
    "GET",
    "/installation",
    async (ctx) => ok(installationObject(ctx.state, ctx.apiBase, ctx.webBase)),
    "jwt",
  ),
  {
    method: "GET",
    pattern: /^\/installation\/repositories$/,
    auth: "token",
    handler: async (ctx) =>
      ok({
        total_count: 1,
        repository_selection: "selected",
        repositories: [repositoryObject(ctx.state, ctx.apiBase, ctx.webBase)],
      }),
  },
  {
    method: "GET",
    pattern: /^\/rate_limit$/,
    auth: "token",
    handler: async () => {
      const reset = Math.floor(Date.now() / 1000) + 3600;
      const core = { limit: 5000, used: 1, remaining: 4999, reset };
      return ok({ resources: { core, graphql: core }, rate: core });
    },
  },
];
