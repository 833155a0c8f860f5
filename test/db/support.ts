/**
 * The databases the db tests run against: PGlite in memory always, and real Postgres too when
 * DATABASE_URL is set (each opened database gets a fresh schema, dropped on close, so parallel
 * runs never collide). Also small builders for reports.
 */
import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import { type OpenedDatabase, openDatabase } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import type { DocumentReport, FileReport, Report, ResourceAction } from "../../src/pipeline/types.js";

export interface TestDatabase extends OpenedDatabase {
  /** SQL of every statement sent since the last `statements.length = 0`. */
  statements: string[];
  /** A second, independent connection pool to the same database and schema (Postgres only). */
  openPeer(): Promise<OpenedDatabase>;
}

export interface Backend {
  name: "pglite" | "postgres";
  open(options?: { migrate?: boolean }): Promise<TestDatabase>;
}

const databaseUrl = process.env.DATABASE_URL || undefined;

async function finish(opened: OpenedDatabase, statements: string[], migrate: boolean) {
  if (migrate) await migrateToLatest(opened.db);
  statements.length = 0;
}

const pglite: Backend = {
  name: "pglite",
  async open({ migrate = true } = {}) {
    const statements: string[] = [];
    const opened = await openDatabase({
      dataDir: "memory://",
      log: (event) => {
        statements.push(event.query.sql);
      },
    });
    await finish(opened, statements, migrate);
    return {
      ...opened,
      statements,
      openPeer: () => Promise.reject(new Error("PGlite has no second connection")),
    };
  },
};

const postgres = (url: string): Backend => ({
  name: "postgres",
  async open({ migrate = true } = {}) {
    const statements: string[] = [];
    const schema = `t_${randomBytes(6).toString("hex")}`;
    const opened = await openDatabase({
      databaseUrl: url,
      schema,
      log: (event) => {
        statements.push(event.query.sql);
      },
    });
    await finish(opened, statements, migrate);
    return {
      ...opened,
      statements,
      openPeer: () => openDatabase({ databaseUrl: url, schema }),
      async close() {
        await sql`drop schema ${sql.id(schema)} cascade`.execute(opened.db);
        await opened.close();
      },
    };
  },
});

export const backends: Backend[] = databaseUrl ? [pglite, postgres(databaseUrl)] : [pglite];

/** A deterministic full SHA-1 for a label. */
export function sha(label: string | number): string {
  return createHash("sha1").update(String(label)).digest("hex");
}

let nextId = 1_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;
/** A fresh GitHub-sized id (above 2^31, like real repository ids soon are). */
export function freshId(): number {
  nextId += 1;
  return nextId * 3;
}

export interface DocSpec {
  kind?: string;
  name: string;
  action: ResourceAction;
  /** Defaults to a hash of name + version. */
  version?: number;
  target?: "managed" | "unmanaged";
}

const PLURAL: Record<string, string> = {
  VPC: "vpcs",
  Switch: "switches",
  Connection: "connections",
  Server: "servers",
};

export function doc(index: number, root: string, spec: DocSpec): DocumentReport {
  const kind = spec.kind ?? "VPC";
  const group =
    spec.target === "unmanaged" ? "" : kind === "VPC" ? "vpc.githedgehog.com" : "wiring.githedgehog.com";
  const apiVersion = spec.target === "unmanaged" ? "v1" : `${group}/v1beta1`;
  const object = {
    apiVersion,
    kind,
    metadata: { name: spec.name, namespace: "default" },
    spec: {
      subnets: { default: { subnet: "10.0.1.0/24", vlan: 1000 + (spec.version ?? 1) } },
      version: spec.version ?? 1,
    },
  };
  const folder =
    spec.target === "unmanaged" ? `unmanaged/${kind.toLowerCase()}` : `managed/${PLURAL[kind] ?? "x"}`;
  return {
    index,
    line: index * 10 + 1,
    apiVersion,
    kind,
    name: spec.name,
    target: spec.target ?? "managed",
    outputPath: `${root}/${folder}/${spec.name}.yaml`,
    identity: { group, kind, namespace: "default", name: spec.name },
    action: spec.action,
    contentHash: sha(`${kind}/${spec.name}/${spec.version ?? 1}`),
    object,
    problems: [],
  };
}

export function ingestedFile(root: string, name: string, docs: DocSpec[], sourceCommit: string): FileReport {
  return {
    path: `${root}/raw/${name}`,
    root,
    blobSha: sha(`blob ${root}/${name}`),
    verdict: "ingested",
    archivePath: `${root}/archive/${sourceCommit.slice(0, 7)}/${name}`,
    problems: [],
    documents: docs.map((d, i) => doc(i, root, d)),
  };
}

export function rejectedFile(root: string, name: string): FileReport {
  return {
    path: `${root}/raw/${name}`,
    root,
    blobSha: sha(`blob ${root}/${name}`),
    verdict: "rejected",
    problems: [{ level: "error", code: "yaml-syntax", message: "bad indentation", line: 3, column: 5 }],
    documents: [
      {
        index: 0,
        line: 1,
        kind: "VPC",
        name: "too-long-name-for-a-vpc",
        problems: [
          {
            level: "error",
            code: "name-too-long",
            message: "VPC names are at most 11 characters",
            hint: "shorten it",
            line: 4,
            path: ["metadata", "name"],
          },
          { level: "warning", code: "crossref", message: "unknown IPv4Namespace", line: 9 },
        ],
      },
    ],
  };
}

export function report(sourceCommit: string, roots: Record<string, FileReport[]>): Report {
  return {
    sourceCommit,
    roots: Object.entries(roots).map(([root, files]) => ({ root, files, ignored: [], counts: {} })),
  };
}
