/** Check runs, kept in memory with the full history of what the app sent. */
import { appObject } from "./auth.js";
import { SHA_RE } from "./git.js";
import {
  bodyObject,
  isRecord,
  notFound,
  nowIso,
  ok,
  paginate,
  type RequestContext,
  type Route,
  repoRoute,
  unprocessable,
} from "./http.js";
import type { Annotation, CheckRunAction, CheckRunRecord } from "./types.js";

const STATUSES = ["queued", "in_progress", "completed", "waiting", "requested", "pending"];
const CONCLUSIONS = [
  "action_required",
  "cancelled",
  "failure",
  "neutral",
  "success",
  "skipped",
  "stale",
  "timed_out",
];
const LEVELS = ["notice", "warning", "failure"];
const MAX_ANNOTATIONS = 50;
const MAX_MARKDOWN = 65535;

export class CheckRunStore {
  private nextId = 4_000_000_001;
  readonly runs: CheckRunRecord[] = [];

  newId(): number {
    return this.nextId++;
  }

  get(id: number): CheckRunRecord | undefined {
    return this.runs.find((r) => r.id === id);
  }

  /** Deep copies, so tests can't mutate the store by accident. */
  snapshot(): CheckRunRecord[] {
    return structuredClone(this.runs);
  }
}

function str(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string")
    throw unprocessable(`Invalid request.\n\nFor '${key}', ${JSON.stringify(v)} is not a string.`);
  return v;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 1;
}

function validateAnnotation(a: unknown, i: number): Annotation {
  if (!isRecord(a)) throw unprocessable(`Invalid request.\n\nAnnotation ${i} is not an object.`);
  const missing = ["path", "start_line", "end_line", "annotation_level", "message"].filter(
    (k) => a[k] === undefined || a[k] === null,
  );
  if (missing.length > 0) {
    throw unprocessable(
      `Invalid request.\n\n${missing.map((k) => `"${k}"`).join(", ")} ${missing.length === 1 ? "wasn't" : "weren't"} supplied.`,
    );
  }
  if (typeof a.path !== "string" || a.path.length === 0)
    throw unprocessable(`Invalid request.\n\nFor 'annotations[${i}].path', must be a non-empty string.`);
  if (!isPositiveInt(a.start_line) || !isPositiveInt(a.end_line)) {
    throw unprocessable(
      `Invalid request.\n\nFor 'annotations[${i}]', start_line and end_line must be positive integers.`,
    );
  }
  if (a.end_line < a.start_line)
    throw unprocessable(
      `Invalid request.\n\nFor 'annotations[${i}]', end_line must not be before start_line.`,
    );
  if (typeof a.annotation_level !== "string" || !LEVELS.includes(a.annotation_level)) {
    throw unprocessable(
      `Invalid request.\n\nFor 'annotations[${i}].annotation_level', ${JSON.stringify(a.annotation_level)} is not a member of ${JSON.stringify(LEVELS)}.`,
    );
  }
  if (typeof a.message !== "string" || a.message.length === 0)
    throw unprocessable(`Invalid request.\n\nFor 'annotations[${i}].message', must be a non-empty string.`);
  if (a.message.length > 64 * 1024)
    throw unprocessable(`Invalid request.\n\nFor 'annotations[${i}].message', at most 64 KB.`);
  const out: Annotation = {
    path: a.path,
    start_line: a.start_line,
    end_line: a.end_line,
    annotation_level: a.annotation_level as Annotation["annotation_level"],
    message: a.message,
  };
  for (const col of ["start_column", "end_column"] as const) {
    if (a[col] === undefined || a[col] === null) continue;
    if (!isPositiveInt(a[col]))
      throw unprocessable(`Invalid request.\n\nFor 'annotations[${i}].${col}', must be a positive integer.`);
    if (a.start_line !== a.end_line) {
      throw unprocessable(
        `Invalid request.\n\nFor 'annotations[${i}]', ${col} is only allowed when start_line equals end_line.`,
      );
    }
    out[col] = a[col] as number;
  }
  if (a.title !== undefined && a.title !== null) {
    if (typeof a.title !== "string" || a.title.length > 255)
      throw unprocessable(`Invalid request.\n\nFor 'annotations[${i}].title', at most 255 characters.`);
    out.title = a.title;
  }
  if (a.raw_details !== undefined && a.raw_details !== null) {
    if (typeof a.raw_details !== "string" || a.raw_details.length > 64 * 1024) {
      throw unprocessable(`Invalid request.\n\nFor 'annotations[${i}].raw_details', at most 64 KB.`);
    }
    out.raw_details = a.raw_details;
  }
  return out;
}

