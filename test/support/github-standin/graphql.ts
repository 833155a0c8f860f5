/**
 * A small GraphQL endpoint covering what the app needs: reading many git objects in one request
 * (`repository { f0: object(oid:"…") { ... on Blob { text } } f1: object(expression:"main:path") {…} }`),
 * plus `rateLimit`. A real (if small) parser: aliases, arguments, variables, inline fragments,
 * named fragments, @include/@skip. Objects are read with one `git cat-file --batch` per round.
 */
import type { CatFileResult, GitRepo } from "./git.js";
import { SHA_RE, ZERO_SHA } from "./git.js";
import { bodyObject, isRecord, ok, type RequestContext, type Route } from "./http.js";

// ------------------------------------------------------------------------------------------- lexer

type Tok =
  | { t: "punct"; v: string; pos: number }
  | { t: "name"; v: string; pos: number }
  | { t: "string"; v: string; pos: number }
  | { t: "number"; v: number; pos: number };

class GqlError extends Error {}

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src.charAt(i);
    if (/[\s,\uFEFF]/.test(c)) {
      i++;
    } else if (c === "#") {
      while (i < src.length && src.charAt(i) !== "\n") i++;
    } else if (src.startsWith("...", i)) {
      toks.push({ t: "punct", v: "...", pos: i });
      i += 3;
    } else if ("{}():!$@=[]|&".includes(c)) {
      toks.push({ t: "punct", v: c, pos: i });
      i++;
    } else if (/[_A-Za-z]/.test(c)) {
      const m = /^[_A-Za-z][_0-9A-Za-z]*/.exec(src.slice(i)) as RegExpExecArray;
      toks.push({ t: "name", v: m[0], pos: i });
      i += m[0].length;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) throw new GqlError(`Parse error on "${c}" at ${i}`);
      toks.push({ t: "number", v: Number(m[0]), pos: i });
      i += m[0].length;
    } else if (src.startsWith('"""', i)) {
      const end = src.indexOf('"""', i + 3);
      if (end < 0) throw new GqlError("Parse error: unterminated block string");
      toks.push({ t: "string", v: src.slice(i + 3, end), pos: i });
      i = end + 3;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src.charAt(j) !== '"') {
        if (src.charAt(j) === "\\") j++;
        if (src.charAt(j) === "\n") throw new GqlError("Parse error: unterminated string");
        j++;
      }
      if (j >= src.length) throw new GqlError("Parse error: unterminated string");
      // GraphQL string escapes are a subset of JSON's.
      toks.push({ t: "string", v: JSON.parse(src.slice(i, j + 1)) as string, pos: i });
      i = j + 1;
    } else {
      throw new GqlError(`Parse error on "${c}" (at ${i})`);
    }
  }
  return toks;
}

// ------------------------------------------------------------------------------------------ parser

type Value =
  | { kind: "var"; name: string }
  | { kind: "const"; value: unknown }
  | { kind: "list"; items: Value[] }
  | { kind: "object"; fields: Record<string, Value> };

interface Directive {
  name: string;
  args: Record<string, Value>;
}

type Selection =
  | {
      kind: "field";
      alias: string;
      name: string;
      args: Record<string, Value>;
      directives: Directive[];
      selections: Selection[] | null;
    }
  | { kind: "inline"; on: string | null; directives: Directive[]; selections: Selection[] }
  | { kind: "spread"; name: string; directives: Directive[] };

interface Fragment {
  on: string;
  selections: Selection[];
}

