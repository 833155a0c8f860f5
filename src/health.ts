/**
 * GET /health for load balancers and the container's HEALTHCHECK: 200 with
 * `{"status":"ok","database":"reachable","version":…}` when a query gets through, 503 with
 * `{"status":"unavailable","database":"unreachable",…}` when it does not (within a few seconds).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Kysely, sql } from "kysely";
import type { Database } from "./db/schema.js";
import { packageInfo } from "./package-info.js";

export const HEALTH_PATH = "/health";
const DATABASE_TIMEOUT_MS = 3000;

export interface Health {
  status: "ok" | "unavailable";
  database: "reachable" | "unreachable";
  version: string;
}

export async function health(db: Kysely<Database>): Promise<Health> {
  const reachable = await databaseReachable(db);
  return {
    status: reachable ? "ok" : "unavailable",
    database: reachable ? "reachable" : "unreachable",
    version: packageInfo().version,
  };
}

async function databaseReachable(db: Kysely<Database>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), DATABASE_TIMEOUT_MS);
  });
  const query = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A Probot server handler answering GET (and HEAD) /health; anything else goes on to the next handler. */
export function healthHandler(db: Kysely<Database>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== HEALTH_PATH || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const body = await health(db);
    res
      .writeHead(body.status === "ok" ? 200 : 503, {
        "content-type": "application/json",
        "cache-control": "no-store",
      })
      .end(req.method === "HEAD" ? undefined : JSON.stringify(body));
    return true;
  };
}
