/**
 * A pino-shaped logger writing JSON lines to stderr, for CLI commands that run the app's code:
 * stdout stays the command's output (text or JSON), logs never mix into it.
 */
const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
type Level = keyof typeof LEVELS;

export interface StderrLogger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  fatal(obj: object | string, msg?: string): void;
  child(bindings: object): StderrLogger;
  level: string;
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) return { type: value.name, message: value.message };
  return value;
}

export function stderrLogger(level: string, bindings: object = {}): StderrLogger {
  const threshold = LEVELS[(level in LEVELS ? level : "warn") as Level];
  const at =
    (name: Exclude<Level, "silent">) =>
    (obj: object | string, msg?: string): void => {
      if (LEVELS[name] < threshold) return;
      const fields = typeof obj === "string" ? { msg: obj } : { ...obj, msg };
      const line = Object.fromEntries(
        Object.entries({ level: name, time: Date.now(), ...bindings, ...fields }).map(([k, v]) => [
          k,
          serialize(v),
        ]),
      );
      process.stderr.write(`${JSON.stringify(line)}\n`);
    };
  return {
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    fatal: at("fatal"),
    child: (more) => stderrLogger(level, { ...bindings, ...more }),
    level,
  };
}
