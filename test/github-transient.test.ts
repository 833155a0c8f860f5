/** Which GitHub failures the queue tries again later, and after how long. */
import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_SECONDS, retryAfterSeconds } from "../src/github/transient.js";
import { backoffSeconds } from "../src/queue/retry-later.js";

/** An error shaped as Octokit's RequestError: status, message, and the response's headers. */
function answer(status: number, headers: Record<string, string> = {}, message = "failed"): Error {
  return Object.assign(new Error(message), {
    name: "HttpError",
    status,
    response: { status, url: "", headers, data: { message } },
  });
}

describe("retryAfterSeconds", () => {
  it("takes GitHub's retry-after on a secondary rate limit (403 or 429)", () => {
    expect(
      retryAfterSeconds(answer(403, { "retry-after": "42" }, "You have exceeded a secondary rate limit")),
    ).toBe(42);
    expect(retryAfterSeconds(answer(429, { "retry-after": "7" }))).toBe(7);
  });

  it("waits until the primary limit resets when the remaining count is 0", () => {
    const now = Date.UTC(2026, 11, 2, 12, 0, 0);
    const reset = String(now / 1000 + 300);
    expect(
      retryAfterSeconds(answer(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }), now),
    ).toBe(300);
  });

  it("tries a 5xx again after a minute, or after GitHub's retry-after", () => {
    expect(retryAfterSeconds(answer(502))).toBe(DEFAULT_RETRY_SECONDS);
    expect(retryAfterSeconds(answer(503, { "retry-after": "5" }))).toBe(5);
  });

  it("never retries what retrying cannot fix: a 404, a 422, a 403 that is not a rate limit", () => {
    expect(retryAfterSeconds(answer(404))).toBeUndefined();
    expect(retryAfterSeconds(answer(422))).toBeUndefined();
    expect(retryAfterSeconds(answer(403, {}, "Resource not accessible by integration"))).toBeUndefined();
  });

  it("retries a request that got no answer (timeout, reset connection), not a bug in our code", () => {
    expect(
      retryAfterSeconds(Object.assign(new Error("fetch failed"), { cause: new Error("ECONNRESET") })),
    ).toBe(DEFAULT_RETRY_SECONDS);
    expect(
      retryAfterSeconds(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    ).toBe(DEFAULT_RETRY_SECONDS);
    expect(retryAfterSeconds(new TypeError("cannot read properties of undefined"))).toBeUndefined();
  });
});

describe("backoffSeconds", () => {
  it("never puts a job back for less than GitHub asked, and doubles its floor with each put-back, up to an hour", () => {
    expect([0, 1, 2, 3].map((retries) => backoffSeconds(5, retries))).toEqual([15, 30, 60, 120]);
    expect(backoffSeconds(90, 0)).toBe(90);
    expect(backoffSeconds(60, 20)).toBe(3_600);
  });
});
