/**
 * The Probot app: one plugin per concern, like repository-settings. Pushes and re-run requests
 * start an ingestion; installation events keep the database's view of who uses the app.
 */
import type { Context, Probot } from "probot";
import { CONFIG_FILE, type ConfigResult, parseConfig } from "./config.js";
import { CHECK_NAME, RERUN_ACTION } from "./github/check-run.js";
import type { Octokit } from "./github/types.js";
import type { ImportRecorder, RepositoryInfo } from "./ingestion/recorder.js";
import { runIngestion } from "./ingestion/run.js";
import { settleImport } from "./ingestion/settle.js";
import { SOURCE_TRAILER } from "./report/commit-message.js";

export interface AppOptions {
  recorder: ImportRecorder;
}

export function gitopsIngest(options: AppOptions) {
  return (app: Probot) => {
    const { recorder } = options;
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
      const config = await loadConfig(context);
      const repository = repositoryInfo(payload.repository, payload.installation?.id);
      if (!ingestsBranch(config, repository, branch)) {
        log.debug("branch not configured for ingestion: ignored");
        return;
      }
      const changedPaths = payload.commits.flatMap((c) => [
        ...(c.added ?? []),
        ...(c.modified ?? []),
        ...(c.removed ?? []),
      ]);
      const outcome = await runIngestion(
        { octokit: context.octokit as Octokit, recorder, log },
        {
          repository,
          branch,
          headSha: payload.after,
          trigger: "push",
          deliveryId: context.id,
          config,
          changedPaths,
        },
      );
      log.info({ outcome }, "push handled");
    });

    /** A re-run (button, "Re-run", "Re-run all checks") ingests the branch's current head again. */
    const rerun = async (
      context: Context<"check_run" | "check_suite">,
      headBranch: string | null | undefined,
    ) => {
      const { payload } = context;
      const repository = repositoryInfo(payload.repository, payload.installation?.id);
      const branch = headBranch ?? repository.defaultBranch;
      const log = context.log.child({ delivery: context.id, repo: repository.fullName, branch });
      // The check suite names a branch the commit is on, not necessarily one we ingest on.
      const config = await loadConfig(context);
      if (!ingestsBranch(config, repository, branch)) {
        log.info("re-run asked on a branch not configured for ingestion: ignored");
        return;
      }
      const outcome = await runIngestion(
        { octokit: context.octokit as Octokit, recorder, log },
        { repository, branch, trigger: "rerun", deliveryId: context.id, config },
      );
      log.info({ outcome }, "re-run handled");
    };

    // Apps with checks:write receive every app's check events (GitHub Actions' too): only ours count.
    app.on(["check_run.rerequested", "check_run.requested_action"], async (context) => {
      const { payload } = context;
      if (payload.check_run.name !== CHECK_NAME) return;
      if (payload.action === "requested_action" && payload.requested_action?.identifier !== RERUN_ACTION)
        return;
      if (payload.check_run.app?.id !== (await ownApp()).id) return;
      await rerun(context, payload.check_run.check_suite?.head_branch);
    });

    app.on("check_suite.rerequested", async (context) => {
      if (context.payload.check_suite.app?.id !== (await ownApp()).id) return;
      await rerun(context, context.payload.check_suite.head_branch);
    });

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

/** Reads `.github/gitops-ingest.yml` (or the owner's `.github` repository default); never throws. */
async function loadConfig(context: Context<"push" | "check_run">): Promise<ConfigResult> {
  try {
    return parseConfig(await context.config(CONFIG_FILE));
  } catch (error) {
    return {
      config: parseConfig(undefined).config,
      errors: [`cannot read ${CONFIG_FILE}: ${(error as Error).message}`],
    };
  }
}

function repositoryInfo(
  repository: { id: number; full_name: string; default_branch?: string; master_branch?: string },
  installationId: number | undefined,
): RepositoryInfo {
  return {
    githubId: repository.id,
    installationId: installationId ?? 0,
    fullName: repository.full_name,
    defaultBranch: repository.default_branch ?? repository.master_branch ?? "main",
  };
}

/** Installation payloads list repositories without their default branch; it is learned on the first push. */
function minimalRepository(r: { id: number; full_name: string }, installationId: number): RepositoryInfo {
  return { githubId: r.id, installationId, fullName: r.full_name, defaultBranch: "" };
}

/** After a crash: settle every import left pending, using each installation's token. */
export async function settlePendingImports(app: Probot, recorder: ImportRecorder): Promise<number> {
  const pending = await recorder.pending();
  for (const p of pending) {
    const octokit = (await app.auth(p.installationId)) as Octokit;
    await recorder.withRepositoryLock(p.repositoryGithubId, () =>
      settleImport(octokit, recorder, p, app.log),
    );
  }
  return pending.length;
}
