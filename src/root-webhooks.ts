/**
 * Webhooks POSTed to "/" as well as to WEBHOOK_PATH. Probot 14's setup page registers the app with
 * the hook URL `${baseUrl}/` (manifest-creation.js) while its server listens on
 * /api/github/webhooks, so without this an app registered from the setup page would get 404s.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Probot } from "probot";

export async function rootWebhookHandler(app: Probot) {
  const atRoot = await app.getNodeMiddleware({ path: "/" });
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "POST" || (req.url ?? "").split("?")[0] !== "/") return false;
    return (await atRoot(req, res)) !== false;
  };
}
