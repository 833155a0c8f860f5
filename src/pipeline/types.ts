/**
 * The data the pure ingestion pipeline takes and gives. Nothing here does I/O:
 * the GitHub adapter, the CLI and the tests all build these values themselves.
 */

/** A JSON path into a document, as keys and array indexes (e.g. ["spec", "subnets", "a", "vlan"]). */
export type JsonPath = readonly (string | number)[];

export type Level = "error" | "warning" | "notice";

/** One thing wrong (or worth saying) about a file or a document. Lines and columns are 1-based. */
export interface Problem {
  level: Level;
  /** Stable machine-readable code, e.g. "yaml-syntax", "schema", "name-too-long". */
  code: string;
  message: string;
  /** A short fix hint, when we know one. */
  hint?: string;
  line?: number;
  column?: number;
  /** Where in the document, when the problem is about one field. */
  path?: JsonPath;
}

/** A file waiting in a fabric root's raw/ inbox. */
export interface RawFile {
  /** Repository-relative path, e.g. "gitops/hedgehog/fabric-1/raw/prepop.yaml". */
  path: string;
  bytes: Uint8Array;
  /** Size in bytes when known without the bytes (a shell may skip downloading files over the limit). */
  size?: number;
  /** Git blob SHA of the bytes when known (the GitHub adapter reuses it to archive without re-upload). */
  blobSha?: string;
  mode?: string;
}

/** One fabric root and what waits in its raw/ inbox (see discover.ts). */
export interface RootInput {
  /** Repository-relative root, e.g. "gitops/hedgehog/fabric-1" (its inbox is `${root}/raw/`). */
  root: string;
  raw: readonly RawFile[];
  /** Whether `${root}/raw/.gitkeep` exists now. */
  hasGitkeep: boolean;
  /** Files in raw/ that are not YAML: left where they are, and said so. */
  ignored?: readonly string[];
}

/** Everything the pipeline needs for one run. */
export interface IngestInput {
  roots: readonly RootInput[];
  /**
   * The current app-owned files (managed/ and unmanaged/ of every root): repository-relative
   * path → git blob SHA. Comparing blob SHAs means nobody has to download managed/ to plan.
   */
  current: ReadonlyMap<string, string>;
  /** The commit the raw files come from; its short form names the archive folder. */
  sourceCommit: string;
  options?: IngestOptions;
}

export interface IngestOptions {
  /** Keep originals under archive/ (default true); false deletes them and relies on Git history. */
  archive?: boolean;
  /** Turn cross-reference warnings into errors. */
  strict?: boolean;
  /** Files larger than this are rejected without parsing (default 5 MiB). */
  maxFileBytes?: number;
}

export type ResourceAction = "created" | "updated" | "unchanged";

/** The identity of a resource: two documents with the same one clash. */
export interface Identity {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** What became of one document of a raw file. */
export interface DocumentReport {
  /** 0-based index of the document in its file. */
  index: number;
  line: number;
  apiVersion?: string;
  kind?: string;
  name?: string;
  /** "managed" for Hedgehog kinds, "unmanaged" for other Kubernetes objects. */
  target?: "managed" | "unmanaged";
  /** Path the document is (or would be) written to. */
  outputPath?: string;
  identity?: Identity;
  /** Set when the document's file is ingested. */
  action?: ResourceAction;
  /** Git blob SHA of the written bytes: the same value `git hash-object` gives for the managed file. */
  contentHash?: string;
  /** The normalized object (for the database's current-state view). */
  object?: unknown;
  problems: Problem[];
}

export type FileVerdict = "ingested" | "rejected" | "empty";

export interface FileReport {
  path: string;
  /** Fabric root this file belongs to, e.g. "gitops/hedgehog/fabric-1". */
  root: string;
  blobSha?: string;
  verdict: FileVerdict;
  /** Where the original goes (absent when rejected or when archiving is off). */
  archivePath?: string;
  /** Problems about the file as a whole (size, encoding, YAML syntax without a document). */
  problems: Problem[];
  documents: DocumentReport[];
}

/** A file to write. Bytes for new content; blobSha to reuse an existing blob (archive moves). */
export interface PlannedWrite {
  path: string;
  bytes?: Uint8Array;
  blobSha?: string;
  /** Why this write exists, for commit messages and the CLI. */
  reason: "created" | "updated" | "archived" | "gitkeep";
  mode?: "100644" | "100755";
}

export interface Plan {
  writes: PlannedWrite[];
  /** Repository-relative paths to delete (ingested raw files). */
  deletes: string[];
}

export interface KindCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface RootReport {
  root: string;
  files: FileReport[];
  /** Files in raw/ left alone because they are not .yaml/.yml. */
  ignored: string[];
  /** Kind → counts, for the documents of ingested files. */
  counts: Record<string, KindCounts>;
}

export interface Report {
  sourceCommit: string;
  roots: RootReport[];
}

export interface IngestResult {
  plan: Plan;
  report: Report;
}