function validateActions(v: unknown): CheckRunAction[] {
  if (!Array.isArray(v)) throw unprocessable("Invalid request.\n\nFor 'actions', must be an array.");
  if (v.length > 3) throw unprocessable("Invalid request.\n\nOnly 3 actions are allowed per check run.");
  return v.map((a, i) => {
    if (
      !isRecord(a) ||
      typeof a.label !== "string" ||
      typeof a.description !== "string" ||
      typeof a.identifier !== "string"
    ) {
      throw unprocessable(
        `Invalid request.\n\n"label", "description", "identifier" weren't supplied for action ${i}.`,
      );
    }
    if (a.label.length > 20 || a.description.length > 40 || a.identifier.length > 20) {
      throw unprocessable(
        `Invalid request.\n\nAction ${i}: label ≤ 20, description ≤ 40, identifier ≤ 20 characters.`,
      );
    }
    return { label: a.label, description: a.description, identifier: a.identifier };
  });
}

/** Validate a POST/PATCH body and fold it into `run` (a new run when creating). */
function apply(run: CheckRunRecord, body: Record<string, unknown>, creating: boolean): void {
  const name = str(body, "name");
  if (creating && !name) throw unprocessable(`Invalid request.\n\n"name" wasn't supplied.`);
  if (name !== undefined) run.name = name;
  const status = str(body, "status");
  if (status !== undefined && !STATUSES.includes(status)) {
    throw unprocessable(
      `Invalid request.\n\nFor 'status', ${JSON.stringify(status)} is not a member of ${JSON.stringify(STATUSES)}.`,
    );
  }
  const conclusion = str(body, "conclusion");
  if (conclusion !== undefined && !CONCLUSIONS.includes(conclusion)) {
    throw unprocessable(
      `Invalid request.\n\nFor 'conclusion', ${JSON.stringify(conclusion)} is not a member of ${JSON.stringify(CONCLUSIONS)}.`,
    );
  }
  if (status === "completed" && conclusion === undefined && run.conclusion === null) {
    throw unprocessable("Invalid request.\n\nA conclusion is required when status is completed.");
  }
  if (conclusion !== undefined && status !== undefined && status !== "completed") {
    throw unprocessable("Invalid request.\n\nA conclusion may only be given with status completed.");
  }

  let newAnnotations: Annotation[] = [];
  if (body.output !== undefined && body.output !== null) {
    const output = body.output;
    if (!isRecord(output)) throw unprocessable("Invalid request.\n\nFor 'output', must be an object.");
    const title = str(output, "title");
    const summary = str(output, "summary");
    const text = str(output, "text");
    const missing = [
      creating && title === undefined ? '"title"' : null,
      summary === undefined ? '"summary"' : null,
    ].filter(Boolean);
    if (missing.length > 0)
      throw unprocessable(
        `Invalid request.\n\n${missing.join(", ")} ${missing.length === 1 ? "wasn't" : "weren't"} supplied.`,
      );
    for (const [k, v] of [
      ["summary", summary],
      ["text", text],
    ] as const) {
      if (v !== undefined && v.length > MAX_MARKDOWN) {
        throw unprocessable(
          `Invalid request.\n\nOnly ${MAX_MARKDOWN} characters are allowed in '${k}'; ${v.length} were supplied.`,
        );
      }
    }
    if (output.annotations !== undefined && output.annotations !== null) {
      if (!Array.isArray(output.annotations))
        throw unprocessable("Invalid request.\n\nFor 'annotations', must be an array.");
      if (output.annotations.length > MAX_ANNOTATIONS) {
        throw unprocessable(
          `Invalid request.\n\nOnly ${MAX_ANNOTATIONS} annotations are allowed per request; ${output.annotations.length} were supplied.`,
        );
      }
      newAnnotations = output.annotations.map(validateAnnotation);
    }
    if (title !== undefined) run.output.title = title;
    run.output.summary = summary ?? run.output.summary;
    if (text !== undefined) run.output.text = text;
  }
  const actions =
    body.actions === undefined || body.actions === null ? undefined : validateActions(body.actions);

  // Everything validated: now mutate.
  if (actions) run.actions = actions;
  const externalId = str(body, "external_id");
  if (externalId !== undefined) run.external_id = externalId;
  const detailsUrl = str(body, "details_url");
  if (detailsUrl !== undefined) run.details_url = detailsUrl;
  const startedAt = str(body, "started_at");
  if (startedAt !== undefined) run.started_at = startedAt;
  if (status !== undefined) run.status = status;
  if (conclusion !== undefined) {
    run.conclusion = conclusion;
    run.status = "completed";
  }
  if (run.status === "completed" && run.completed_at === null)
    run.completed_at = str(body, "completed_at") ?? nowIso();
  run.annotations.push(...newAnnotations);
  run.output.annotations_count = run.annotations.length;
}

