/**
 * GitHub writes of one push, measured through the real path: the GitHub stand-in (real git behind
 * HTTP) and the app started as `npm start` starts it (src/server.ts `start()`), with PRODUCTION
 * settings: GitHub's pacing (80 content-creating requests a minute, 500 an hour, bursts allowed),
 * whole-second retry-after, the check run shown in progress only after 3 s.
 *
 * For pushes of 1, 100 and 1000 raw files (2 documents each) it measures the time from the webhook
 * to the completed check run, and the GitHub requests of the push (the app's token and identity
 * requests excluded). Targets: <= 2 s for 100 files, <= 8 s for 1000, <= 20 requests for 1000.
 *
 *   npx tsx bench/github-push.ts            # prints the JSON figures
 *   import { benchGithubPush } from "./github-push.js"   # the same figures, for bench/run.ts
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { pushFiles, startHarness, twoDocumentFiles } from "../test/support/e2e.js";

export interface PushFigure {
  files: number;
  documents: number;
  /** Webhook POSTed → check run completed, in ms. */
  webhookToCheckMs: number;
  /** GitHub requests of this push (app token and GET /app excluded). */
  requests: number;
  /** Of which content-creating (REST writes and GraphQL mutations). */
  writes: number;
  /** Requests by kind, e.g. "POST /git/trees": 1. */
  byKind: Record<string, number>;
  conclusion: string | null;
}

export interface GithubPushBench {
  settings: "production";
  pushes: PushFigure[];
  targets: { ms100: number; ms1000: number; requests1000: number };
  met: { ms100: boolean; ms1000: boolean; requests1000: boolean };
}

const kindOf = (method: string, path: string, body: unknown) => {
  if (path === "/graphql")
    return (JSON.stringify(body) ?? "").includes("updateRefs(") ? "GraphQL updateRefs" : "GraphQL query";
  return `${method} ${path
    .replace(/^\/repos\/[^/]+\/[^/]+/, "")
    .replace(/[0-9a-f]{40}/g, ":sha")
    .replace(/\/\d+$/, "/:id")}`;
};

export async function benchGithubPush(sizes: readonly number[] = [1, 100, 1000]): Promise<GithubPushBench> {
  const h = await startHarness({ production: true });
  const pushes: PushFigure[] = [];
  try {
    for (const n of sizes) {
      h.gh.resetLog();
      const files = twoDocumentFiles(n, `gitops/hedgehog/fabric-${n}/raw`);
      // The user's push (real git) is not timed: from the webhook on.
      const before = await h.head().catch(() => "0".repeat(40));
      const after = await pushFiles(h.gh, "main", files, `${n} files`);
      h.gh.resetLog();
      const started = performance.now();
      const payload = h.pushPayload(before, after, Object.keys(files), { message: `${n} files` });
      await h.deliver("push", payload, undefined, { wait: false });
      const [check] = await h.waitForChecks(after);
      const webhookToCheckMs = Math.round(performance.now() - started);
      // The run records its outcome after completing the check: count its requests once it is done.
      await h.idle();
      const requests = h.gh.requests.filter((r) => !r.path.endsWith("/access_tokens") && r.path !== "/app");
      const byKind: Record<string, number> = {};
      for (const r of requests) {
        const kind = kindOf(r.method, r.path, r.body);
        byKind[kind] = (byKind[kind] ?? 0) + 1;
      }
      pushes.push({
        files: n,
        documents: 2 * n,
        webhookToCheckMs,
        requests: requests.length,
        writes: requests.filter(
          (r) =>
            (r.method !== "GET" && r.path !== "/graphql") ||
            (JSON.stringify(r.body) ?? "").includes("mutation"),
        ).length,
        byKind,
        conclusion: check?.conclusion ?? null,
      });
    }
  } finally {
    await h.stop();
  }
  const of = (n: number) => pushes.find((p) => p.files === n);
  const targets = { ms100: 2_000, ms1000: 8_000, requests1000: 20 };
  return {
    settings: "production",
    pushes,
    targets,
    met: {
      ms100: (of(100)?.webhookToCheckMs ?? Number.POSITIVE_INFINITY) <= targets.ms100,
      ms1000: (of(1000)?.webhookToCheckMs ?? Number.POSITIVE_INFINITY) <= targets.ms1000,
      requests1000: (of(1000)?.requests ?? Number.POSITIVE_INFINITY) <= targets.requests1000,
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  benchGithubPush().then(
    (figures) => {
      console.log(JSON.stringify(figures, null, 2));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
