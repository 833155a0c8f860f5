/**
 * The stand-in router: two repositories of two installations behind one GitHub URL, one app
 * pointed at it. Each push is ingested in its own repository with its own installation's token,
 * and every request was one GitHub would accept.
 */
import { afterEach, describe, expect, it } from "vitest";
import { APP_ID, gitIn, type Harness, pushPayloadFor, startHarness } from "../support/e2e.js";
import { FABRIC_ROOT, RAW, vpcYaml } from "../support/fabric.js";
import { pushFiles, type Standin, startRouter, startStandin } from "../support/github-standin/index.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function standin(repo: string, installationId: number): Promise<Standin> {
  const gh = await startStandin({ owner: "netops", repo, installationId, appId: APP_ID });
  cleanups.push(() => gh.close());
  return gh;
}

describe("the stand-in router", { timeout: 120_000 }, () => {
  it("serves two repositories of two installations to one app, each ingested with its own token", async () => {
    const one = await standin("fabric-one", 11);
    const two = await standin("fabric-two", 22);
    const router = await startRouter([one, two]);
    cleanups.push(() => router.close());
    const h: Harness = await startHarness({
      gh: one,
      env: { GHE_HOST: router.url.replace(/^http:\/\//, "") },
    });
    cleanups.push(() => h.stop());

    const pushed = [];
    for (const [i, gh] of [one, two].entries()) {
      const file = { [`${RAW}/vpc-${i}.yaml`]: vpcYaml(`vpc-${i}`, i + 1, 1001 + i) };
      const after = await pushFiles(gh, "main", file, `push to ${gh.repo}`);
      const payload = pushPayloadFor(gh, "0".repeat(40), after, Object.keys(file), { repositoryId: 100 + i });
      expect(await h.deliver("push", payload)).toBe(200);
      pushed.push({ gh, after });
    }

    for (const { gh, after } of pushed) {
      const check = gh.checkRuns().find((c) => c.head_sha === after && c.status === "completed");
      expect(check?.output.title).toBe("Ingested 1 resource from 1 file");
      const head = await gitIn(gh, "rev-parse", "main");
      expect(await gitIn(gh, "rev-parse", `${head}^`)).toBe(after);
      const managed = (await gitIn(gh, "ls-tree", "-r", "--name-only", head, `${FABRIC_ROOT}/managed`))
        .split("\n")
        .filter(Boolean);
      expect(managed).toHaveLength(1);
      // Each stand-in saw its own token's requests: none refused, none GitHub would reject.
      expect(gh.requests.filter((r) => r.status === 401 || r.invalid || r.unhandled)).toEqual([]);
      expect(
        gh.requests.some((r) => r.path === `/app/installations/${gh.installationId}/access_tokens`),
      ).toBe(true);
    }
    expect(router.forwarded().every((n) => n > 0)).toBe(true);
  });
});