function runJson(ctx: RequestContext, run: CheckRunRecord) {
  const o = ctx.state.options;
  const api = `${ctx.apiBase}/repos/${o.owner}/${o.repo}`;
  const web = `${ctx.webBase}/${o.owner}/${o.repo}`;
  return {
    id: run.id,
    node_id: `CR_${run.id}`,
    head_sha: run.head_sha,
    external_id: run.external_id ?? "",
    url: `${api}/check-runs/${run.id}`,
    html_url: `${web}/runs/${run.id}`,
    details_url: run.details_url ?? `${web}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: { ...run.output, annotations_url: `${api}/check-runs/${run.id}/annotations` },
    name: run.name,
    check_suite: { id: 1 },
    app: appObject(ctx.state, ctx.webBase),
    pull_requests: [],
    actions: run.actions,
  };
}

function findRun(ctx: RequestContext, id: string | undefined): CheckRunRecord {
  const run = ctx.state.checks.get(Number(id));
  if (!run) throw notFound();
  return run;
}

export const checkRoutes: Route[] = [
  repoRoute("POST", "/check-runs", async (ctx) => {
    const body = bodyObject(ctx);
    const headSha = str(body, "head_sha");
    if (!headSha) throw unprocessable(`Invalid request.\n\n"head_sha" wasn't supplied.`);
    if (!SHA_RE.test(headSha) || (await ctx.state.git.typeOf(headSha)) !== "commit") {
      throw unprocessable(`No commit found for SHA: ${headSha}`);
    }
    const run: CheckRunRecord = {
      id: 0,
      name: "",
      head_sha: headSha,
      status: "queued",
      conclusion: null,
      external_id: null,
      details_url: null,
      started_at: nowIso(),
      completed_at: null,
      output: { title: null, summary: null, text: null, annotations_count: 0 },
      annotations: [],
      actions: [],
      history: [],
    };
    apply(run, body, true);
    run.id = ctx.state.checks.newId();
    run.history.push({ method: "POST", body: structuredClone(body), at: nowIso() });
    ctx.state.checks.runs.push(run);
    return ok(runJson(ctx, run), 201);
  }),

  repoRoute("PATCH", "/check-runs/(\\d+)", async (ctx, [id]) => {
    const run = findRun(ctx, id);
    const body = bodyObject(ctx);
    // Validate against a copy so a 422 leaves the stored run untouched.
    const draft = structuredClone(run);
    apply(draft, body, false);
    draft.history.push({ method: "PATCH", body: structuredClone(body), at: nowIso() });
    Object.assign(run, draft);
    return ok(runJson(ctx, run));
  }),

  repoRoute("GET", "/check-runs/(\\d+)", async (ctx, [id]) => ok(runJson(ctx, findRun(ctx, id)))),

  repoRoute("GET", "/check-runs/(\\d+)/annotations", async (ctx, [id]) => {
    const run = findRun(ctx, id);
    const { page, headers } = paginate(ctx, run.annotations);
    return ok(
      page.map((a) => ({ ...a, blob_href: "" })),
      200,
      headers,
    );
  }),

  repoRoute("GET", "/commits/(.+)/check-runs", async (ctx, [ref]) => {
    const sha = await ctx.state.git.resolve(ref as string, "commit");
    if (!sha) throw unprocessable(`No commit found for SHA: ${ref}`);
    let runs = ctx.state.checks.runs.filter((r) => r.head_sha === sha);
    const checkName = ctx.query.get("check_name");
    if (checkName) runs = runs.filter((r) => r.name === checkName);
    const status = ctx.query.get("status");
    if (status) runs = runs.filter((r) => r.status === status);
    const sorted = [...runs].sort((a, b) => b.id - a.id);
    const filtered =
      (ctx.query.get("filter") ?? "latest") === "latest"
        ? sorted.filter((r, i) => sorted.findIndex((s) => s.name === r.name) === i)
        : sorted;
    const { page, headers } = paginate(ctx, filtered);
    return ok({ total_count: filtered.length, check_runs: page.map((r) => runJson(ctx, r)) }, 200, headers);
  }),
];
