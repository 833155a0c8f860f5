import { Buffer } from "node:buffer";
import { createHash, hash } from "node:crypto";

/** The SHA git gives a blob with these bytes (`git hash-object`), so plans compare without downloads. */
export function gitBlobSha(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

/**
 * The same SHA for the UTF-8 bytes of a text, without making them: one hash call per document
 * is several times cheaper than a Hash object and an encoded copy (issue 9).
 */
export function gitBlobShaOfText(text: string, byteLength = utf8Length(text)): string {
  return hash("sha1", `blob ${byteLength}\0${text}`, "hex");
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
