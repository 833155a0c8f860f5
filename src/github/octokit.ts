/**
 * The Octokit the app uses: Probot's, with our policies:
 * - rate limits: wait out a primary or secondary limit a bounded number of times (when GitHub asks
 *   for a reasonable wait), then give up so the run fails cleanly and says so in the check run;
 *   5xx answers are retried by plugin-retry;
 * - pacing: content-creating requests go through pacing.ts (GitHub's 80/minute, 500/hour per
 *   installation, bursts allowed, retry-after honoured) instead of a fixed gap between writes;
 * - time: every HTTP attempt is aborted after `requestTimeoutMs` (an abort counts as a 5xx, so it is
 *   retried like one), so no call can hold a repository's lock forever.
 */
import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";
import { createPacer, GITHUB_LIMITS, type Pacer, type PacingLimits } from "./pacing.js";

export interface OctokitTuning {
  /** Retries after a rate limit (primary or secondary) before giving up. */
  rateLimitRetries?: number;
  /** Longest wait we accept for one rate-limit retry, in seconds. */
  maxRetryAfterSeconds?: number;
  /** Milliseconds per "second" of retry-after (1000 in production; tests shrink it). */
  retryAfterBaseValue?: number;
  /** Longest time one HTTP attempt may take, in ms (default 30 s). */
  requestTimeoutMs?: number;
  /** Content-creating requests allowed per installation (default GitHub's: 80/minute, 500/hour). */
  pacing?: PacingLimits;
  /** Share one pacer (e.g. with the job queue); a new one by default. */
  pacer?: Pacer;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

type Fetch = typeof globalThis.fetch;

/** A fetch whose every call gets its own deadline, on top of any signal the caller gave. */
export function timedFetch(timeoutMs: number, inner?: Fetch): Fetch {
  // Probot passes an app Octokit's options on to each installation's: wrap only once.
  if (inner && timed.has(inner)) return inner;
  const fetch: Fetch = (input, init = {}) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return (inner ?? globalThis.fetch)(input, { ...init, signal });
  };
  timed.add(fetch);
  return fetch;
}
const timed = new WeakSet<Fetch>();

interface RequestOptions {
  method?: string;
  url?: string;
  query?: unknown;
  request?: Record<string, unknown>;
}

/** Requests GitHub counts as content-creating: REST writes (not token minting) and GraphQL mutations. */
export function isContentCreating(options: RequestOptions): boolean {
  const url = options.url ?? "";
  if (url.includes("/graphql"))
    return typeof options.query === "string" && /^\s*mutation\b/.test(options.query);
  const method = (options.method ?? "GET").toUpperCase();
  if (method === "GET" || method === "HEAD") return false;
  return !/\/app\/installations\/[^/]+\/access_tokens$/.test(url.split("?")[0] ?? "");
}

/** A Bottleneck group that never waits: the throttling plugin's own write gaps are replaced by pacing. */
const unpaced = () => new Bottleneck.Group({ maxConcurrent: null, minTime: 0 });

export function appOctokit(tuning: OctokitTuning = {}): typeof ProbotOctokit {
  const retries = tuning.rateLimitRetries ?? 2;
  const maxWait = tuning.maxRetryAfterSeconds ?? 120;
  const baseValue = tuning.retryAfterBaseValue ?? 1000;
  const timeoutMs = tuning.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const pacer = tuning.pacer ?? createPacer(tuning.pacing ?? GITHUB_LIMITS);
  const installationOf = new WeakMap<object, string>();

  // Honour retry-after for the whole installation, not only for the request that got it.
  const onLimit = (retryAfter: number, _options: unknown, octokit: object, retryCount: number) => {
    const installation = installationOf.get(octokit);
    if (installation) pacer.forInstallation(installation).pause(retryAfter * baseValue);
    return retryCount < retries && retryAfter <= maxWait;
  };
  const throttle: Record<string, unknown> = {
    onSecondaryRateLimit: onLimit,
    onRateLimit: onLimit,
    write: unpaced(),
    notifications: unpaced(),
    retryAfterBaseValue: baseValue,
  };
  const retry: Record<string, unknown> = { retryAfterBaseValue: baseValue };

  const pacing = (
    octokit: { hook: { wrap: (name: "request", fn: (...args: never[]) => unknown) => void } },
    options: { auth?: { installationId?: number | string } },
  ) => {
    const installation = options.auth?.installationId;
    if (installation === undefined) return {};
    installationOf.set(octokit, String(installation));
    const slot = pacer.forInstallation(installation);
    octokit.hook.wrap("request", ((request: (o: RequestOptions) => Promise<unknown>, o: RequestOptions) =>
      isContentCreating(o) ? slot.schedule(() => request(o)) : request(o)) as never);
    return {};
  };

  // The function form runs last, over the options Probot sets, so these settings win.
  return ProbotOctokit.plugin(pacing as never).defaults((options: Record<string, unknown>) => {
    const request = (options.request ?? {}) as { fetch?: Fetch };
    return {
      ...options,
      request: { ...request, fetch: timedFetch(timeoutMs, request.fetch) },
      throttle: { ...(options.throttle as object), ...throttle },
      retry: { ...(options.retry as object), ...retry },
    };
  }) as typeof ProbotOctokit;
}
