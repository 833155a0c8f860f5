/** Pacing of content-creating requests (GitHub's secondary limits) and the bound on every request. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { appOctokit, isContentCreating, timedFetch } from "../src/github/octokit.js";
import { createPacer } from "../src/github/pacing.js";

describe("pacing", () => {
  it("lets a burst through, then holds the installation to its per-minute budget", async () => {
    let now = 1_000_000;
    const pacer = createPacer({ perMinute: 3, perHour: 500 }, () => now);
    const slot = pacer.forInstallation(1);
    for (let i = 0; i < 3; i++) await slot.schedule(async () => i);
    expect(slot.delay()).toBe(60_000);
    // Another installation has its own budget.
    expect(pacer.forInstallation(2).delay()).toBe(0);
    now += 60_000;
    expect(slot.delay()).toBe(0);
  });

  it("holds the per-hour budget and a retry-after pause", async () => {
    let now = 0;
    const slot = createPacer({ perMinute: 100, perHour: 2 }, () => now).forInstallation(1);
    await slot.schedule(async () => 1);
    now += 61_000;
    await slot.schedule(async () => 2);
    expect(slot.delay()).toBe(3_600_000 - 61_000);
    const fresh = createPacer(undefined, () => now).forInstallation(9);
    fresh.pause(30_000);
    expect(fresh.delay()).toBe(30_000);
  });

  it("counts REST writes and GraphQL mutations as content-creating, not reads or token minting", () => {
    expect(isContentCreating({ method: "POST", url: "/repos/o/r/git/trees" })).toBe(true);
    expect(isContentCreating({ method: "GET", url: "/repos/o/r/git/trees/x" })).toBe(false);
    expect(isContentCreating({ method: "POST", url: "/graphql", query: "query { viewer { login } }" })).toBe(
      false,
    );
    expect(
      isContentCreating({ method: "POST", url: "/graphql", query: "mutation($i: X!) { updateRefs }" }),
    ).toBe(true);
    expect(isContentCreating({ method: "POST", url: "/app/installations/1/access_tokens" })).toBe(false);
  });
});

describe("request timeouts", () => {
  it("aborts a request GitHub never answers instead of waiting forever", async () => {
    const hung = createServer(() => {});
    await new Promise<void>((r) => hung.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    try {
      await expect(timedFetch(100)(`${url}/x`)).rejects.toThrow(/abort|timeout/i);
      const Octokit = appOctokit({ requestTimeoutMs: 100, retryAfterBaseValue: 1 });
      const octokit = new Octokit({ baseUrl: url, auth: "token", retry: { retries: 1 } } as never);
      await expect(octokit.request("GET /repos/o/r")).rejects.toMatchObject({ status: 500 });
    } finally {
      hung.closeAllConnections();
      hung.close();
    }
  });
});
