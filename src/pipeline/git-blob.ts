import { createHash } from "node:crypto";

/** The SHA git gives a blob with these bytes (`git hash-object`), so plans compare without downloads. */
export function gitBlobSha(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}
