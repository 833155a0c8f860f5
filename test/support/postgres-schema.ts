/**
 * A schema name of its own on real Postgres for one test, dropped by the test's cleanup together
 * with the job queue's schema the app derives from it (`<schema>_jobs`).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export function freshPostgresSchema(
  databaseUrl: string,
  cleanups: (() => Promise<unknown>)[],
  prefix = "e2e",
): string {
  const schema = `${prefix}_${randomBytes(4).toString("hex")}`;
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schema}_jobs cascade`);
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });
  return schema;
}
