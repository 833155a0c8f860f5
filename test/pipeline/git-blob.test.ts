import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gitBlobSha, gitBlobShaOfText } from "../../src/pipeline/git-blob.js";

describe("git blob SHAs", () => {
  it("are the ones `git hash-object` prints", () => {
    expect(gitBlobSha(new TextEncoder().encode("hello\n"))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    expect(gitBlobShaOfText("hello\n")).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });

  it("come out the same from a text as from its UTF-8 bytes, whatever the characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(gitBlobShaOfText(text)).toBe(gitBlobSha(new TextEncoder().encode(text)));
      }),
    );
  });
});
