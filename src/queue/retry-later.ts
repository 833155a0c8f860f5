/**
 * Thrown by a job handler when GitHub asks to come back later (5xx, secondary rate limit with
 * `retry-after`): the queue puts the job back to run at that time, without counting a failure,
 * while other repositories keep going.
 */
export class RetryLaterError extends Error {
  override name = "RetryLaterError";
  constructor(
    readonly retryAfterSeconds: number,
    message = `retry in ${retryAfterSeconds} s`,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The longest a job is put back for at once. */
const MAX_BACKOFF_SECONDS = 3_600;

/**
 * How long to put a job back after a passing GitHub failure: never sooner than GitHub asked, and
 * at least 15 s doubled for each earlier put-back of the same job (15, 30, 60 s, … up to an hour).
 */
export function backoffSeconds(askedSeconds: number, retries: number): number {
  return Math.max(askedSeconds, Math.min(MAX_BACKOFF_SECONDS, 15 * 2 ** retries));
}
