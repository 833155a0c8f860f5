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
