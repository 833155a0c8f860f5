/**
 * Issue 9: the fast loader (js-yaml + lazy positions) and the reference loader (`yaml` with its
 * tree) must agree on everything a user sees: values, document lines, problems, positions of
 * problems, unmanaged text and managed bytes, on every fixture and on generated input.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Document } from "yaml";
import { decodeYamlText } from "../../src/pipeline/decode.js";
import { discoverRoots, rootInputs } from "../../src/pipeline/discover.js";
import { ingest } from "../../src/pipeline/ingest.js";
import { type LoadedFile, yamlLoader } from "../../src/pipeline/parse.js";
import type { JsonPath } from "../../src/pipeline/types.js";
import { fastLoad, fastLoader } from "../../src/pipeline/yaml/fast-load.js";
import { RAW, sampleInbox, vpcYaml, wiringYaml } from "../support/fabric.js";

const CORPUS = join(import.meta.dirname, "..", "fixtures", "hostile");

/** Every path to a map key or list item in a value, for comparing positions. */
function paths(value: unknown, prefix: JsonPath = []): JsonPath[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...paths(v, [...prefix, i])]);
  if (typeof value === "object" && value !== null)
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
  return [];
}

/** What a user can see of a loaded file. */
function visible(file: LoadedFile) {
  return {
    problems: file.problems,
    documents: file.documents.map((d) => ({
      index: d.index,
      start: d.start,
      value: d.value,
      source: d.source(),
      positions: paths(d.value)
        .slice(0, 50)
        .map((p) => [p.join("."), d.positionOf(p)]),
      missing: d.positionOf(["no", "such", "path"]),
    })),
  };
}

function expectSame(text: string): void {
  expect(visible(fastLoader.load(text))).toEqual(visible(yamlLoader.load(text)));
}

function ingestBoth(files: Record<string, string>) {
  const discovered = discoverRoots(Object.keys(files));
  const input = {
    sourceCommit: "0123456789abcdef0123456789abcdef01234567",
    current: new Map<string, string>(),
    roots: rootInputs(discovered, (path) => ({ path, bytes: new TextEncoder().encode(files[path] ?? "") })),
  };
  return [ingest(input, fastLoader), ingest(input, yamlLoader)];
}

describe("fast and reference loaders agree", () => {
  it("on every file of the hostile corpus", () => {
    for (const name of readdirSync(CORPUS).filter((n) => n.endsWith(".yaml"))) {
      const decoded = decodeYamlText(readFileSync(join(CORPUS, name)));
      if ("text" in decoded) expectSame(decoded.text);
    }
  });

  it("on the sample inbox, and takes the fast path there", () => {
    for (const text of Object.values(sampleInbox())) {
      expect(fastLoad(text)).toBeDefined();
      expectSame(text);
    }
  });

  it("on hand-picked layouts: comments, markers, empty documents, scalars that look like numbers", () => {
    const cases = [
      "# lead\n---\n# c\n\na: 1 # x\nb: [1, 2]\n# trailing\n\n--- # m\n# c2\nfoo: 1\n...\n# after end\n---\n- a\n--- bar\n",
      "a: 0o17\nb: 017\nc: 0x1F\nd: 0b101\ne: -0\nf: +0x1F\ng: -0o17\nh: +.5\ni: 1e3\nj: e0\nk: .inf\nl: -.Inf\nm: .NaN\nn: ~\no: Null\np: TRUE\nq: yes\nr: 1:20\ns: 2026-12-02\nt: 1_000\n",
      "a: |\n  line\n  # not a comment\n\nb: >-\n  folded\n  text\n",
      "a: 'it''s'\nb: \"esc \\t \\u00e9\"\nc: plain # comment\n",
      "---\n---\n~\n---\na: 1\n",
      "a:\n- 1\n- b: 2\n  c: [x, {y: z}]\n",
      "\r\na: 1\r\nb:\r\n  c: 2\r\n",
      "1: one\n2.5: two\ntrue: three\nnull: four\n",
    ];
    for (const text of cases) expectSame(text);
  });

  it("on generated documents in any style", () => {
    const scalar = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom("on", "0o17", "1:20", "e0", "-0", "+.5", "0x1F", "~", "", "a: b", "#x", "- x", "---"),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, scalar, tie("list"), tie("map")),
      list: fc.array(tie("value"), { maxLength: 3 }),
      map: fc.dictionary(fc.string({ maxLength: 5 }), tie("value"), { maxKeys: 3 }),
    }));
    const doc = fc.record({
      value: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), value, { minKeys: 1, maxKeys: 4 }),
      flow: fc.boolean(),
      quote: fc.constantFrom("PLAIN", "QUOTE_DOUBLE", "QUOTE_SINGLE", "BLOCK_LITERAL") as fc.Arbitrary<
        "PLAIN" | "QUOTE_DOUBLE" | "QUOTE_SINGLE" | "BLOCK_LITERAL"
      >,
      comment: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 4 }), fc.boolean(), (docs, leadingMarker) => {
        const texts = docs.map((d) => {
          const text = new Document(d.value).toString({
            collectionStyle: d.flow ? "flow" : "block",
            defaultStringType: d.quote,
            lineWidth: 0,
          });
          return d.comment ? `# note\n${text}# end\n` : text;
        });
        expectSame(`${leadingMarker ? "---\n" : ""}${texts.join("---\n")}`);
      }),
      { numRuns: 300 },
    );
  });

  it("give identical plans and reports (managed bytes, unmanaged text, problems) through ingest()", () => {
    const files = {
      ...sampleInbox(),
      [`${RAW}/bad.yaml`]: vpcYaml("bad", 2, 1002).replace("vlan:", "vlna:"),
      [`${RAW}/refs.yaml`]: wiringYaml().split("\n---\n").slice(20, 30).join("\n---\n"),
      [`${RAW}/cm.yaml`]:
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x # c\ndata:\n  a: 'on'\n# tail\n",
      // Documents are loaded one at a time: a later one js-yaml refuses (a duplicate key, a null
      // document) sends the whole file to the reference path, from the start.
      [`${RAW}/late-duplicate.yaml`]: `${vpcYaml("early", 3, 1003)}---\n${vpcYaml("late", 4, 1004).replace("kind: VPC", "kind: VPC\nkind: VPC")}`,
      [`${RAW}/late-null.yaml`]: `${vpcYaml("first", 5, 1005)}---\n~\n---\n${vpcYaml("third", 6, 1006)}`,
    };
    const [fast, reference] = ingestBoth(files);
    expect(fast).toEqual(reference);
  });
});
