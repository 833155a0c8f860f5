import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseConfig } from "../src/config.js";

describe(".github/gitops-ingest.yml", () => {
  it("defaults everything when absent", () => {
    expect(parseConfig(null)).toEqual({ config: DEFAULT_CONFIG, errors: [] });
    expect(DEFAULT_CONFIG).toMatchObject({
      roots: ["gitops/**/raw"],
      archive: true,
      strict: false,
      maxFileBytes: 5 * 1024 * 1024,
    });
  });

  it("reads every key", () => {
    const { config, errors } = parseConfig({
      branches: ["main", "release"],
      roots: "fabrics/*/raw",
      archive: false,
      strict: true,
      maxFileBytes: 1000,
    });
    expect(errors).toEqual([]);
    expect(config).toEqual({
      branches: ["main", "release"],
      roots: ["fabrics/*/raw"],
      archive: false,
      strict: true,
      maxFileBytes: 1000,
    });
  });

  it("names every problem and never throws", () => {
    const { errors } = parseConfig({ rootz: ["x"], branches: [1], archive: "yes", maxFileBytes: -1 });
    expect(errors).toEqual([
      'unknown key "rootz" (did you mean "roots"? known keys: branches, roots, archive, strict, maxFileBytes)',
      '"branches" must be a list of non-empty strings',
      '"archive" must be true or false',
      '"maxFileBytes" must be a positive whole number of bytes',
    ]);
    expect(parseConfig("just a string").errors).toEqual([
      "the configuration must be a mapping of keys to values",
    ]);
  });
});
