/** Issue 10, item 6: what the app writes reads back with the meaning the user wrote, in YAML 1.2 and 1.1. */
import jsYaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { IngestResult } from "../../src/pipeline/types.js";
import { FABRIC_ROOT, RAW } from "../support/fabric.js";
import { ingestTree } from "../support/pipeline.js";

const readers = {
  "1.2": (y: string) => parse(y, { version: "1.2", schema: "core" }),
  "1.1": (y: string) => parse(y, { version: "1.1", schema: "yaml-1.1" }),
  "js-yaml": (y: string) => jsYaml.load(y),
};

function written(result: IngestResult, suffix: string): string {
  const write = result.plan.writes.find((w) => w.path.endsWith(suffix) && !w.path.includes("/archive/"));
  if (!write?.bytes) throw new Error(`no write ending in ${suffix}`);
  return new TextDecoder().decode(write.bytes);
}

const tricky = {
  octal: "0o17",
  yes: "yes",
  on: "on",
  tab: "a\tb",
  ls: "x\u2028y",
  merge: "<<",
  time: "1:20",
};

describe("strings keep their meaning in the files the app writes", () => {
  it("managed files: a Switch description like 0o17 or yes stays a string for every reader", () => {
    const result = ingestTree({
      [`${RAW}/sw.yaml`]: [
        "apiVersion: wiring.githedgehog.com/v1beta1",
        "kind: Switch",
        "metadata:",
        "  name: leaf-1",
        "spec:",
        "  role: server-leaf",
        "  profile: vs",
        '  description: "0o17"',
        "  boot:",
        '    mac: "0c:20:12:ff:00:00"',
      ].join("\n"),
    });
    const text = written(result, `${FABRIC_ROOT}/managed/switches/leaf-1.yaml`);
    for (const read of Object.values(readers)) {
      expect((read(text) as { spec: unknown }).spec).toMatchObject({
        description: "0o17",
        boot: { mac: "0c:20:12:ff:00:00" },
      });
    }
  });

  it("items of a kubectl List written to unmanaged/ keep quoted values and odd keys", () => {
    const item = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "notes" },
      data: { ...tricky, "<<": "=" },
    };
    const list = JSON.stringify({ apiVersion: "v1", kind: "List", items: [item] });
    const result = ingestTree({ [`${RAW}/export.yaml`]: list });
    const text = written(result, "/notes.yaml");
    for (const [name, read] of Object.entries(readers)) expect(read(text), name).toEqual(item);
  });
});
