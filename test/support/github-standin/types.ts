export interface StandinOptions {
  owner: string;
  repo: string;
  /** Default "main". */
  defaultBranch?: string;
  /** Default 1. */
  installationId?: number;
  /** Default 1. When set explicitly, app JWTs must carry this `iss`. */
  appId?: number;
  /** Default "gitops-ingest". */
  appSlug?: string;
  /** Where the bare repository and scratch files live; a fresh temporary directory when absent. */
  workdir?: string;
  /** Maximum entries in one `POST /git/trees` request (default 100_000). */
  maxTreeEntries?: number;
  /** GraphQL `Blob.text` is truncated past this many bytes, with `isTruncated: true` (default 512 KiB). */
  graphqlBlobTextLimit?: number;
  /** Installation token lifetime in ms (default 1 hour). */
  tokenTtlMs?: number;
  /** Extra tokens accepted like installation tokens (e.g. a static token the demo passes to Probot). */
  staticTokens?: string[];
  /** Largest request body accepted, in bytes (default 256 MiB). */
  maxBodyBytes?: number;
  /**
   * Answer 409 "Git Repository is empty." on /git/* and /commits/* while the repository has no refs,
   * like GitHub (default true).
   */
  emptyRepoConflict?: boolean;
}

export interface RecordedRequest {
  method: string;
  /**
   * Path without the `/api/v3` prefix and without the query string, percent-decoded (Octokit sends
   * `git/refs/heads%2Fmain`; this says `git/refs/heads/main`). GraphQL is recorded as "/graphql".
   * failNext/beforeNext match against this.
   */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (undefined when there was none). */
  body: unknown;
  status: number;
  /** The response came from failNext. */
  injected?: boolean;
  /**
   * GitHub would have rejected it: what its OpenAPI description or GraphQL schema says is wrong.
   * The stand-in answered as GitHub would (REST 422, GraphQL `errors`). Tests assert none happened.
   */
  invalid?: string[];
  /** No route matched (plain 404 for an endpoint the stand-in does not know). */
  unhandled?: boolean;
  /** For `POST /git/trees`: number of entries in the request's `tree` array. */
  entryCount?: number;
  /** For GraphQL: number of `object(...)` fields resolved. */
  objectCount?: number;
  /** Time from arrival to response, in ms. */
  durationMs?: number;
  /** Message of an unexpected error inside the stand-in (a 500 that was not injected). */
  error?: string;
  /** "jwt", "token", "none" or "invalid". */
  auth: "jwt" | "token" | "none" | "invalid";
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunOutput {
  title: string | null;
  summary: string | null;
  text: string | null;
  annotations_count: number;
}

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  started_at: string | null;
  completed_at: string | null;
  output: CheckRunOutput;
  /** All annotations, accumulated over the create and every update, in order. */
  annotations: Annotation[];
  actions: CheckRunAction[];
  /** Every request body that shaped this run: the POST, then each PATCH, in order. */
  history: Array<{ method: "POST" | "PATCH"; body: Record<string, unknown>; at: string }>;
}

/** Which requests a fault or hook applies to. */
export interface RequestMatch {
  method?: string;
  path: RegExp;
  /** Tested against the request's JSON body text, e.g. /updateRefs\(/ for the branch's compare-and-swap. */
  body?: RegExp;
}

export interface FaultMatch extends RequestMatch {
  /**
   * Carry the request out first, then answer with the fault: an answer lost after GitHub applied
   * the request (a 5xx from a proxy, a dropped connection). Default false: nothing happens.
   */
  afterApplying?: boolean;
  /** How many matching requests fail (default 1). */
  times?: number;
}

export interface FaultResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Standin {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  /** `${url}/api/v3` — what Probot/Octokit use with GHE_HOST=127.0.0.1:PORT, GHE_PROTOCOL=http. */
  apiUrl: string;
  /** The bare repository. */
  bareRepoPath: string;
  owner: string;
  repo: string;
  defaultBranch: string;
  /** The repository's GraphQL node id (webhook payloads carry it as repository.node_id). */
  repoNodeId: string;
  installationId: number;
  appId: number;
  appSlug: string;
  /** Every request, in arrival order (cleared in place by resetLog). */
  requests: RecordedRequest[];
  checkRuns(): CheckRunRecord[];
  failNext(match: FaultMatch, response: FaultResponse): void;
  beforeNext(match: RequestMatch, hook: () => Promise<void> | void): void;
  /** Drops every fault not used up yet (GitHub is back). */
  clearFaults(): void;
  resetLog(): void;
  close(): Promise<void>;
}
