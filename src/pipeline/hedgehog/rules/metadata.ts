/** Rules on metadata that every Hedgehog kind shares (the name format itself is checked elsewhere). */
import type { HedgehogKind } from "../kinds.js";
import { asObj, type Findings, show } from "./helpers.js";
import { EXTERNAL_PREFIX } from "./names.js";

export function checkMetadata(out: Findings, kind: HedgehogKind, value: Record<string, unknown>): void {
  const metadata = asObj(value.metadata);
  if (metadata === undefined) return;

  const namespace = metadata.namespace;
  if (namespace !== undefined && namespace !== null && namespace !== "" && namespace !== "default") {
    out.error(
      "namespace",
      ["metadata", "namespace"],
      `metadata.namespace ${show(namespace)}: only namespace default is supported`,
      "remove metadata.namespace or set it to default",
    );
  }

  const name = metadata.name;
  if (typeof name !== "string") return;
  if (kind.maxNameLength !== undefined && name.length > kind.maxNameLength) {
    out.error(
      "name-too-long",
      ["metadata", "name"],
      `metadata.name ${show(name)} is too long for a ${kind.kind}: ${name.length} characters, at most ${kind.maxNameLength}`,
      `shorten the name to ${kind.maxNameLength} characters or fewer`,
    );
  }
  if (kind.kind === "VPC" && name.startsWith(EXTERNAL_PREFIX)) {
    out.error(
      "name-prefix",
      ["metadata", "name"],
      `metadata.name ${show(name)}: a VPC name cannot start with "${EXTERNAL_PREFIX}"`,
      `"${EXTERNAL_PREFIX}" marks Externals in gateway peerings; rename the VPC`,
    );
  }
}
