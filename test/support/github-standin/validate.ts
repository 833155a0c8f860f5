/**
 * The stand-in rejects what GitHub rejects: every REST request is checked against GitHub's
 * published OpenAPI description (@octokit/openapi, api.github.com: method, path, declared query
 * parameters, JSON body), every GraphQL request against GitHub's published schema
 * (@octokit/graphql-schema, with graphql-js's validation and variable coercion). A request that
 * fails gets GitHub's answer (REST 422, GraphQL 200 with `errors`) and is recorded as invalid.
 *
 * The descriptions are loaded once per process; each operation's body schema is compiled once.
 */
import { createRequire } from "node:module";
import { schema as githubGraphql } from "@octokit/graphql-schema";
import { Ajv, type ValidateFunction } from "ajv";
import {
  buildSchema,
  type GraphQLSchema,
  getVariableValues,
  type OperationDefinitionNode,
  parse,
  validate,
} from "graphql";

const require = createRequire(import.meta.url);

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: object;
  $ref?: string;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: object }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { parameters?: Record<string, Parameter> };
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  literal: number;
  operation: Operation;
}

let loaded: { spec: Spec; routes: Route[]; ajv: Ajv } | undefined;
const bodyValidators = new Map<string, ValidateFunction | null>();
const queryValidators = new Map<string, ValidateFunction>();

function rest() {
  if (loaded) return loaded;
  const spec = require("@octokit/openapi/generated/api.github.com.json") as Spec;
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
    for (const [method, operation] of Object.entries(item)) {
      if (!["get", "post", "patch", "put", "delete"].includes(method)) continue;
      routes.push({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${source}$`),
        literal: template.replace(/\{[^}]+\}/g, "").length,
        operation,
      });
    }
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, coerceTypes: false });
  ajv.addSchema(spec as object, "github");
  loaded = { spec, routes, ajv };
  return loaded;
}

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

function parametersOf(spec: Spec, operation: Operation): Parameter[] {
  return (operation.parameters ?? []).map((p) =>
    p.$ref ? (spec.components.parameters?.[p.$ref.split("/").at(-1) ?? ""] as Parameter) : p,
  );
}

/** Problems with a REST request, or [] when GitHub would take it; undefined when no operation has this path. */
export function restProblems(
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
): string[] | undefined {
  const { spec, routes, ajv } = rest();
  const route = routes
    .filter((r) => r.method === (method === "HEAD" ? "GET" : method) && r.pattern.test(path))
    .sort((a, b) => b.literal - a.literal)[0];
  if (!route) return undefined;
  const key = `${route.method} ${route.template}`;
  const problems: string[] = [];

  // Declared query parameters must have a valid value (undeclared ones are ignored, like GitHub).
  for (const p of parametersOf(spec, route.operation).filter((x) => x.in === "query")) {
    const raw = query.get(p.name);
    if (raw === null || !p.schema) continue;
    const id = `${key} ?${p.name}`;
    let check = queryValidators.get(id);
    if (!check) {
      check = new Ajv({ strict: false, coerceTypes: true }).compile(p.schema);
      queryValidators.set(id, check);
    }
    const holder = { v: raw as unknown };
    if (!check(holder.v)) problems.push(`query parameter ${p.name}=${raw}: ${ajv.errorsText(check.errors)}`);
  }

  const content = route.operation.requestBody?.content?.["application/json"];
  if (content?.schema) {
    let check = bodyValidators.get(key);
    if (check === undefined) {
      const ref = `github#/${pointer("paths", route.template, method === "HEAD" ? "get" : method.toLowerCase(), "requestBody", "content", "application/json", "schema")}`;
      check = ajv.compile({ $ref: ref });
      bodyValidators.set(key, check);
    }
    if (check && !check(body ?? {}))
      problems.push(...(check.errors ?? []).map((e) => `body${e.instancePath}: ${e.message ?? "invalid"}`));
  }
  return problems;
}

let schema: GraphQLSchema | undefined;

/** Loads both descriptions now (a few seconds, synchronously): call before the app under test starts. */
export function loadGitHubDescriptions(): void {
  rest();
  schema ??= buildSchema(githubGraphql.idl, { assumeValidSDL: true });
}

/** Problems with a GraphQL request against GitHub's schema, or [] when it is valid. */
export function graphqlProblems(body: unknown): string[] {
  schema ??= buildSchema(githubGraphql.idl, { assumeValidSDL: true });
  const request = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof request.query !== "string") return ["a query string is required"];
  let document: ReturnType<typeof parse>;
  try {
    document = parse(request.query);
  } catch (error) {
    return [(error as Error).message];
  }
  const errors = validate(schema, document).map((e) => e.message);
  if (errors.length > 0) return errors;
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === "OperationDefinition",
  );
  const operation =
    typeof request.operationName === "string"
      ? operations.find((o) => o.name?.value === request.operationName)
      : operations[0];
  if (!operation) return ["no operation to run"];
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    (request.variables ?? {}) as Record<string, unknown>,
  );
  return coerced.errors?.map((e) => e.message) ?? [];
}
