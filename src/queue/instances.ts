/**
 * Crash recovery. graphile-worker frees a job locked by a dead worker only after 4 hours, and has
 * no heartbeat of its own. So each queue instance records the id its locks carry (its worker
 * pool's id: `locked_by`) with a heartbeat, and every instance frees the jobs locked under ids
 * that no live instance claims: after a SIGKILL the
 * job runs again as soon as any instance (the restarted one included) next sweeps.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";

export interface OrphanSweep {
  db: Kysely<Database>;
  /** graphile-worker's schema. */
  workerSchema: string;
  instanceId: string;
  /** The lock ids of this instance: never orphans, even if our own heartbeat is late. */
  ownLockIds: readonly string[];
  /** A lock older than this, held by no live instance, is an orphan; so is an instance silent this long. */
  staleAfterMs: number;
}

/** Records that this instance is alive, with the ids its locks carry (recreating a row swept as stale). */
export async function heartbeat(db: Kysely<Database>, instanceId: string, lockIds: readonly string[]) {
  await db
    .insertInto("queueInstances")
    .values({ id: instanceId, lockIds: [...lockIds] })
    .onConflict((oc) => oc.column("id").doUpdateSet({ lockIds: [...lockIds], heartbeatAt: sql`now()` }))
    .execute();
}

export async function removeInstance(db: Kysely<Database>, instanceId: string): Promise<void> {
  await db.deleteFrom("queueInstances").where("id", "=", instanceId).execute();
}

/**
 * The lock ids (graphile-worker "worker ids") holding a job lock older than staleAfterMs that no live instance claims. The age
 * check covers the moment between a pool taking its first job and its instance recording it.
 */
export async function orphanedWorkers(sweep: OrphanSweep): Promise<string[]> {
  const stale = sql`now() - ${`${sweep.staleAfterMs} milliseconds`}::interval`;
  const { rows } = await sql<{ lockedBy: string }>`
    select distinct jobs.locked_by
    from ${sql.id(sweep.workerSchema, "jobs")} as jobs
    where jobs.locked_by is not null
      and jobs.locked_at < ${stale}
      and not (jobs.locked_by = any(${sql.val([...sweep.ownLockIds])}::text[]))
      and not exists (
        select 1 from queue_instances as live
        where live.heartbeat_at >= ${stale} and jobs.locked_by = any(live.lock_ids)
      )`.execute(sweep.db);
  return rows.map((row) => row.lockedBy);
}

/** Forgets instances silent for longer than staleAfterMs (a live one re-inserts itself). */
export async function forgetSilentInstances(sweep: OrphanSweep): Promise<void> {
  await sweep.db
    .deleteFrom("queueInstances")
    .where("id", "<>", sweep.instanceId)
    .where("heartbeatAt", "<", sql<Date>`now() - ${`${sweep.staleAfterMs} milliseconds`}::interval`)
    .execute();
}
