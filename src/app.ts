/**
 * The Probot app: one plugin per concern, like repository-settings. Pushes and re-run requests
 * start an ingestion; installation events keep the database's view of who uses the app.
 */
import type { Context, Probot } from "probot";
import { CONFIG_FILE, type ConfigResult, parseConfig } from "./config.js";
import { CHECK_NAME, RERUN_ACTION } from "./github/check-run.js";
import { type Octokit, repoFromFullName } from "./github/types.js";
import { runPreview } from "./ingestion/preview.js";
import type { ImportRecorder, RepositoryInfo } from "./ingestion/recorder.js";
import { reportUnreadableConfig, runIngestion } from "./ingestion/run.js";
import { settleImport } from "./ingestion/settle.js";
import { SOURCE_TRAILER } from "./report/commit-message.js";

export interface AppOptions {
  recorder: ImportRecorder;
  /** The check run shows "in progress" only once a run takes longer than this (ms; default 3 s). */
  checkStartAfterMs?: number;
}

/** `.github/gitops-ingest.yml` as read: a config (valid or with errors), or GitHub failed to serve it. */
type LoadedConfig = { kind: "config"; config: ConfigResult } | { kind: "unreadable"; error: unknown };

export function gitopsIngest(options: AppOptions) {
  return (app: Probot) => {
    const { recorder } = options;
    const depsFor = (context: Context, log: Context["log"]) => ({
      octokit: context.octokit as Octokit,
      recorder,
      log,
      ...(options.checkStartAfterMs !== undefined ? { checkStartAfterMs: options.checkStartAfterMs } : {}),
    });
    let identity: Promise<{ id: number; login: string }> | undefined;
    /** Our app id and `<slug>[bot]` login, asked of GitHub once. */
    const ownApp = () => {
      identity ??= app.auth().then(async (octokit) => {
        const { data } = await octokit.rest.apps.getAuthenticated();
        return { id: data?.id ?? 0, login: `${data?.slug}[bot]` };
      });
      identity.catch(() => {
        identity = undefined;
      });
      return identity;
    };

    app.on("push", async (context) => {
      const { payload } = context;
      const log = context.log.child({
        delivery: context.id,
        repo: payload.repository.full_name,
        ref: payload.ref,
      });
      if (payload.deleted || !payload.ref.startsWith("refs/heads/")) {
        log.debug("not a branch update: ignored");
        return;
      }
      if (
        payload.sender?.login === (await ownApp()).login ||
        payload.head_commit?.message.includes(`\n${SOURCE_TRAILER}: `)
      ) {
        log.debug("our own ingestion commit: ignored");
        return;
      }
      const branch = payload.ref.slice("refs/heads/".length);
      const loaded = await loadConfig(context);
      const repository = repositoryInfo(payload.repository, payload.installation?.id);
      const changedPaths = payload.commits.flatMap((c) => [
        ...(c.added ?? []),
        ...(c.modified ?? []),
        ...(c.removed ?? []),
      ]);
      const request = {
        repository,
        branch,
        headSha: payload.after,
        beforeSha: payload.before,
        trigger: "push" as const,
        deliveryId: context.id,
        changedPaths,
      };
      if (loaded.kind === "unreadable") {
        // Which branches are configured is unknown: speak up where ingestion is likely wanted.
        if (branch === repository.defaultBranch || changedPaths.some((p) => p.includes("/raw/"))) {
          const outcome = await reportUnreadableConfig(
            depsFor(context, log),
            request,
            payload.after,
            loaded.error,
          );
          log.info({ outcome }, "push handled");
        }
        return;
      }
      const config = loaded.config;
      if (!ingestsBranch(config, repository, branch)) {
        log.debug("branch not configured for ingestion: ignored");
        return;
      }
      const outcome = await runIngestion(depsFor(context, log), { ...request, config });
      log.info({ outcome }, "push handled");
    });

    /**
     * A re-run (button, "Re-run", "Re-run all checks") answers on the commit it was asked about:
     * that commit is ingested again when it is the branch head; otherwise nothing is committed and
     * its check says so (the app's own commit may sit on top of it).
     */
    const rerun = async (
      context: Context<"check_run" | "check_suite">,
      asked: { headBranch: string | null | undefined; headSha: string; checkRunId?: number },
    ) => {
      const { payload } = context;
      const repository = repositoryInfo(payload.repository, payload.installation?.id);
      const branch = asked.headBranch ?? repository.defaultBranch;
      const log = context.log.child({ delivery: context.id, repo: repository.fullName, branch });
      const request = {
        repository,
        branch,
        headSha: asked.headSha,
        ...(asked.checkRunId !== undefined ? { checkRunId: asked.checkRunId } : {}),
        trigger: "rerun" as const,
        deliveryId: context.id,
      };
      // The check suite names a branch the commit is on, not necessarily one we ingest on.
      const loaded = await loadConfig(context);
      if (loaded.kind === "unreadable") {
        const outcome = await reportUnreadableConfig(
          depsFor(context, log),
          request,
          asked.headSha,
          loaded.error,
        );
        log.info({ outcome }, "re-run handled");
        return;
      }
      if (!ingestsBranch(loaded.config, repository, branch)) {
        log.info("re-run asked on a branch not configured for ingestion: ignored");
        return;
      }
      const outcome = await runIngestion(depsFor(context, log), { ...request, config: loaded.config });
      log.info({ outcome }, "re-run handled");
    };

    // Apps with checks:write receive every app's check events (GitHub Actions' too): only ours count.
    app.on(["check_run.rerequested", "check_run.requested_action"], async (context) => {
      const { payload } = context;
      if (payload.check_run.name !== CHECK_NAME) return;
      if (payload.action === "requested_action" && payload.requested_action?.identifier !== RERUN_ACTION)
        return;
      if (payload.check_run.app?.id !== (await ownApp()).id) return;
      await rerun(context, {
        headBranch: payload.check_run.check_suite?.head_branch,
        headSha: payload.check_run.head_sha,
        checkRunId: payload.check_run.id,
      });
    });

    app.on("check_suite.rerequested", async (context) => {
      const { check_suite } = context.payload;
      if (check_suite.app?.id !== (await ownApp()).id) return;
      await rerun(context, { headBranch: check_suite.head_branch, headSha: check_suite.head_sha });
    });

    /** A pull request into an ingest branch: the same pipeline on its head, said on the head commit, nothing committed. */
    app.on(
      [
        "pull_request.opened",
        "pull_request.synchronize",
        "pull_request.reopened",
        "pull_request.ready_for_review",
      ],
      async (context) => {
        const { payload } = context;
        const pr = payload.pull_request;
        const repository = repositoryInfo(payload.repository, payload.installation?.id);
        const log = context.log.child({ delivery: context.id, repo: repository.fullName, pr: pr.number });
        const loaded = await loadConfig(context);
        if (loaded.kind === "unreadable") {
          log.error({ err: loaded.error }, "could not read the configuration: no preview");
          return;
        }
        if (!ingestsBranch(loaded.config, repository, pr.base.ref)) {
          log.debug("pull request into a branch not configured for ingestion: no preview");
          return;
        }
        const outcome = await runPreview(
          { octokit: context.octokit as Octokit, log },
          {
            repo: repoFromFullName(repository.fullName),
            headSha: pr.head.sha,
            baseSha: pr.base.sha,
            config: loaded.config,
            deliveryId: context.id,
          },
        );
        log.info({ outcome }, "pull request previewed");
      },
    );

    app.on("installation", async (context) => {
      const { installation, action } = context.payload;
      const account =
        installation.account && "login" in installation.account ? installation.account.login : "";
      await recorder.installation({ id: installation.id, account, action });
      const repos = "repositories" in context.payload ? (context.payload.repositories ?? []) : [];
      if (action === "created")
        await recorder.repositories(
          installation.id,
          repos.map((r) => minimalRepository(r, installation.id)),
          [],
        );
    });

    app.on("installation_repositories", async (context) => {
      const { installation, repositories_added, repositories_removed } = context.payload;
      await recorder.repositories(
        installation.id,
        repositories_added.map((r) => minimalRepository(r, installation.id)),
        repositories_removed.flatMap((r) => (r.id === undefined ? [] : [r.id])),
      );
    });
  };
}

