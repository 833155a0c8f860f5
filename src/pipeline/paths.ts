/** Where things live inside a fabric root (SPEC.md, "Repository layout"). */
import type { HedgehogKind } from "./hedgehog/kinds.js";

export const inboxOf = (root: string): string => `${root}/raw`;

export const managedPath = (root: string, kind: HedgehogKind, name: string): string =>
  `${root}/managed/${kind.plural}/${name}.yaml`;

export const unmanagedPath = (root: string, kind: string, name: string): string =>
  `${root}/unmanaged/${kind.toLowerCase()}/${name}.yaml`;

export const shortSha = (sha: string): string => sha.slice(0, 7);

/** The original keeps its path inside raw/, under a folder named after the source commit. */
export const archivePath = (root: string, sourceCommit: string, rawPath: string): string =>
  `${root}/archive/${shortSha(sourceCommit)}/${rawPath.slice(inboxOf(root).length + 1)}`;
