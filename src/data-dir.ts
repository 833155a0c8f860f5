/**
 * Where the embedded database lives, resolved the same way for `npm start`, the container and the
 * CLI run from any folder: DATA_DIR when set (a relative value is taken from the current folder,
 * like any path you type; `memory://` keeps it in memory), otherwise `.data/pglite` in the
 * installation folder, never in whatever folder the CLI happens to run in.
 */
import { isAbsolute, join, resolve } from "node:path";
import { packageInfo } from "./package-info.js";

export const DEFAULT_DATA_SUBDIR = join(".data", "pglite");

export function resolveDataDir(env: NodeJS.ProcessEnv): string {
  const dir = env.DATA_DIR;
  if (dir === undefined || dir === "") return join(packageInfo().folder, DEFAULT_DATA_SUBDIR);
  if (dir.startsWith("memory://") || isAbsolute(dir)) return dir;
  return resolve(dir);
}

/** The database the environment names (DATABASE_URL, DATABASE_SCHEMA, DATA_DIR), for the app and the CLI alike. */
export function databaseFromEnv(env: NodeJS.ProcessEnv): {
  databaseUrl: string | undefined;
  dataDir: string;
  schema?: string;
} {
  return {
    databaseUrl: env.DATABASE_URL,
    dataDir: resolveDataDir(env),
    ...(env.DATABASE_SCHEMA ? { schema: env.DATABASE_SCHEMA } : {}),
  };
}
