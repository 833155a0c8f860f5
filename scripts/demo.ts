/**
 * `npm run demo`: the whole flow, offline, in one command. Starts the GitHub stand-in (a real bare
 * git repository behind HTTP), starts the app as `npm start` does, pushes a multi-document file
 * into raw/ with git, sends the signed webhook, and prints what the app did: the commit, the check
 * run, the import recorded in the database, and the annotation a broken file gets.
 */
import { importLine } from "../src/cli/database.js";
import { listImports } from "../src/db/imports.js";
import { startHarness } from "../test/support/e2e.js";
import { FABRIC_ROOT, RAW, sampleInbox, vpcYaml } from "../test/support/fabric.js";
import { gitIn } from "../test/support/github-standin/index.js";

const rule = (title: string) => console.log(`\n━━ ${title} ${"━".repeat(Math.max(0, 70 - title.length))}`);

const h = await startHarness({ env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" } });
try {
  console.log(`GitHub stand-in: ${h.gh.url} (bare repository ${h.gh.bareRepoPath})`);
  console.log(`App:             ${h.appUrl} (embedded database)`);

  rule("1. A colleague pushes three files into raw/");
  const pushed = await h.push(sampleInbox(), "Add fabric-1 wiring and two VPCs");
  console.log(await gitIn(h.gh, "show", "--stat", "--format=%h %s", pushed.after));

  rule("2. The app answers with one commit on top");
  const [check] = await h.waitForChecks(pushed.after);
  const head = await h.head();
  console.log(await gitIn(h.gh, "log", "-1", "--shortstat", head));

  rule(`3. ${FABRIC_ROOT}/ now`);
  const files = (await gitIn(h.gh, "ls-tree", "-r", "--name-only", head, FABRIC_ROOT)).split("\n");
  const shown = files.filter(
    (f) => !f.includes("/connections/") || f.endsWith("server-01--unbundled--leaf-01.yaml"),
  );
  console.log(shown.join("\n"));
  console.log(`(… and ${files.length - shown.length} more connections)`);
  console.log(`\n${RAW}/ holds: ${files.filter((f) => f.startsWith(`${RAW}/`)).join(", ")}`);

  rule("4. One managed file");
  console.log(await gitIn(h.gh, "show", `${head}:${FABRIC_ROOT}/managed/switches/leaf-01.yaml`));

  rule(`5. Check run "${check?.name}": ${check?.conclusion} — ${check?.output.title}`);
  console.log(check?.output.summary);

  rule("6. A second push with nothing new in raw/ makes no commit");
  const second = await h.push({ "README.md": "# fabric repository\n" }, "Docs");
  const [idle] = await h.waitForChecks(second.after);
  console.log(
    `branch head is still the push: ${(await h.head()) === second.after}; check: ${idle?.conclusion} — ${idle?.output.title}`,
  );

  rule("7. A broken file pushed next to a valid one");
  const broken = vpcYaml("vpc-broken", 3, 1003).replace("vlan:", "vlna:");
  const third = await h.push(
    { [`${RAW}/vpc-3.yaml`]: vpcYaml("vpc-3", 4, 1004), [`${RAW}/vpc-broken.yaml`]: broken },
    "Add two VPCs, one with a typo",
  );
  const [failed] = await h.waitForChecks(third.after);
  console.log(`check: ${failed?.conclusion} — ${failed?.output.title}`);
  const [annotation] = failed?.annotations ?? [];
  if (annotation) {
    console.log(
      `annotation: ${annotation.path}:${annotation.start_line}:${annotation.start_column ?? 1} ${annotation.annotation_level}: ${annotation.message}`,
    );
  }
  const raw = (await gitIn(h.gh, "ls-tree", "--name-only", await h.head(), `${RAW}/`)).trim().split("\n");
  console.log(
    `${RAW}/ keeps the rejected file for a fix: ${raw.map((p) => p.slice(RAW.length + 1)).join(", ")}`,
  );

  rule("8. The imports recorded in the database (gitops-ingest imports)");
  const imports = await listImports(h.app.database.db, {});
  console.log(imports.map(importLine).join("\n"));
} finally {
  await h.stop();
}
