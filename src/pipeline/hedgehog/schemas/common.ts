/**
 * Building blocks shared by the per-kind JSON Schemas (reference §2, §3.3).
 *
 * The schemas are plain draft-07 objects. Two rules hold everywhere:
 * - every struct-like object gets `additionalProperties: false`, so typos fail as they do with
 *   `kubectl` strict field validation and `hhfab`'s strict decoding;
 * - maps are `{ type: "object", additionalProperties: <value schema> }` and stay open.
 *
 * Two annotation keywords (ignored by validation, read by schema-check.ts) carry user-facing text:
 * `x-expected` says what a value should look like, `x-value-hints` gives a hint per rejected enum value.
 */

/** A JSON Schema as a read-only plain object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export const EXPECTED_KEYWORD = "x-expected";
export const VALUE_HINTS_KEYWORD = "x-value-hints";

export const string: JsonSchema = { type: "string" };
export const boolean: JsonSchema = { type: "boolean" };

/** A closed set of strings; the CRDs list "" where Go treats empty as "use the default". */
export function stringEnum(...values: string[]): JsonSchema {
  return { type: "string", enum: values };
}

/** An integer in [minimum, maximum]; the bounds follow the Go type so decoding would not overflow. */
export function integer(minimum: number, maximum: number): JsonSchema {
  return { type: "integer", minimum, maximum };
}

export const uint8 = integer(0, 255);
export const uint16 = integer(0, 65_535);
/** uint32 (ASNs, lease times): the CRDs say `format: int32`, but Go accepts the full unsigned range. */
export const uint32 = integer(0, 4_294_967_295);
/** Signed int32 (Gateway group priority). */
export const int32 = integer(-2_147_483_648, 2_147_483_647);

/** A struct: only the listed fields, some of them required. */
export function struct(properties: Record<string, JsonSchema>, required: readonly string[] = []): JsonSchema {
  return required.length > 0
    ? { type: "object", properties, required, additionalProperties: false }
    : { type: "object", properties, additionalProperties: false };
}

/** A struct with no fields at all (SwitchGroup/GatewayGroup spec, NAT `static`): only `{}` is valid. */
export const emptyStruct: JsonSchema = struct({});

/** A map from free-form keys to values of one schema. */
export function mapOf(values: JsonSchema): JsonSchema {
  return { type: "object", additionalProperties: values };
}

export function arrayOf(
  items: JsonSchema,
  limits: { minItems?: number; maxItems?: number } = {},
): JsonSchema {
  return { type: "array", items, ...limits };
}

export const stringList = arrayOf(string);

/** IPv4 prefix, the CRD's own pattern (wiring Connection link IPs). Semantics are the rules step's job. */
export const IPV4_CIDR_PATTERN = "^((25[0-5]|(2[0-4]|1\\d|[1-9]|)\\d)\\.?\\b){4}/([1-2]?[0-9]|3[0-2])$";
/** IPv4 address, the CRD's own pattern (Connection staticExternal nextHop). */
export const IPV4_ADDRESS_PATTERN = "^((25[0-5]|(2[0-4]|1\\d|[1-9]|)\\d)\\.?\\b){4}$";

export const ipv4Cidr: JsonSchema = {
  type: "string",
  pattern: IPV4_CIDR_PATTERN,
  [EXPECTED_KEYWORD]: "an IPv4 prefix such as 172.30.128.0/31",
};

export const ipv4Address: JsonSchema = {
  type: "string",
  pattern: IPV4_ADDRESS_PATTERN,
  [EXPECTED_KEYWORD]: "an IPv4 address such as 172.30.128.1",
};

/** A Connection port reference, "<device>/<port>"; its syntax is checked by the rules step. */
export const portName: JsonSchema = {
  type: "string",
  [EXPECTED_KEYWORD]: 'a "<device>/<port>" string such as leaf-01/E1/1',
};

/** One end of a Connection link. */
export const port = struct({ port: portName }, ["port"]);

/** A routed link end (fabric, mesh, gateway): the /31 `ip` is filled by hhfab hydration when absent. */
export const portWithIP = struct({ port: portName, ip: ipv4Cidr }, ["port"]);

/**
 * Object metadata as users write it. Server-populated fields (uid, resourceVersion, generation,
 * creationTimestamp, managedFields, selfLink) are stripped before validation, so they are rejected here.
 * Name syntax and the namespace value are checked by the rules step; here they are only typed.
 */
export const metadata = struct(
  {
    name: string,
    namespace: string,
    labels: mapOf(string),
    annotations: mapOf(string),
    generateName: string,
    finalizers: stringList,
    ownerReferences: arrayOf(
      struct(
        {
          apiVersion: string,
          kind: string,
          name: string,
          uid: string,
          controller: boolean,
          blockOwnerDeletion: boolean,
        },
        ["apiVersion", "kind", "name", "uid"],
      ),
    ),
  },
  ["name"],
);

/**
 * The top-level envelope of one resource: `apiVersion`, `kind`, `metadata`, `spec` and nothing else
 * (`status` is stripped before validation). `spec` is optional only for kinds whose every field is.
 */
export function resource(
  apiVersion: string,
  kind: string,
  spec: JsonSchema,
  options: { specRequired: boolean },
): JsonSchema {
  const required = ["apiVersion", "kind", "metadata", ...(options.specRequired ? ["spec"] : [])];
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: `https://githedgehog.com/schemas/${apiVersion}/${kind}.json`,
    title: `${apiVersion} ${kind}`,
    ...struct({ apiVersion: { const: apiVersion }, kind: { const: kind }, metadata, spec }, required),
  };
}

export const VPC_API = "vpc.githedgehog.com/v1beta1";
export const WIRING_API = "wiring.githedgehog.com/v1beta1";
export const GATEWAY_API = "gateway.githedgehog.com/v1alpha1";
