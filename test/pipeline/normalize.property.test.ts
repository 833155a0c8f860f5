/**
 * Properties of normalization over generated documents: whatever way a resource is written
 * (key order, flow or block style, quoting, comments), its managed file is the same bytes, and
 * feeding a managed file back through raw/ changes nothing.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { Document, parse } from "yaml";
import { FABRIC_ROOT, RAW } from "../support/fabric.js";
import { ingestTree, writeText } from "../support/pipeline.js";

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
const mac = fc
  .array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 })
  .map((b) => b.map((x) => x.toString(16).padStart(2, "0")).join(":"));

const switchObject = fc.record({
  name,
  role: fc.constantFrom("spine", "server-leaf", "border-leaf", "mixed-leaf"),
  mac,
  description: fc.option(fc.constantFrom("on", "yes", "22:22", "rack 1", "0x10", "leaf # one"), {
    nil: undefined,
  }),
  groups: fc.array(name, { maxLength: 3 }),
});

const style = fc.record({
  flow: fc.boolean(),
  quote: fc.boolean(),
  reverse: fc.boolean(),
  comment: fc.boolean(),
});

type Of<A> = A extends fc.Arbitrary<infer T> ? T : never;

function written(sw: Of<typeof switchObject>, s: Of<typeof style>): string {
  const spec: Record<string, unknown> = { role: sw.role, profile: "vs", boot: { mac: sw.mac } };
  if (sw.description !== undefined) spec.description = sw.description;
  if (sw.groups.length > 0) spec.groups = sw.groups;
  const top: [string, unknown][] = [
    ["apiVersion", "wiring.githedgehog.com/v1beta1"],
    ["kind", "Switch"],
    ["metadata", { name: sw.name }],
    ["spec", spec],
  ];
  const doc = new Document(Object.fromEntries(s.reverse ? top.reverse() : top));
  const text = doc.toString({
    collectionStyle: s.flow ? "flow" : "block",
    defaultStringType: s.quote ? "QUOTE_DOUBLE" : "PLAIN",
    defaultKeyType: "PLAIN",
  });
  return s.comment ? `# exported by hand\n${text}` : text;
}

const managedPath = (n: string) => `${FABRIC_ROOT}/managed/switches/${n}.yaml`;

it("writes one resource to the same bytes however it was written, and keeps every value", () => {
  fc.assert(
    fc.property(switchObject, style, style, (sw, a, b) => {
      const one = writeText(ingestTree({ [`${RAW}/a.yaml`]: written(sw, a) }), managedPath(sw.name));
      const two = writeText(ingestTree({ [`${RAW}/b.yaml`]: written(sw, b) }), managedPath(sw.name));
      expect(two).toBe(one);
      const back = parse(one, { version: "1.1" });
      expect(back.spec.boot.mac).toBe(sw.mac);
      expect(back.spec.description).toBe(sw.description);
      expect(back.metadata).toEqual({ name: sw.name, namespace: "default" });
    }),
    { numRuns: 150 },
  );
});

it("finds a managed file fed back through raw/ unchanged", () => {
  fc.assert(
    fc.property(switchObject, style, (sw, s) => {
      const path = managedPath(sw.name);
      const managed = writeText(ingestTree({ [`${RAW}/a.yaml`]: written(sw, s) }), path);
      const again = ingestTree({ [path]: managed, [`${RAW}/copy.yaml`]: managed });
      expect(again.report.roots[0]?.counts).toEqual({ Switch: { created: 0, updated: 0, unchanged: 1 } });
      expect(again.plan.writes.filter((w) => w.path === path)).toEqual([]);
    }),
    { numRuns: 150 },
  );
});