interface Document {
  operations: Array<{ type: string; name: string | null; selections: Selection[] }>;
  fragments: Map<string, Fragment>;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new GqlError("Parse error: unexpected end of document");
    return t;
  }
  private isPunct(v: string): boolean {
    const t = this.peek();
    return t?.t === "punct" && t.v === v;
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.t !== "punct" || t.v !== v)
      throw new GqlError(`Parse error on "${String(t.v)}" (expected "${v}" at ${t.pos})`);
  }
  private name(): string {
    const t = this.next();
    if (t.t !== "name") throw new GqlError(`Parse error on "${String(t.v)}" (expected a name at ${t.pos})`);
    return t.v;
  }

  document(): Document {
    const doc: Document = { operations: [], fragments: new Map() };
    while (this.peek()) {
      if (this.isPunct("{")) {
        doc.operations.push({ type: "query", name: null, selections: this.selectionSet() });
        continue;
      }
      const kw = this.name();
      if (kw === "fragment") {
        const name = this.name();
        if (this.name() !== "on") throw new GqlError(`Parse error: expected "on" in fragment ${name}`);
        const on = this.name();
        this.directives();
        doc.fragments.set(name, { on, selections: this.selectionSet() });
      } else if (kw === "query" || kw === "mutation" || kw === "subscription") {
        const t = this.peek();
        const name = t?.t === "name" ? this.name() : null;
        if (this.isPunct("(")) this.skipBalanced("(", ")"); // variable definitions: defaults not supported
        this.directives();
        doc.operations.push({ type: kw, name, selections: this.selectionSet() });
      } else {
        throw new GqlError(`Parse error on "${kw}"`);
      }
    }
    return doc;
  }

  private skipBalanced(open: string, close: string): void {
    let depth = 0;
    do {
      const t = this.next();
      if (t.t === "punct" && t.v === open) depth++;
      else if (t.t === "punct" && t.v === close) depth--;
    } while (depth > 0);
  }

  private selectionSet(): Selection[] {
    this.expect("{");
    const out: Selection[] = [];
    while (!this.isPunct("}")) out.push(this.selection());
    this.expect("}");
    if (out.length === 0) throw new GqlError("Parse error: empty selection set");
    return out;
  }

  private selection(): Selection {
    if (this.isPunct("...")) {
      this.next();
      const t = this.peek();
      if (t?.t === "name" && t.v === "on") {
        this.next();
        const on = this.name();
        const directives = this.directives();
        return { kind: "inline", on, directives, selections: this.selectionSet() };
      }
      if (t?.t === "name") {
        const name = this.name();
        return { kind: "spread", name, directives: this.directives() };
      }
      const directives = this.directives();
      return { kind: "inline", on: null, directives, selections: this.selectionSet() };
    }
    const alias = this.name();
    let name = alias;
    if (this.isPunct(":")) {
      this.next();
      name = this.name();
    }
    const args = this.isPunct("(") ? this.args() : {};
    const directives = this.directives();
    const selections = this.isPunct("{") ? this.selectionSet() : null;
    return { kind: "field", alias, name, args, directives, selections };
  }

  private args(): Record<string, Value> {
    this.expect("(");
    const out: Record<string, Value> = {};
    while (!this.isPunct(")")) {
      const k = this.name();
      this.expect(":");
      out[k] = this.value();
    }
    this.expect(")");
    return out;
  }

  private directives(): Directive[] {
    const out: Directive[] = [];
    while (this.isPunct("@")) {
      this.next();
      const name = this.name();
      out.push({ name, args: this.isPunct("(") ? this.args() : {} });
    }
    return out;
  }

  private value(): Value {
    const t = this.next();
    if (t.t === "punct" && t.v === "$") return { kind: "var", name: this.name() };
    if (t.t === "string" || t.t === "number") return { kind: "const", value: t.v };
    if (t.t === "name") {
      if (t.v === "true") return { kind: "const", value: true };
      if (t.v === "false") return { kind: "const", value: false };
      if (t.v === "null") return { kind: "const", value: null };
      return { kind: "const", value: t.v }; // enum
    }
    if (t.t === "punct" && t.v === "[") {
      const items: Value[] = [];
      while (!this.isPunct("]")) items.push(this.value());
      this.expect("]");
      return { kind: "list", items };
    }
    if (t.t === "punct" && t.v === "{") {
      const fields: Record<string, Value> = {};
      while (!this.isPunct("}")) {
        const k = this.name();
        this.expect(":");
        fields[k] = this.value();
      }
      this.expect("}");
      return { kind: "object", fields };
    }
    throw new GqlError(`Parse error on "${String(t.v)}" (at ${t.pos})`);
  }
}

export function parseGraphql(src: string): Document {
  return new Parser(lex(src)).document();
}

// --------------------------------------------------------------------------------------- execution

