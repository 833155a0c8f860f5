/**
 * Reads `.github/gitops-ingest.yml` (or the owner's `.github` repository default) the way Probot's
 * `context.config` does (same `_extends` and merge rules), for work that runs outside a webhook
 * (queued jobs). Never throws: an invalid file is a config with errors (the user's to fix); GitHub
 * failing to serve it (an HTTP error: 5xx after retries, 422, …) is "unreadable", GitHub's failure.
 */
import { Context, type Logger } from "probot";
import { CONFIG_FILE, type ConfigResult, parseConfig } from "../config.js";
import type { Octokit, RepoRef } from "../github/types.js";

export type LoadedConfig = { kind: "config"; config: ConfigResult } | { kind: "unreadable"; error: unknown };

export async function loadRepositoryConfig(
  octokit: Octokit,
  repo: RepoRef,
  log: Logger,
): Promise<LoadedConfig> {
  // context.config only needs the repository's owner and name from the event.
  const event = {
    id: "config",
    name: "push",
    payload: { repository: { owner: { login: repo.owner }, name: repo.repo } },
  };
  const context = new Context(event as never, octokit as never, log);
  let raw: unknown;
  try {
    raw = await context.config(CONFIG_FILE);
  } catch (error) {
    if (typeof (error as { status?: unknown }).status === "number") return { kind: "unreadable", error };
    return {
      kind: "config",
      config: {
        config: parseConfig(undefined).config,
        errors: [`cannot read ${CONFIG_FILE}: ${(error as Error).message}`],
      },
    };
  }
  return { kind: "config", config: parseConfig(raw) };
}

/** Branches the app ingests on: the configured ones, else the repository's default branch. */
export function ingestBranches(config: ConfigResult, defaultBranch: string): string[] {
  return config.config.branches.length > 0 ? [...config.config.branches] : [defaultBranch];
}
