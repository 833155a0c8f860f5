/**
 * The queue's settings from the environment (README, "Configuration"), checked at start so a typo
 * stops the app with a clear message rather than running with a surprise.
 */
import { DEFAULT_WORKER_SCHEMA } from "./queue.js";

export interface QueueSettings {
  /** Jobs this instance runs at once (WORKER_CONCURRENCY, default 4). */
  concurrency: number;
  /** RECONCILE_INTERVAL in seconds (default 300); 0 turns the sweep off. */
  reconcileIntervalSeconds: number;
  /** How long a stop waits for running jobs (SHUTDOWN_TIMEOUT seconds, default 25: within Docker's and Kubernetes' 30 s grace). */
  shutdownTimeoutMs: number;
  /** QUEUE_HEARTBEAT seconds (default 10); an instance silent for six heartbeats is dead and its jobs run again. */
  heartbeatMs: number;
  staleAfterMs: number;
  /** graphile-worker's schema: `<DATABASE_SCHEMA>_jobs` when DATABASE_SCHEMA is set, else graphile_worker. */
  workerSchema: string;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min)
    throw new Error(`${name} must be a number of seconds ≥ ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

export function queueSettings(env: NodeJS.ProcessEnv): QueueSettings {
  const concurrency = seconds(env, "WORKER_CONCURRENCY", 4, 1);
  if (!Number.isInteger(concurrency))
    throw new Error(`WORKER_CONCURRENCY must be a whole number, got ${env.WORKER_CONCURRENCY}`);
  const heartbeat = seconds(env, "QUEUE_HEARTBEAT", 10, 0.1);
  return {
    concurrency,
    reconcileIntervalSeconds: seconds(env, "RECONCILE_INTERVAL", 300, 0),
    shutdownTimeoutMs: seconds(env, "SHUTDOWN_TIMEOUT", 25, 0) * 1000,
    heartbeatMs: heartbeat * 1000,
    staleAfterMs: heartbeat * 6 * 1000,
    workerSchema: env.DATABASE_SCHEMA ? `${env.DATABASE_SCHEMA}_jobs` : DEFAULT_WORKER_SCHEMA,
  };
}