/** Batches every `load` issued in the same turn of the event loop into one `git cat-file --batch`. */
class ObjectLoader {
  private queue: Array<{
    name: string;
    resolve: (r: CatFileResult | null) => void;
    reject: (e: unknown) => void;
  }> = [];
  private cache = new Map<string, Promise<CatFileResult | null>>();
  loads = 0;

  constructor(private readonly git: GitRepo) {}

  load(name: string): Promise<CatFileResult | null> {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const p = new Promise<CatFileResult | null>((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => void this.flush());
      this.queue.push({ name, resolve, reject });
    });
    this.cache.set(name, p);
    this.loads++;
    return p;
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      const results = await this.git.catFileBatch(batch.map((b) => b.name));
      batch.forEach((b, i) => {
        b.resolve(results[i] ?? null);
      });
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}

interface Exec {
  ctx: RequestContext;
  doc: Document;
  variables: Record<string, unknown>;
  loader: ObjectLoader;
  objectFields: number;
}

function evalValue(v: Value, ex: Exec): unknown {
  switch (v.kind) {
    case "var":
      if (!(v.name in ex.variables))
        throw new GqlError(`Variable $${v.name} is used by anonymous query but not declared`);
      return ex.variables[v.name];
    case "const":
      return v.value;
    case "list":
      return v.items.map((x) => evalValue(x, ex));
    case "object":
      return Object.fromEntries(Object.entries(v.fields).map(([k, x]) => [k, evalValue(x, ex)]));
  }
}

function argsOf(args: Record<string, Value>, ex: Exec): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, evalValue(v, ex)]));
}

function included(directives: Directive[], ex: Exec): boolean {
  for (const d of directives) {
    const cond = d.args.if ? evalValue(d.args.if, ex) : undefined;
    if (d.name === "include" && cond !== true) return false;
    if (d.name === "skip" && cond === true) return false;
  }
  return true;
}

/** Flatten fragments for an object of `typename` into its fields (in order). */
function collectFields(
  selections: Selection[],
  typename: string,
  ex: Exec,
  out: Array<Extract<Selection, { kind: "field" }>> = [],
) {
  for (const s of selections) {
    if (!included(s.directives, ex)) continue;
    if (s.kind === "field") out.push(s);
    else if (s.kind === "inline") {
      if (s.on === null || s.on === typename || s.on === "GitObject" || s.on === "Node")
        collectFields(s.selections, typename, ex, out);
    } else {
      const f = ex.doc.fragments.get(s.name);
      if (!f) throw new GqlError(`Fragment ${s.name} was used, but not defined`);
      if (f.on === typename || f.on === "GitObject" || f.on === "Node")
        collectFields(f.selections, typename, ex, out);
    }
  }
  return out;
}

type Resolver = (
  field: Extract<Selection, { kind: "field" }>,
  args: Record<string, unknown>,
  ex: Exec,
) => unknown;

/** Resolve `selections` against a typed object whose fields are computed by `fields`. */
async function resolveObject(
  typename: string,
  fields: Record<string, Resolver>,
  selections: Selection[],
  ex: Exec,
) {
  const result: Record<string, unknown> = {};
  const list = collectFields(selections, typename, ex);
  const values = await Promise.all(
    list.map(async (f) => {
      if (f.name === "__typename") return typename;
      const r = fields[f.name];
      if (!r) throw new GqlError(`Field '${f.name}' doesn't exist on type '${typename}'`);
      return r(f, argsOf(f.args, ex), ex);
    }),
  );
  list.forEach((f, i) => {
    result[f.alias] = values[i];
  });
  return result;
}

function needsSelections(f: Extract<Selection, { kind: "field" }>, typename: string): Selection[] {
  if (!f.selections)
    throw new GqlError(
      `Field must have selections (field '${f.name}' returns ${typename} but has no selections.)`,
    );
  return f.selections;
}

function scalar(f: Extract<Selection, { kind: "field" }>, value: unknown): unknown {
  if (f.selections) throw new GqlError(`Selections can't be made on scalars (field '${f.name}')`);
  return value;
}

