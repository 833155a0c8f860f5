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

/** A git tree entry's mode: a file, an executable file, a symlink, a submodule (gitlink). */
export type GitMode = "100644" | "100755" | "120000" | "160000";

/** A file waiting in a fabric root's raw/ inbox. */
export interface RawFile {
  /** Repository-relative path, e.g. "gitops/hedgehog/fabric-1/raw/prepop.yaml". */
  path: string;
  bytes: Uint8Array;
  /** Size in bytes when known without the bytes (a shell may skip downloading files over the limit). */
  size?: number;
  /** Git blob SHA of the bytes when known (the GitHub adapter reuses it to archive without re-upload). */
  blobSha?: string;
  /**
   * The entry's git mode (default "100644"). A symlink (120000) is never followed: its file is rejected
   * and stays in raw/. A submodule (160000) is left alone with a notice; its bytes are not read.
   * An executable file (100755) keeps its bit in the archive.
   */
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
  /**
   * Bytes of the unmanaged files still in the old layout (`<root>/unmanaged/<kind>/<name>.yaml`,
   * see isLegacyUnmanagedFile): the planner moves them to the group/kind/namespace layout.
   * Only those files, typically few and only once; files left out are reported, not moved.
   */
  legacyUnmanaged?: ReadonlyMap<string, Uint8Array>;
}

export interface IngestOptions {
  /** Keep originals under archive/ (default true); false deletes them and relies on Git history. */
  archive?: boolean;
  /** Turn cross-reference warnings into errors. */
  strict?: boolean;
  /** Files larger than this are rejected without parsing (default 5 MiB). */
  maxFileBytes?: number;
  /**
   * Keep each managed resource's normalized object in its report (`DocumentReport.object`; default
   * true: the app records it in the database). A caller that only shows the result turns it off to
   * save memory: the objects are most of what a large run holds.
   */
  reportObjects?: boolean;
  /**
   * Put the bytes of new content in the plan (default true: apply and the tree writer need them).
   * When false, a created or updated file's write carries its blob SHA instead, for a caller that
   * only shows the plan (the CLI's check and plan): the run then holds one file's output at a time.
   */
  planBytes?: boolean;
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
  /** Git mode of the written file; absent means "100644". Archived originals keep their executable bit. */
  mode?: "100644" | "100755";
  /** Why this write exists, for commit messages and the CLI. */
  reason: "created" | "updated" | "archived" | "gitkeep" | "moved";
}

export interface UnmanagedMove {
  from: string;
  to: string;
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
  /** Submodules (gitlinks) in raw/: never read, left alone, said so with a notice. */
  submodules?: string[];
  /** Unmanaged files moved from the old layout to the group/kind/namespace layout. */
  moved?: UnmanagedMove[];
  /** Old-layout unmanaged files this run could not move, with why. */
  unmoved?: { path: string; reason: string }[];
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
