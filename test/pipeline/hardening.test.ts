/**
 * Issue 10: input built to hurt the parser gets a clear error at its line, never a crash, and the
 * messages name the real cause.
 */
import { describe, expect, it } from "vitest";
import { MAX_DEPTH, MAX_NODES } from "../../src/pipeline/yaml/prescan.js";
import { RAW, vpcYaml } from "../support/fabric.js";
import { ingestTree } from "../support/pipeline.js";

const GOOD = `${RAW}/good.yaml`;
const BAD = `${RAW}/bad.yaml`;

/** Runs one bad file beside a good one; returns the bad file's problems after checking the good one went ahead. */
function problemsOf(content: string | Uint8Array) {
  const result = ingestTree({ [BAD]: content, [GOOD]: vpcYaml("good", 1, 1001) });
  expect(result.plan.deletes).toEqual([GOOD]);
  const bad = result.report.roots[0]?.files.find((f) => f.path === BAD);
  expect(bad?.verdict).toBe("rejected");
  return [...(bad?.problems ?? []), ...(bad?.documents.flatMap((d) => d.problems) ?? [])];
}

const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n${data}`;

describe("nesting and size bounds", () => {
  it("refuses 2,000 nested flow sequences (which abort Node inside the parser) at their line", () => {
    const problems = problemsOf(`a: 1\nb: ${"[".repeat(2000)}${"]".repeat(2000)}\n`);
    expect(problems).toEqual([
      expect.objectContaining({
        code: "too-deep",
        line: 2,
        message: expect.stringContaining(`${MAX_DEPTH}`),
      }),
    ]);
  });

  it("refuses 10,000 levels of block nesting with the depth error, not a stack overflow", () => {
    expect(problemsOf(`${"- ".repeat(10_000)}x\n`)).toEqual([
      expect.objectContaining({ code: "too-deep", line: 1, column: 2 * MAX_DEPTH + 1 }),
    ]);
    const text = Array.from({ length: 3_000 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n");
    expect(problemsOf(`${text} end\n`)).toEqual([
      expect.objectContaining({ code: "too-deep", line: MAX_DEPTH + 1 }),
    ]);
  });

  it("counts compact sequences (`- - - -`) and sequences under keys at the same indentation", () => {
    expect(problemsOf(`${"- ".repeat(5000)}x\n`)[0]).toMatchObject({ code: "too-deep", line: 1 });
    const indentless = Array.from({ length: 200 }, (_, i) => `${" ".repeat(2 * i)}k:\n${" ".repeat(2 * i)}-`);
    expect(problemsOf(`${indentless.join("\n")} x\n`)[0]).toMatchObject({
      code: "too-deep",
      line: MAX_DEPTH + 1,
    });
  });

  it("does not count brackets inside quotes, comments, block scalars or plain scalars", () => {
    const deep = "[".repeat(100);
    const text = configMap(
      `  a: "${deep}"\n  b: '${deep}'\n  c: x${deep} # ${deep}\n  d: |\n    ${deep}\n    ${"- ".repeat(100)}\n  e: ok\n`,
    );
    const result = ingestTree({ [BAD]: text });
    expect(result.report.roots[0]?.files[0]?.verdict).toBe("ingested");
  });

  it("still sees nesting after a plain scalar continued on the next line", () => {
    expect(problemsOf(`- foo\n  [\n${"- ".repeat(200)}x\n`)[0]).toMatchObject({ code: "too-deep", line: 3 });
  });

  it("bounds the number of nodes in one document", () => {
    const problems = problemsOf(`a: [${"1,".repeat(MAX_NODES + 10)}1]\n`);
    expect(problems[0]).toMatchObject({ code: "too-many-nodes", line: 1 });
  });
});

