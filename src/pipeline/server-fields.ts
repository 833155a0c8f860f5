/** Fields the Kubernetes API server fills in: never part of what a user means, so never kept. */

const SERVER_METADATA = [
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "managedFields",
  "selfLink",
];
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A copy without status and server-populated metadata (e.g. from `kubectl get -o yaml`). */
export function withoutServerFields(object: Obj): Obj {
  const { status: _status, ...rest } = object;
  if (!isObject(rest.metadata)) return rest;
  const metadata: Obj = { ...rest.metadata };
  for (const field of SERVER_METADATA) delete metadata[field];
  if (isObject(metadata.annotations)) {
    const { [LAST_APPLIED]: _lastApplied, ...annotations } = metadata.annotations;
    if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
    else delete metadata.annotations;
  }
  return { ...rest, metadata };
}
