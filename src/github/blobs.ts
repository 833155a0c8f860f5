/**
 * Reads many blobs with one GraphQL query per batch (aliased `object(oid:)` fields) instead of one
 * REST request per file. Every blob is checked against its SHA; anything GraphQL can't give exactly
 * (binary, truncated, or a mismatch) is read through the REST blob endpoint.
 */
import { gitBlobSha } from "../pipeline/git-blob.js";
import type { Octokit, RepoRef } from "./types.js";

/** Blobs per GraphQL query, and bytes of text we ask for in one query. */
export const BLOBS_PER_QUERY = 100;
const BYTES_PER_QUERY = 4 * 1024 * 1024;

interface GraphqlBlob {
  oid: string;
  isBinary: boolean | null;
  isTruncated: boolean;
  text: string | null;
}

const encoder = new TextEncoder();

export async function readBlobs(
  octokit: Octokit,
  repo: RepoRef,
  blobs: readonly { sha: string; size?: number }[],
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const unique = [...new Map(blobs.map((b) => [b.sha, b])).values()];
  for (const batch of batches(unique)) {
    const fields = batch.map(
      (b, i) => `b${i}: object(oid: "${b.sha}") { ... on Blob { oid isBinary isTruncated text } }`,
    );
    const query = `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { ${fields.join(" ")} } }`;
    const result = await octokit.graphql<{ repository: Record<string, GraphqlBlob | null> }>(query, {
      owner: repo.owner,
      name: repo.repo,
    });
    for (const [i, b] of batch.entries()) {
      const blob = result.repository[`b${i}`];
      if (blob?.text != null && !blob.isBinary && !blob.isTruncated) {
        const bytes = encoder.encode(blob.text);
        if (gitBlobSha(bytes) === b.sha) {
          out.set(b.sha, bytes);
          continue;
        }
      }
      out.set(b.sha, await readBlobRest(octokit, repo, b.sha));
    }
  }
  return out;
}

export async function readBlobRest(octokit: Octokit, repo: RepoRef, sha: string): Promise<Uint8Array> {
  const { data } = await octokit.rest.git.getBlob({ ...repo, file_sha: sha });
  return Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8");
}

function* batches<T extends { size?: number }>(items: T[]): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (batch.length > 0 && (batch.length >= BLOBS_PER_QUERY || bytes + (item.size ?? 0) > BYTES_PER_QUERY)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += item.size ?? 0;
  }
  if (batch.length > 0) yield batch;
}
