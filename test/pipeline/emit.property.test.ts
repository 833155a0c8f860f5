/**
 * The emitter's promise (issue 10, item 6): whatever value it writes, a YAML 1.2 reader and two
 * YAML 1.1 readers read back exactly that value. Strings that look like other types, control
 * characters, line separators and keys like `<<` are the generated cases that used to break.
 */
import fc from "fast-check";
import jsYaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { emitYaml, needsQuotes } from "../../src/pipeline/yaml/emit.js";

const nasty = fc.constantFrom(
  "0o17",
  "017",
  "0x1F",
  "0b101",
  "1_000",
  "1:20",
  "1:20.5",
  "190:20:30",
  "+12",
  "-0",
  "1e3",
  "e0",
  "E5",
  ".e1",
  "-e2",
  "1.5e-7",
  ".5",
  "1.",
  "yes",
  "No",
  "ON",
  "off",
  "y",
  "N",
  "true",
  "False",
  "null",
  "Null",
  "~",
  "",
  " ",
  ".inf",
  "-.Inf",
  ".NaN",
  "2026-12-02",
  "2001-12-14t21:59:43.10-05:00",
  "<<",
  "=",
  "a: b",
  "a #b",
  "- x",
  "? x",
  ": x",
  "---",
  "...",
  "'q'",
  '"q"',
  "@x",
  "`x",
  "%x",
  "!x",
  "&x",
  "*x",
  "|",
  ">",
  "[x]",
  "{x}",
  "a,b",
  "#",
  "tab\there",
  "line\nbreak",
  "\r",
  "nel\u0085",
  "ls\u2028ps\u2029",
  "\ufeffbom",
  "\u0000nul",
  "bell\u0007",
  "del\u007f",
  "nbsp\u00a0",
  " lead",
  "trail ",
  "00:11:22:33:44:55",
  "10.0.1.1",
  "10.0.1.0/24",
  "emoji 😀",
  "é",
  "\\",
  "x".repeat(1100),
);
const text = fc.oneof(
  nasty,
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ maxLength: 8 }),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9._/-]{0,4}$/),
);
const key = text.filter((k) => k !== "__proto__");
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e21, 1e-7, 2 ** 53, -(2 ** 60), Number.MAX_VALUE, Number.MIN_VALUE),
);
const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, scalar, tie("list"), tie("map")),
  list: fc.array(tie("value"), { maxLength: 4 }),
  map: fc.dictionary(key, tie("value"), { maxKeys: 4 }),
}));

const readers: Record<string, (yaml: string) => unknown> = {
  "yaml 1.2 core": (y) => parse(y, { version: "1.2", schema: "core", uniqueKeys: true }),
  "yaml 1.1": (y) => parse(y, { version: "1.1", schema: "yaml-1.1", merge: true, uniqueKeys: true }),
  "js-yaml (YAML 1.1 types)": (y) => jsYaml.load(y),
};

describe("emitted YAML reads back as the same value", () => {
  for (const [name, read] of Object.entries(readers)) {
    it(`with ${name}`, () => {
      fc.assert(
        fc.property(fc.oneof(value, fc.dictionary(key, value, { maxKeys: 6 })), (v) => {
          expect(read(emitYaml(v))).toEqual(v);
        }),
        { numRuns: 1500 },
      );
    });
  }

  it("quotes only what needs it: names, IPs, MACs and sentences stay plain", () => {
    for (const plain of [
      "leaf-01",
      "10.0.1.1",
      "10.0.1.0/24",
      "0c:20:12:ff:00:00",
      "rack 1, row 2",
      "Ethernet1/1",
    ])
      expect(needsQuotes(plain)).toBe(false);
    expect(emitYaml({ a: "0o17", b: "on", "<<": "=", c: [["x"], { d: "tab\there" }] })).toBe(
      'a: "0o17"\nb: "on"\n"<<": "="\nc:\n- - x\n- d: "tab\\there"\n',
    );
  });

  it("escapes the noncharacters U+FFFE and U+FFFF, which YAML does not allow in a stream", () => {
    // Found by the property above: js-yaml refuses a plain U+FFFE as non-printable.
    const value = { "\ufffe": "a\uffffb" };
    expect(emitYaml(value)).toBe('"\\ufffe": "a\\uffffb"\n');
    for (const read of Object.values(readers)) expect(read(emitYaml(value))).toEqual(value);
  });
});
