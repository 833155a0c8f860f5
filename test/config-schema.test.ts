/** Config settings that could never work are errors naming the setting; the schema is published for editors. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/cli/usage-error.js";
import { DEFAULT_CONFIG, parseConfig } from "../src/config.js";
import { readCheckout } from "../src/local/checkout.js";
import { discoverRoots } from "../src/pipeline/discover.js";

describe("root globs that can never match are errors naming the setting", () => {
  it.each([
    ["fabrics/*/inbox", /"roots"\[0\] "fabrics\/\*\/inbox": must end in "\/raw"/],
    ["fabrics/*/raw/", /"roots"\[0\] "fabrics\/\*\/raw\/": remove the trailing "\/"/],
    ["/fabrics/*/raw", /relative to the repository root/],
    ["./fabrics/*/raw", /relative to the repository root/],
    ["fabrics\\east\\raw", /use "\/" to separate folders/],
    ["fabrics//raw", /no empty, "." or ".." folders/],
    ["raw", /must end in "\/raw"/],
  ])("%s", (glob, message) => {
    const { errors, config } = parseConfig({ roots: [glob] });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(config.roots).toEqual([glob]);
  });

  it("a single glob as a string is named without an index, and an empty list is an error", () => {
    expect(parseConfig({ roots: "fabrics/*/inbox" }).errors[0]).toMatch(
      /^"roots" "fabrics\/\*\/inbox": must end/,
    );
    expect(parseConfig({ roots: [] }).errors).toEqual([
      '"roots" must be a non-empty list of globs (strings)',
    ]);
  });

  it("accepts the globs people write", () => {
    for (const roots of [["gitops/**/raw"], ["fabrics/*/raw", "lab/raw"], "site-{a,b}/raw"])
      expect(parseConfig({ roots }).errors).toEqual([]);
  });

  it("suggests the key a typo meant, and says nothing it cannot guess", () => {
    expect(parseConfig({ stict: true }).errors).toEqual([
      'unknown key "stict" (did you mean "strict"? known keys: branches, roots, archive, strict, maxFileBytes)',
    ]);
    expect(parseConfig({ colour: "blue" }).errors).toEqual([
      'unknown key "colour" (known keys: branches, roots, archive, strict, maxFileBytes)',
    ]);
  });

  it("wrong types keep the default for that key only", () => {
    const { config, errors } = parseConfig({ strict: "yes", archive: false, maxFileBytes: 1.5 });
    expect(errors).toEqual([
      '"strict" must be true or false',
      '"maxFileBytes" must be a positive whole number of bytes',
    ]);
    expect(config).toEqual({ ...DEFAULT_CONFIG, archive: false });
  });
});

it("a root glob given on the command line gets the same check, as a usage error", async () => {
  const reading = readCheckout(import.meta.dirname, { roots: ["fabrics/*/inbox"] });
  await expect(reading).rejects.toBeInstanceOf(UsageError);
  await expect(reading).rejects.toThrow('root glob "fabrics/*/inbox": must end in "/raw"');
});

describe("the published schema", () => {
  it("is a standalone JSON Schema editors can use, accepting the documented example", async () => {
    const text = await readFile(
      join(import.meta.dirname, "..", "schema", "gitops-ingest.schema.json"),
      "utf8",
    );
    const schema = JSON.parse(text);
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    const validate = new Ajv({ strict: true }).compile(schema);
    expect(
      validate({
        branches: ["main"],
        roots: ["fabrics/*/raw"],
        archive: true,
        strict: false,
        maxFileBytes: 1000,
      }),
    ).toBe(true);
    expect(validate({ roots: ["fabrics/*/inbox"] })).toBe(false);
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(DEFAULT_CONFIG).sort());
  });
});

describe("fabric folders named like the app's own folders", () => {
  it("gitops/archive/raw, gitops/managed/raw and gitops/unmanaged/raw are fabrics of their own", () => {
    const roots = discoverRoots([
      "gitops/archive/raw/a.yaml",
      "gitops/managed/raw/b.yaml",
      "gitops/unmanaged/raw/c.yaml",
    ]);
    expect(roots.map((r) => r.root)).toEqual(["gitops/archive", "gitops/managed", "gitops/unmanaged"]);
  });

  it("but a real root's own archive/, managed/ and unmanaged/ are never inboxes, even once its raw/ is gone", () => {
    const roots = discoverRoots([
      "gitops/fab/raw/.gitkeep",
      "gitops/fab/archive/0123456/raw/x.yaml",
      "gitops/fab/managed/vpcs/raw/y.yaml",
      "gitops/gone/managed/vpcs/v.yaml",
      "gitops/gone/archive/0123456/raw/z.yaml",
    ]);
    expect(roots.map((r) => [r.root, r.rawPaths])).toEqual([["gitops/fab", []]]);
  });
});