describe("messages that name the real cause", () => {
  it("says an alias has no anchor in its document (anchors do not cross ---), at the alias", () => {
    const text = `${configMap("  a: &shared x\n")}---\n${configMap("  b: *shared\n")}`;
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({
        code: "unknown-alias",
        line: 13,
        column: 6,
        message: expect.stringContaining("*shared"),
      }),
    ]);
  });

  it("says metadata.name must be a string when it reads as a number", () => {
    const problems = problemsOf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 1234\n");
    expect(problems[0]).toMatchObject({
      code: "wrong-type",
      line: 4,
      message: "metadata.name must be a string, not the number 1234",
    });
  });

  it("names UTF-16 and UTF-32 as such, with the fix", () => {
    const text = "apiVersion: v1\n";
    const le = new Uint8Array([0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0), 0])]);
    const be = new Uint8Array([...text].flatMap((c) => [0, c.charCodeAt(0)]));
    const utf32 = new Uint8Array([...text].flatMap((c) => [c.charCodeAt(0), 0, 0, 0]));
    expect(problemsOf(le)[0]).toMatchObject({ code: "encoding", hint: "UTF-16: save as UTF-8" });
    expect(problemsOf(be)[0]).toMatchObject({ code: "encoding", hint: "UTF-16: save as UTF-8" });
    expect(problemsOf(utf32)[0]).toMatchObject({ code: "encoding", message: "file is UTF-32, not UTF-8" });
  });

  it("refuses every tag but the core ones, each at its line", () => {
    const problems = problemsOf(
      configMap(
        "  a: !!python/object {x: 1}\n  b: !!binary aGk=\n  c: !foo bar\n  d: !!str 12\n  e: [!bar 1]\n",
      ),
    );
    expect(problems.map((p) => [p.code, p.message, p.line, p.column])).toEqual([
      ["unsupported-tag", "unsupported tag !!python/object", 6, 6],
      ["unsupported-tag", "unsupported tag !!binary", 7, 6],
      ["unsupported-tag", "unsupported tag !foo", 8, 6],
      ["unsupported-tag", "unsupported tag !bar", 10, 7],
    ]);
    expect(problems[0]?.hint).toContain("!!str");
  });

  it("accepts the core tags with their meaning", () => {
    const result = ingestTree({ [BAD]: configMap("  a: !!str 12\n  b: !!str true\n") });
    expect(result.report.roots[0]?.files[0]?.verdict).toBe("ingested");
  });

  it("says CR-only line endings are the problem", () => {
    expect(problemsOf(configMap("  a: b\n").replaceAll("\n", "\r"))[0]).toMatchObject({
      code: "line-endings",
      hint: expect.stringContaining("LF"),
    });
  });

  it("points a syntax error at the offending token, not at column 1", () => {
    expect(problemsOf("a:\n  - b\n  c: d\n")[0]).toMatchObject({ code: "yaml-syntax", line: 3, column: 3 });
    expect(problemsOf('metadata:\n  name: "x\n')[0]).toMatchObject({
      code: "yaml-syntax",
      line: 2,
      column: 9,
    });
  });
});

describe("files the app writes are files it can read", () => {
  it("rejects a document whose normalized file would exceed the size limit, at its line", () => {
    // Tabs become `\t` when written out: the raw file fits the limit, its managed file would not.
    const description = "\t".repeat(1200);
    const raw = [
      "apiVersion: wiring.githedgehog.com/v1beta1",
      "kind: Switch",
      "metadata:",
      "  name: leaf-1",
      "spec:",
      "  role: server-leaf",
      "  profile: vs",
      `  description: "${description}"`,
    ].join("\n");
    const maxFileBytes = 2000;
    expect(raw.length).toBeLessThan(maxFileBytes);
    const result = ingestTree({ [BAD]: raw }, { maxFileBytes });
    const file = result.report.roots[0]?.files[0];
    expect(file?.verdict).toBe("rejected");
    expect(file?.documents[0]?.problems).toEqual([
      expect.objectContaining({
        code: "output-too-large",
        line: 1,
        message: expect.stringContaining("2000-byte"),
      }),
    ]);
    expect(result.plan.writes).toEqual([]);
  });
});

describe("merge keys", () => {
  it("refuses << at its line: YAML 1.1 readers merge, 1.2 readers keep a key named <<", () => {
    const problems = problemsOf(configMap("  base: &b {x: '1'}\n  more:\n    <<: *b\n    y: '2'\n"));
    expect(problems).toEqual([expect.objectContaining({ code: "merge-key", line: 8, column: 5 })]);
  });
});

describe("characters YAML does not allow", () => {
  it("refuses a raw control character at its line, with the escape to use", () => {
    expect(problemsOf(configMap("  a: x\u0007y\n"))[0]).toMatchObject({
      code: "control-character",
      line: 6,
      column: 7,
      hint: expect.stringContaining("\\u0007"),
    });
  });
});

describe("flow collections over several lines", () => {
  it("counts a root flow sequence whose lines are not indented (YAML allows that at the root)", () => {
    expect(problemsOf(`${"[\n".repeat(3000)}x\n`)[0]).toMatchObject({
      code: "too-deep",
      line: MAX_DEPTH, // the scan counts the first line once more than a parser: early, never late
    });
  });

  it("counts a flow value continued on lines indented past its key", () => {
    expect(problemsOf(`key:\n${"  [\n".repeat(3000)}  x\n`)[0]).toMatchObject({ code: "too-deep" });
  });
});

describe("quotes inside plain scalars of flow collections", () => {
  it("are not taken for the start of a quoted scalar that would hide the brackets after it", () => {
    const deep = `${"[".repeat(100)}${"]".repeat(100)}`;
    expect(problemsOf(`x: [a'b, ${deep}]\n`)[0]).toMatchObject({ code: "too-deep", line: 1 });
    expect(problemsOf(`x: [a\n 'b, ${deep}]\n`)[0]).toMatchObject({ code: "too-deep", line: 2 });
  });

  it("still skip brackets inside real quoted scalars", () => {
    const deep = "[".repeat(100);
    const result = ingestTree({ [BAD]: configMap(`  a: ['${deep}', "${deep}", x'y]\n`) });
    expect(result.report.roots[0]?.files[0]?.problems).toEqual([]);
  });
});