function blobFields(obj: CatFileResult, limit: number): Record<string, Resolver> {
  const bytes = obj.content;
  const isBinary = bytes.includes(0) || !isUtf8(bytes);
  const truncated = !isBinary && bytes.length > limit;
  let text: string | null = null;
  if (!isBinary) {
    if (truncated) {
      let end = limit;
      while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
      text = bytes.subarray(0, end).toString("utf8");
    } else {
      text = bytes.toString("utf8");
    }
  }
  return {
    id: (f) => scalar(f, `B_${obj.sha}`),
    oid: (f) => scalar(f, obj.sha),
    abbreviatedOid: (f) => scalar(f, obj.sha.slice(0, 7)),
    byteSize: (f) => scalar(f, obj.size),
    isBinary: (f) => scalar(f, isBinary),
    isTruncated: (f) => scalar(f, truncated),
    text: (f) => scalar(f, text),
  };
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

async function resolveGitObject(
  obj: CatFileResult | null,
  selections: Selection[],
  ex: Exec,
): Promise<unknown> {
  if (!obj) return null;
  const common: Record<string, Resolver> = {
    id: (f) => scalar(f, `O_${obj.sha}`),
    oid: (f) => scalar(f, obj.sha),
    abbreviatedOid: (f) => scalar(f, obj.sha.slice(0, 7)),
  };
  if (obj.type === "blob") {
    return resolveObject("Blob", blobFields(obj, ex.ctx.state.options.graphqlBlobTextLimit), selections, ex);
  }
  if (obj.type === "tree") {
    return resolveObject(
      "Tree",
      { ...common, entries: (f) => resolveTreeEntries(obj, needsSelections(f, "[TreeEntry!]"), ex) },
      selections,
      ex,
    );
  }
  if (obj.type === "commit") {
    const text = obj.content.toString("utf8");
    const split = text.indexOf("\n\n");
    const message = split < 0 ? "" : text.slice(split + 2);
    const tree = /^tree ([0-9a-f]{40})$/m.exec(text)?.[1] ?? "";
    return resolveObject(
      "Commit",
      {
        ...common,
        message: (f) => scalar(f, message),
        messageHeadline: (f) => scalar(f, message.split("\n")[0] ?? ""),
        tree: async (f) => resolveGitObject(await ex.loader.load(tree), needsSelections(f, "Tree"), ex),
      },
      selections,
      ex,
    );
  }
  return resolveObject("Tag", common, selections, ex);
}

async function resolveTreeEntries(
  tree: CatFileResult,
  selections: Selection[],
  ex: Exec,
): Promise<unknown[]> {
  const entries = await ex.ctx.state.git.lsTree(tree.sha);
  return Promise.all(
    entries.map((e) =>
      resolveObject(
        "TreeEntry",
        {
          name: (f) => scalar(f, e.path),
          path: (f) => scalar(f, e.path),
          oid: (f) => scalar(f, e.sha),
          mode: (f) => scalar(f, Number.parseInt(e.mode, 8)),
          type: (f) => scalar(f, e.type),
          extension: (f) => scalar(f, /\.[^./]+$/.exec(e.path)?.[0] ?? null),
          isGenerated: (f) => scalar(f, false),
          size: (f) => scalar(f, e.size ?? 0),
          object: async (f) => {
            ex.objectFields++;
            return resolveGitObject(await ex.loader.load(e.sha), needsSelections(f, "GitObject"), ex);
          },
        },
        selections,
        ex,
      ),
    ),
  );
}

function repositoryFields(ex: Exec): Record<string, Resolver> {
  const o = ex.ctx.state.options;
  const git = ex.ctx.state.git;
  const refObject = async (qualified: string, selections: Selection[]) => {
    const sha = await git.resolve(qualified, "commit");
    if (!sha) return null;
    const name = qualified.replace(/^refs\/(heads|tags)\//, "");
    return resolveObject(
      "Ref",
      {
        name: (f) => scalar(f, name),
        prefix: (f) => scalar(f, qualified.slice(0, qualified.length - name.length)),
        target: async (f) => resolveGitObject(await ex.loader.load(sha), needsSelections(f, "GitObject"), ex),
      },
      selections,
      ex,
    );
  };
  return {
    id: (f) => scalar(f, `R_${ex.ctx.state.repoId}`),
    name: (f) => scalar(f, o.repo),
    nameWithOwner: (f) => scalar(f, `${o.owner}/${o.repo}`),
    isPrivate: (f) => scalar(f, false),
    owner: (f) =>
      resolveObject(
        "Organization",
        { login: (g) => scalar(g, o.owner) },
        needsSelections(f, "RepositoryOwner"),
        ex,
      ),
    defaultBranchRef: (f) => refObject(`refs/heads/${o.defaultBranch}`, needsSelections(f, "Ref")),
    ref: (f, args) => {
      const q = args.qualifiedName;
      if (typeof q !== "string")
        throw new GqlError("Argument 'qualifiedName' on Field 'ref' has an invalid value");
      return refObject(q.startsWith("refs/") ? q : `refs/heads/${q}`, needsSelections(f, "Ref"));
    },
    object: async (f, args) => {
      const selections = needsSelections(f, "GitObject");
      ex.objectFields++;
      const { oid, expression } = args;
      if ((oid === undefined) === (expression === undefined)) {
        throw new GqlError("Field 'object' needs exactly one of the arguments 'oid' or 'expression'");
      }
      if (oid !== undefined) {
        if (typeof oid !== "string" || !SHA_RE.test(oid))
          throw new GqlError(
            `Argument 'oid' on Field 'object' has an invalid value (${JSON.stringify(oid)}). Expected type 'GitObjectID'.`,
          );
        return resolveGitObject(await ex.loader.load(oid), selections, ex);
      }
      if (typeof expression !== "string" || /[\n\r]/.test(expression) || expression.length === 0) {
        throw new GqlError(
          `Argument 'expression' on Field 'object' has an invalid value (${JSON.stringify(expression)}).`,
        );
      }
      return resolveGitObject(await ex.loader.load(expression), selections, ex);
    },
  };
}

async function execute(ex: Exec, operationName: string | undefined): Promise<Record<string, unknown>> {
  const ops = ex.doc.operations;
  const op = operationName
    ? ops.find((o) => o.name === operationName)
    : ops.length === 1
      ? ops[0]
      : undefined;
  if (!op)
    throw new GqlError(
      operationName
        ? `No operation named "${operationName}"`
        : "An operation name is required when the document has several operations",
    );
  if (op.type === "mutation") return executeMutation(ex, op.selections);
  if (op.type !== "query")
    throw new GqlError(`The stand-in only answers queries and mutations, not ${op.type}`);
  const o = ex.ctx.state.options;
  const errors: unknown[] = [];
  const data = await resolveObject(
    "Query",
    {
      repository: (f, args) => {
        const owner = String(args.owner ?? "");
        const name = String(args.name ?? "");
        if (owner.toLowerCase() !== o.owner.toLowerCase() || name.toLowerCase() !== o.repo.toLowerCase()) {
          errors.push({
            type: "NOT_FOUND",
            path: [f.alias],
            locations: [],
            message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
          });
          return null;
        }
        return resolveObject("Repository", repositoryFields(ex), needsSelections(f, "Repository"), ex);
      },
      rateLimit: (f) =>
        resolveObject(
          "RateLimit",
          {
            cost: (g) => scalar(g, 1),
            limit: (g) => scalar(g, 5000),
            remaining: (g) => scalar(g, 4999),
            used: (g) => scalar(g, 1),
            nodeCount: (g) => scalar(g, Math.max(1, ex.objectFields)),
            resetAt: (g) =>
              scalar(g, new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z")),
          },
          needsSelections(f, "RateLimit"),
          ex,
        ),
    },
    op.selections,
    ex,
  );
  return errors.length > 0 ? { data, errors } : { data };
}

/**
 * Mutations: `updateRefs` only, modelled on GitHub's: every `RefUpdate` is checked and applied
 * atomically under the write lock; `beforeOid` must be where the ref is (a compare-and-swap with
 * `git update-ref <ref> <new> <old>`), and without `force` the update must be a fast-forward.
 * A failed update answers 200 with `errors` and `updateRefs: null`, and changes nothing.
 */
async function executeMutation(ex: Exec, selections: Selection[]): Promise<Record<string, unknown>> {
  const fields = collectFields(selections, "Mutation", ex);
  const data: Record<string, unknown> = {};
  const errors: unknown[] = [];
  for (const f of fields) {
    if (f.kind !== "field" || f.name !== "updateRefs")
      throw new GqlError(`Field '${f.kind === "field" ? f.name : "?"}' doesn't exist on type 'Mutation'`);
    const input = argsOf(f.args, ex).input as {
      repositoryId: string;
      clientMutationId?: string;
      refUpdates: Array<{ name: string; afterOid: string; beforeOid?: string; force?: boolean }>;
    };
    try {
      await updateRefs(ex.ctx, input);
      data[f.alias] = await resolveObject(
        "UpdateRefsPayload",
        { clientMutationId: (g) => scalar(g, input.clientMutationId ?? null) },
        needsSelections(f, "UpdateRefsPayload"),
        ex,
      );
    } catch (e) {
      if (!(e instanceof GqlError)) throw e;
      data[f.alias] = null;
      errors.push({ type: "UNPROCESSABLE", path: [f.alias], locations: [], message: e.message });
    }
  }
  return errors.length > 0 ? { data, errors } : { data };
}

async function updateRefs(
  ctx: RequestContext,
  input: {
    repositoryId: string;
    refUpdates: Array<{ name: string; afterOid: string; beforeOid?: string; force?: boolean }>;
  },
): Promise<void> {
  const state = ctx.state;
  if (input.repositoryId !== `R_${state.repoId}`)
    throw new GqlError(`Could not resolve to a node with the global id of '${input.repositoryId}'`);
  const git = state.git;
  await state.writeLock.run(async () => {
    // Check every update first, then apply them; a lost race with an outside push undoes the applied ones.
    const planned: Array<{ name: string; before: string; after: string }> = [];
    for (const u of input.refUpdates) {
      if (!u.name.startsWith("refs/") || !(await git.checkRefFormat(u.name)))
        throw new GqlError(`A ref update failed: invalid ref name ${u.name}`);
      const current = (await git.resolve(u.name)) ?? ZERO_SHA;
      if (u.beforeOid !== undefined && u.beforeOid !== null && u.beforeOid !== current)
        throw new GqlError(
          `A ref update failed: ${u.name} was expected to point to ${u.beforeOid} but points to ${current}`,
        );
      if (u.afterOid !== ZERO_SHA) {
        if ((await git.typeOf(u.afterOid)) !== "commit" && u.name.startsWith("refs/heads/"))
          throw new GqlError(`A ref update failed: ${u.afterOid} is not a commit`);
        if (!u.force && current !== ZERO_SHA && !(await git.isAncestor(current, u.afterOid)))
          throw new GqlError(`A ref update failed: ${u.name} is not a fast forward`);
      }
      planned.push({ name: u.name, before: current, after: u.afterOid });
    }
    const applied: typeof planned = [];
    for (const p of planned) {
      const ok =
        p.after === ZERO_SHA
          ? await git.deleteRef(p.name, p.before)
          : await git.updateRef(p.name, p.after, p.before, "github-standin: updateRefs");
      if (!ok) {
        for (const a of applied.reverse())
          if (a.before === ZERO_SHA) await git.deleteRef(a.name, a.after);
          else await git.updateRef(a.name, a.before, a.after, "github-standin: updateRefs undone");
        throw new GqlError(`A ref update failed: ${p.name} moved`);
      }
      applied.push(p);
    }
  });
}

export const graphqlRoutes: Route[] = [
  {
    method: "POST",
    pattern: /^\/graphql$/,
    auth: "token",
    handler: async (ctx) => {
      const body = bodyObject(ctx);
      if (typeof body.query !== "string")
        return ok({ errors: [{ message: "A query attribute must be specified and must be a string." }] });
      const variables = isRecord(body.variables) ? body.variables : {};
      const operationName = typeof body.operationName === "string" ? body.operationName : undefined;
      const ex: Exec = {
        ctx,
        doc: { operations: [], fragments: new Map() },
        variables,
        loader: new ObjectLoader(ctx.state.git),
        objectFields: 0,
      };
      try {
        ex.doc = parseGraphql(body.query);
        const result = await execute(ex, operationName);
        ctx.record.objectCount = ex.objectFields;
        return ok(result);
      } catch (e) {
        if (e instanceof GqlError) {
          ctx.record.objectCount = ex.objectFields;
          return ok({ errors: [{ message: e.message, locations: [] }] });
        }
        throw e;
      }
    },
  },
];
