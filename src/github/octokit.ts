/**
 * The Octokit the app uses: Probot's, with our rate-limit policy: wait out a primary or secondary
 * rate limit a bounded number of times (when GitHub asks for a reasonable wait), then give up so
 * the run fails cleanly and says so in the check run. 5xx answers are retried by plugin-retry.
 */
import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";

export interface OctokitTuning {
  /** Retries after a rate limit (primary or secondary) before giving up. */
  rateLimitRetries?: number;
  /** Longest wait we accept for one rate-limit retry, in seconds. */
  maxRetryAfterSeconds?: number;
  /** Milliseconds per "second" of retry-after (1000 in production; tests shrink it). */
  retryAfterBaseValue?: number;
  /** Minimum gap between write requests, as GitHub recommends (1000 ms in production). */
  writeMinTime?: number;
}

export function appOctokit(tuning: OctokitTuning = {}): typeof ProbotOctokit {
  const retries = tuning.rateLimitRetries ?? 2;
  const maxWait = tuning.maxRetryAfterSeconds ?? 120;
  const shouldRetry = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
    retryCount < retries && retryAfter <= maxWait;
  const throttle: Record<string, unknown> = {
    onSecondaryRateLimit: shouldRetry,
    onRateLimit: shouldRetry,
  };
  if (tuning.retryAfterBaseValue !== undefined) throttle.retryAfterBaseValue = tuning.retryAfterBaseValue;
  if (tuning.writeMinTime !== undefined) {
    throttle.write = new Bottleneck.Group({ maxConcurrent: 1, minTime: tuning.writeMinTime });
  }
  const retry: Record<string, unknown> = {};
  if (tuning.retryAfterBaseValue !== undefined) retry.retryAfterBaseValue = tuning.retryAfterBaseValue;
  // The function form runs last, over the options Probot sets, so these settings win.
  return ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    throttle: { ...(options.throttle as object), ...throttle },
    retry: { ...(options.retry as object), ...retry },
  })) as typeof ProbotOctokit;
}
