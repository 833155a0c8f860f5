/**
 * The Probot app: one plugin per concern, like repository-settings. Pushes and re-run requests
 * start an ingestion; installation events keep the database's view of who uses the app.
 */
import type { Context, Probot } from "probot";
import { CHECK_NAME, RERUN_ACTION } from "./github/check-run.js";
import { type Octokit, repoFromFullName } from "./github/types.js";
import { type BranchRun, runBranch } from "./ingestion/branch-run.js";
import { runPreview } from "./ingestion/preview.js";
import type { ImportRecorder, RepositoryInfo } from "./ingestion/recorder.js";
import { ingestBranches, loadRepositoryConfig } from "./ingestion/repository-config.js";
import { reportNotQueued } from "./ingestion/run.js";
import { settleAllPending } from "./ingestion/settle.js";
import { MAX_CHANGED_PATHS } from "./queue/jobs.js";
import type { JobEnqueuer } from "./queue/queue.js";
import { SOURCE_TRAILER } from "./report/commit-message.js";

export interface AppOptions {
  recorder: ImportRecorder;
  /**
   * The job queue: webhooks record a job and answer at once, workers run it (src/queue). Without
   * one (unit tests of the handlers), the same run happens inside the webhook request.
   */
  jobs?: JobEnqueuer;
  /** The check run shows "in progress" only once a run takes longer than this (ms; default 3 s). */
  checkStartAfterMs?: number;
  /** The reconcile sweep runs: a push that could not be queued is found by it later. */
  reconcileEnabled?: boolean;
}

export function gitopsIngest(options: AppOptions) {
  return (app: Probot) => {
    const { recorder, jobs } = options;
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
    // Asked now, in the background, so the first push is not answered a GitHub round trip late.
    if (jobs) ownApp().catch(() => {});

    /** Queues the branch's run, or (no queue) runs it now with the webhook's token. */
    const ingest = async (context: Context, log: Context["log"], run: BranchRun) => {
      const deps = {
        octokit: context.octokit as Octokit,
        recorder,
        log,
        ...(options.checkStartAfterMs !== undefined ? { checkStartAfterMs: options.checkStartAfterMs } : {}),
      };
      if (jobs) {
        const queued = await jobs
          .enqueueIngest({
            installationId: run.repository.installationId,
            repositoryId: run.repository.githubId,
            fullName: run.repository.fullName,
            branch: run.branch,
            trigger: run.trigger,
            deliveryId: run.deliveryId,
            defaultBranch: run.repository.defaultBranch,
            ...(run.repository.nodeId ? { nodeId: run.repository.nodeId } : {}),
            ...(run.headSha ? { headSha: run.headSha } : {}),
            ...(run.checkRunId !== undefined ? { checkRunId: run.checkRunId } : {}),
            ...(run.beforeSha ? { beforeSha: run.beforeSha } : {}),
            ...(run.changedPaths ? { changedPaths: [...run.changedPaths] } : {}),
          })
          .catch(async (error: unknown) => {
            log.error({ err: error }, "could not queue the ingestion: the database is unavailable");
            if (run.headSha) {
              const retried = { ...deps, retriedBySelf: options.reconcileEnabled ?? false };
              await reportNotQueued(retried, run, run.headSha, error);
            }
            // A failed delivery: GitHub shows it, and it can be redelivered once the database is back.
            throw error;
          });
        log.info({ jobId: queued.jobId, coalesced: queued.coalesced }, "ingestion queued");
        return;
      }
      const outcome = await runBranch(deps, run);
      log.info({ outcome }, "ingestion handled in the webhook request");
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
        payload.head_commit?.message.includes(`\n${SOURCE_TRAILER}: `) ||
        payload.sender?.login === (await ownApp()).login
      ) {
        log.debug("our own ingestion commit: ignored");
        return;
      }
      const changed = [
        ...new Set(
          payload.commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]),
        ),
      ];
      // GitHub lists at most 2048 commits and 3000 paths in a push: beyond, the paths are not all known.
      const changedPaths =
        changed.length <= MAX_CHANGED_PATHS && payload.commits.length < 2048 ? changed : undefined;
      const run: BranchRun = {
        repository: repositoryInfo(payload.repository, payload.installation?.id),
        branch: payload.ref.slice("refs/heads/".length),
        headSha: payload.after,
        beforeSha: payload.before,
        trigger: "push",
        deliveryId: context.id,
        ...(changedPaths ? { changedPaths } : {}),
      };
      await ingest(context, log, run);
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
      await ingest(context, log, {
        repository,
        branch,
        headSha: asked.headSha,
        ...(asked.checkRunId !== undefined ? { checkRunId: asked.checkRunId } : {}),
        trigger: "rerun",
        deliveryId: context.id,
      });
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
        const octokit = context.octokit as Octokit;
        const loaded = await loadRepositoryConfig(octokit, repoFromFullName(repository.fullName), log);
        if (loaded.kind === "unreadable") {
          log.error({ err: loaded.error }, "could not read the configuration: no preview");
          return;
        }
        if (!ingestBranches(loaded.config, repository.defaultBranch).includes(pr.base.ref)) {
          log.debug("pull request into a branch not configured for ingestion: no preview");
          return;
        }
        const outcome = await runPreview(
          { octokit, log },
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

    /** Queues a backfill of each repository: what already waits in raw/ is ingested without a push. */
    const backfill = async (
      context: Context,
      installationId: number,
      repositories: readonly { id: number; full_name: string }[],
    ) => {
      if (!jobs) return;
      for (const r of repositories) {
        await jobs.enqueueBackfill({
          installationId,
          repositoryId: r.id,
          fullName: r.full_name,
          deliveryId: context.id,
        });
      }
      context.log.info({ installationId, repositories: repositories.length }, "backfill queued");
    };

    app.on("installation", async (context) => {
      const { installation, action } = context.payload;
      const account =
        installation.account && "login" in installation.account ? installation.account.login : "";
      await recorder.installation({ id: installation.id, account, action });
      if (action !== "created" && action !== "unsuspend") return;
      // Unsuspended: pushes made meanwhile brought no webhook. Created: what waited before us.
      const listed = "repositories" in context.payload ? context.payload.repositories : undefined;
      const repos =
        listed ??
        ((await context.octokit.paginate(context.octokit.rest.apps.listReposAccessibleToInstallation, {
          per_page: 100,
        })) as unknown as { id: number; full_name: string }[]);
      await recorder.repositories(
        installation.id,
        repos.map((r) => minimalRepository(r, installation.id)),
        [],
      );
      await backfill(context, installation.id, repos);
    });

    app.on("installation_repositories", async (context) => {
      const { installation, repositories_added, repositories_removed } = context.payload;
      await recorder.repositories(
        installation.id,
        repositories_added.map((r) => minimalRepository(r, installation.id)),
        repositories_removed.flatMap((r) => (r.id === undefined ? [] : [r.id])),
      );
      await backfill(context, installation.id, repositories_added);
    });
  };
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

/** At start: settle every import left pending, each with its installation's token. */
export async function settlePendingImports(app: Probot, recorder: ImportRecorder): Promise<number> {
  return settleAllPending(async (id) => (await app.auth(id)) as Octokit, recorder, app.log);
}
