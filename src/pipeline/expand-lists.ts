/**
 * `kubectl get … -o yaml` exports several objects as one `v1 List` with `items`. Each item is a
 * document of its own to the pipeline, placed at its own lines; the List itself is not an object
 * anyone meant to keep.
 */
import type { LoadedDocument } from "./parse.js";
import { isObject } from "./server-fields.js";
import { emitYaml } from "./yaml/emit.js";

function isList(value: unknown): value is { items: unknown[] } {
  return (
    isObject(value) &&
    value.apiVersion === "v1" &&
    typeof value.kind === "string" &&
    /List$/.test(value.kind) &&
    Array.isArray(value.items)
  );
}

/** The documents with List items in place of their List, numbered from `firstIndex`. */
export function expandLists(documents: readonly LoadedDocument[], firstIndex = 0): LoadedDocument[] {
  const out: LoadedDocument[] = [];
  for (const doc of documents) {
    if (!isList(doc.value)) {
      out.push({ ...doc, index: firstIndex + out.length });
      continue;
    }
    doc.value.items.forEach((item, i) => {
      out.push({
        index: firstIndex + out.length,
        start: doc.positionOf(["items", i]),
        value: item,
        // An item has no text of its own outside the List: it is written out again, values unchanged.
        source: () => emitYaml(item),
        positionOf: (path) => doc.positionOf(["items", i, ...path]),
      });
    });
  }
  return out;
}