/** Branches the app ingests on: the configured ones, else the repository's default branch. */
function ingestsBranch(config: ConfigResult, repository: RepositoryInfo, branch: string): boolean {
  const branches = config.config.branches.length > 0 ? config.config.branches : [repository.defaultBranch];
  return branches.includes(branch);
}

/**
 * Reads `.github/gitops-ingest.yml` (or the owner's `.github` repository default); never throws.
 * An invalid file is a config with errors (the user's to fix); GitHub failing to serve it (an
 * HTTP error: 5xx after retries, 422, …) is "unreadable", reported as GitHub's failure.
 */
async function loadConfig(
  context: Context<"push" | "check_run" | "check_suite" | "pull_request">,
): Promise<LoadedConfig> {
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

function repositoryInfo(
  repository: {
    id: number;
    node_id?: string;
    full_name: string;
    default_branch?: string;
    master_branch?: string;
  },
  installationId: number | undefined,
): RepositoryInfo {
  return {
    githubId: repository.id,
    installationId: installationId ?? 0,
    fullName: repository.full_name,
    defaultBranch: repository.default_branch ?? repository.master_branch ?? "main",
    ...(repository.node_id ? { nodeId: repository.node_id } : {}),
  };
}

/** Installation payloads list repositories without their default branch; it is learned on the first push. */
function minimalRepository(r: { id: number; full_name: string }, installationId: number): RepositoryInfo {
  return { githubId: r.id, installationId, fullName: r.full_name, defaultBranch: "" };
}

/**
 * At start: settle every import left pending, using each installation's token. One that cannot be
 * settled now (GitHub or the installation unavailable) does not stop the others.
 */
export async function settlePendingImports(app: Probot, recorder: ImportRecorder): Promise<number> {
  const pending = await recorder.pending();
  let settled = 0;
  for (const p of pending) {
    try {
      const octokit = (await app.auth(p.installationId)) as Octokit;
      await recorder.withRepositoryLock(p.repositoryGithubId, () =>
        settleImport(octokit, recorder, p, app.log),
      );
      settled++;
    } catch (error) {
      app.log.warn(
        { err: error, importId: p.id },
        "could not settle a pending import; the repository's next run will",
      );
    }
  }
  return settled;
}
