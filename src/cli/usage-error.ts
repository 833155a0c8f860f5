/**
 * A mistake in how the CLI was called (a bad option value, a path outside the checkout, an unknown
 * command): the CLI prints the message and exits with 2, as kubeconform and kubectl do.
 */
export class UsageError extends Error {
  override name = "UsageError";
}
