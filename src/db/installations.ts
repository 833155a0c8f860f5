/** Installations and repositories the app has seen, with suspension and removal. */
import { type Kysely, sql } from "kysely";
import type { Database, InstallationRow, RepositoryRow } from "./schema.js";

export interface InstallationInput {
  /** GitHub's installation id. */
  id: number;
  /** Login of the account the app is installed on. */
  account: string;
  /** Given → stored (null clears it); absent → an existing value is kept. */
  suspendedAt?: Date | null;
  removedAt?: Date | null;
}

export async function upsertInstallation(
  db: Kysely<Database>,
  input: InstallationInput,
): Promise<InstallationRow> {
  const changes = {
    account: input.account,
    ...(input.suspendedAt !== undefined ? { suspendedAt: input.suspendedAt } : {}),
    ...(input.removedAt !== undefined ? { removedAt: input.removedAt } : {}),
  };
  return db
    .insertInto("installations")
    .values({ id: input.id, ...changes })
    .onConflict((oc) => oc.column("id").doUpdateSet({ ...changes, updatedAt: sql`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Returns undefined when the installation was never recorded. */
export async function markInstallationSuspended(
  db: Kysely<Database>,
  id: number,
  at: Date = new Date(),
): Promise<InstallationRow | undefined> {
  return setInstallation(db, id, { suspendedAt: at });
}

export async function markInstallationUnsuspended(
  db: Kysely<Database>,
  id: number,
): Promise<InstallationRow | undefined> {
  return setInstallation(db, id, { suspendedAt: null });
}

/** Removing an installation also marks its repositories removed: the app can no longer reach them. */
export async function markInstallationRemoved(
  db: Kysely<Database>,
  id: number,
  at: Date = new Date(),
): Promise<InstallationRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await setInstallation(trx, id, { removedAt: at });
    if (row) {
      await trx
        .updateTable("repositories")
        .set({ removedAt: at, updatedAt: sql`now()` })
        .where("installationId", "=", id)
        .where("removedAt", "is", null)
        .execute();
    }
    return row;
  });
}

async function setInstallation(
  db: Kysely<Database>,
  id: number,
  changes: { suspendedAt?: Date | null; removedAt?: Date | null },
): Promise<InstallationRow | undefined> {
  return db
    .updateTable("installations")
    .set({ ...changes, updatedAt: sql`now()` })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

export interface RepositoryInput {
  /** GitHub's repository id; it is the repository's id here too. */
  githubId: number;
  /** Null when recorded outside an installation (e.g. by the CLI). */
  installationId: number | null;
  /** "owner/name". */
  fullName: string;
  defaultBranch: string;
}

/**
 * Records a repository as seen now: name and default branch refreshed, any removal cleared. An
 * installation not seen before (the app was installed before this database existed) is recorded
 * too, with the repository's owner as its account, so a push never fails on the foreign key.
 */
export async function upsertRepository(db: Kysely<Database>, input: RepositoryInput): Promise<RepositoryRow> {
  if (input.installationId !== null) {
    const owner = input.fullName.split("/")[0] ?? input.fullName;
    await db
      .insertInto("installations")
      .values({ id: input.installationId, account: owner })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
  }
  const values = {
    installationId: input.installationId,
    fullName: input.fullName,
    defaultBranch: input.defaultBranch,
  };
  return db
    .insertInto("repositories")
    .values({ id: input.githubId, ...values })
    .onConflict((oc) => oc.column("id").doUpdateSet({ ...values, removedAt: null, updatedAt: sql`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Returns undefined when the repository was never recorded. Its history and current state are kept. */
export async function markRepositoryRemoved(
  db: Kysely<Database>,
  githubId: number,
  at: Date = new Date(),
): Promise<RepositoryRow | undefined> {
  return db
    .updateTable("repositories")
    .set({ removedAt: at, updatedAt: sql`now()` })
    .where("id", "=", githubId)
    .returningAll()
    .executeTakeFirst();
}

/** A repository by GitHub id or by "owner/name" (case-insensitive; the most recently seen wins). */
export async function findRepository(
  db: Kysely<Database>,
  repo: number | string,
): Promise<RepositoryRow | undefined> {
  return db
    .selectFrom("repositories")
    .selectAll()
    .where((eb) =>
      typeof repo === "number"
        ? eb("id", "=", repo)
        : eb(eb.fn("lower", ["fullName"]), "=", eb.fn("lower", [eb.val(repo)])),
    )
    .orderBy("removedAt", (o) => o.desc().nullsFirst())
    .orderBy("updatedAt", "desc")
    .executeTakeFirst();
}

/** What a repository's configuration said when it was last read (for the reconcile sweep). */
export async function rememberIngestSettings(
  db: Kysely<Database>,
  githubId: number,
  settings: { branches: readonly string[]; roots: readonly string[] },
): Promise<void> {
  await db
    .updateTable("repositories")
    .set({ ingestBranches: [...settings.branches], ingestRoots: [...settings.roots] })
    .where("id", "=", githubId)
    .execute();
}

/** Whether work may be done for a repository: its installation is neither suspended nor removed, nor is it. */
export async function mayWorkOn(
  db: Kysely<Database>,
  installationId: number,
  repositoryId: number,
): Promise<boolean> {
  const installation = await db
    .selectFrom("installations")
    .select(["suspendedAt", "removedAt"])
    .where("id", "=", installationId)
    .executeTakeFirst();
  if (installation && (installation.suspendedAt || installation.removedAt)) return false;
  const repository = await db
    .selectFrom("repositories")
    .select(["removedAt", "installationId"])
    .where("id", "=", repositoryId)
    .executeTakeFirst();
  // Not recorded yet (a push is the first we hear of it): its installation decides.
  return !repository?.removedAt && (repository?.installationId ?? installationId) === installationId;
}

/** The repositories the app may work on, with what the reconcile sweep needs to know of each. */
export async function activeRepositories(
  db: Kysely<Database>,
  filter: { fullName?: string } = {},
): Promise<RepositoryRow[]> {
  let query = db
    .selectFrom("repositories")
    .innerJoin("installations", "installations.id", "repositories.installationId")
    .selectAll("repositories")
    .where("repositories.removedAt", "is", null)
    .where("installations.suspendedAt", "is", null)
    .where("installations.removedAt", "is", null);
  if (filter.fullName)
    query = query.where((eb) =>
      eb(eb.fn("lower", ["repositories.fullName"]), "=", eb.fn("lower", [eb.val(filter.fullName)])),
    );
  return query.orderBy("repositories.id").execute();
}
