/**
 * Pacing of content-creating GitHub requests, per installation, following GitHub's documented
 * secondary rate limits: bursts are fine, but no more than 80 content-creating requests a minute
 * and 500 an hour; after a `retry-after`, nothing is sent for that installation until it passes.
 *
 * One module for every writer (the Octokit plugin in octokit.ts, and the job queue):
 *
 *   const slot = pacer.forInstallation(42);
 *   await slot.schedule(() => octokit.rest.git.createTree(...));
 *   slot.pause(60_000); // GitHub said retry-after: 60
 *
 * Requests of one installation run in order (one at a time): GitHub asks integrators to make
 * content-creating requests serially.
 */

export interface PacingLimits {
  /** Content-creating requests per rolling minute (GitHub: 80). */
  perMinute: number;
  /** Content-creating requests per rolling hour (GitHub: 500). */
  perHour: number;
}

export const GITHUB_LIMITS: PacingLimits = { perMinute: 80, perHour: 500 };

const MINUTE = 60_000;
const HOUR = 3_600_000;

export interface InstallationPacer {
  /** Runs fn once the installation may send another content-creating request. */
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  /** Sends nothing for this installation for `ms` (a `retry-after` or secondary-limit answer). */
  pause(ms: number): void;
  /** Milliseconds until the next request may start (0 = now); for logs and tests. */
  delay(): number;
}

export interface Pacer {
  forInstallation(id: number | string): InstallationPacer;
}

export function createPacer(limits: PacingLimits = GITHUB_LIMITS, now: () => number = Date.now): Pacer {
  const installations = new Map<string, InstallationPacer>();
  return {
    forInstallation(id) {
      const key = String(id);
      let pacer = installations.get(key);
      if (!pacer) {
        pacer = installationPacer(limits, now);
        installations.set(key, pacer);
      }
      return pacer;
    },
  };
}

function installationPacer(limits: PacingLimits, now: () => number): InstallationPacer {
  /** Start times of the requests of the last hour, oldest first. */
  const sent: number[] = [];
  let pausedUntil = 0;
  let tail: Promise<unknown> = Promise.resolve();

  const delay = () => {
    const t = now();
    while (sent.length > 0 && (sent[0] as number) <= t - HOUR) sent.shift();
    let wait = Math.max(0, pausedUntil - t);
    if (sent.length >= limits.perHour)
      wait = Math.max(wait, (sent[sent.length - limits.perHour] as number) + HOUR - t);
    const lastMinute = sent.filter((s) => s > t - MINUTE);
    if (lastMinute.length >= limits.perMinute)
      wait = Math.max(wait, (lastMinute[lastMinute.length - limits.perMinute] as number) + MINUTE - t);
    return wait;
  };

  return {
    delay,
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
    },
    schedule<T>(fn: () => Promise<T>): Promise<T> {
      const run = async () => {
        for (let wait = delay(); wait > 0; wait = delay()) await new Promise((r) => setTimeout(r, wait));
        sent.push(now());
        return fn();
      };
      const result = tail.then(run, run);
      tail = result.catch(() => {});
      return result;
    },
  };
}
