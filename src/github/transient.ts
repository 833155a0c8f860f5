/**
 * Whether a GitHub failure is worth trying again later, and when: 5xx answers, rate limits
 * (primary or secondary) and network failures are; a 404 or a 422 is not. Our Octokit already
 * retried such answers a few times within the run; this is for the queue, which puts the job back.
 */

/** Seconds to wait when GitHub does not say (a 5xx, a dropped connection). */
export const DEFAULT_RETRY_SECONDS = 60;
/** Longest wait we take from a header, so a bad clock cannot park a job for days. */
const MAX_RETRY_SECONDS = 3_600;

interface HttpError {
  status?: unknown;
  response?: { headers?: Record<string, string | number | undefined> };
  message?: unknown;
}

/** Seconds until GitHub should be asked again, or undefined when retrying cannot help. */
export function retryAfterSeconds(error: unknown, now: number = Date.now()): number | undefined {
  const e = (error ?? {}) as HttpError;
  const headers = e.response?.headers ?? {};
  const bounded = (seconds: number) => Math.min(MAX_RETRY_SECONDS, Math.max(1, Math.ceil(seconds)));
  const header = Number(headers["retry-after"]);
  if (typeof e.status === "number") {
    const limited =
      e.status === 429 ||
      (e.status === 403 &&
        (headers["retry-after"] !== undefined ||
          String(headers["x-ratelimit-remaining"]) === "0" ||
          /rate limit/i.test(String(e.message))));
    if (!limited && e.status < 500) return undefined;
    if (Number.isFinite(header) && header > 0) return bounded(header);
    const reset = Number(headers["x-ratelimit-reset"]);
    if (limited && String(headers["x-ratelimit-remaining"]) === "0" && Number.isFinite(reset))
      return bounded(reset - now / 1000);
    return DEFAULT_RETRY_SECONDS;
  }
  // No HTTP status: the request never got an answer (timeout, reset connection, DNS).
  if (error instanceof Error && !(error.name === "DatabaseError")) {
    const network = /abort|timeout|fetch failed|ECONN|ENOTFOUND|EAI_AGAIN|socket/i;
    if (network.test(error.name) || network.test(error.message) || network.test(String(error.cause)))
      return DEFAULT_RETRY_SECONDS;
  }
  return undefined;
}
