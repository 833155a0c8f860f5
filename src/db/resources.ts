/** The current state: what is in each fabric root's managed/ (and unmanaged/) now, per branch. */
import { type Kysely, sql } from "kysely";
import type { Database, ResourceRow, ResourceTarget } from "./schema.js";

/**
 * Upserts the current state from one import's resource rows, in a single statement (no per-row
 * round trips). A row changes only when its content differs and no later import already wrote it,
 * so an unchanged resource keeps its last_import_id and an old import resolved late by crash
 * recovery cannot overwrite newer content. Called by markCommitted inside its transaction.
 */
export async function applyImportToCurrentState(db: Kysely<Database>, importId: number): Promise<void> {
  await db
    .insertInto("resources")
    .columns([
      "repositoryId",
      "branch",
      "root",
      "target",
      "apiVersion",
      "group",
      "kind",
      "namespace",
      "name",
      "path",
      "contentHash",
      "object",
      "firstImportId",
      "lastImportId",
    ])
    .expression(
      db
        .selectFrom("importResources as r")
        .innerJoin("imports as i", "i.id", "r.importId")
        .select([
          "i.repositoryId",
          "i.branch",
          "r.root",
          "r.target",
          "r.apiVersion",
          "r.group",
          "r.kind",
          "r.namespace",
          "r.name",
          "r.path",
          "r.contentHash",
          "r.object",
          "r.importId as firstImportId",
          "r.importId as lastImportId",
        ])
        .where("r.importId", "=", importId),
    )
    .onConflict((oc) =>
      oc
        .columns(["repositoryId", "branch", "root", "group", "kind", "namespace", "name"])
        .doUpdateSet((eb) => ({
          target: eb.ref("excluded.target"),
          apiVersion: eb.ref("excluded.apiVersion"),
          path: eb.ref("excluded.path"),
          contentHash: eb.ref("excluded.contentHash"),
          object: eb.ref("excluded.object"),
          lastImportId: eb.ref("excluded.lastImportId"),
          updatedAt: sql`now()`,
        }))
        .where((eb) =>
          eb.and([
            eb("resources.lastImportId", "<=", eb.ref("excluded.lastImportId")),
            eb.or([
              eb("resources.contentHash", "is distinct from", eb.ref("excluded.contentHash")),
              eb("resources.path", "is distinct from", eb.ref("excluded.path")),
              eb("resources.target", "is distinct from", eb.ref("excluded.target")),
              eb("resources.object", "is distinct from", eb.ref("excluded.object")),
            ]),
          ]),
        ),
    )
    .execute();
}

export interface ListResourcesOptions {
  /** GitHub repository id or "owner/name" (case-insensitive). */
  repo: number | string;
  /** A fabric root, e.g. "gitops/hedgehog/fabric-1"; all roots when absent. */
  root?: string;
  /** All branches when absent. */
  branch?: string;
  target?: ResourceTarget;
  kind?: string;
}

/** The current state, ordered by branch, root, kind, namespace, name. */
export async function listResources(
  db: Kysely<Database>,
  options: ListResourcesOptions,
): Promise<ResourceRow[]> {
  const { repo, root, branch, target, kind } = options;
  let query = db
    .selectFrom("resources")
    .innerJoin("repositories", "repositories.id", "resources.repositoryId")
    .selectAll("resources")
    .where((eb) =>
      typeof repo === "number"
        ? eb("repositories.id", "=", repo)
        : eb(eb.fn("lower", ["repositories.fullName"]), "=", eb.fn("lower", [eb.val(repo)])),
    );
  if (root !== undefined) query = query.where("resources.root", "=", root.replace(/\/+$/, ""));
  if (branch !== undefined) query = query.where("resources.branch", "=", branch);
  if (target !== undefined) query = query.where("resources.target", "=", target);
  if (kind !== undefined) query = query.where("resources.kind", "=", kind);
  return query
    .orderBy("resources.branch")
    .orderBy("resources.root")
    .orderBy("resources.kind")
    .orderBy("resources.namespace")
    .orderBy("resources.name")
    .execute();
}
