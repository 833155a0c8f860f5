/**
 * The source commit names the archive folder (`archive/<first 7 characters>/`), so a value from the
 * command line must not be able to name a folder elsewhere: a hex SHA, or a plain name such as
 * "working-tree". Anything else (`../../..`, `a/b`, spaces) is a usage error.
 */
import { UsageError } from "../cli/usage-error.js";

const HEX_SHA = /^[0-9a-f]{4,64}$/i;
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export function checkSourceCommit(value: string): string {
  if (HEX_SHA.test(value) || SAFE_NAME.test(value)) return value;
  throw new UsageError(
    `--commit ${JSON.stringify(value)} is neither a commit SHA (hex) nor a plain name (letters, digits, "-", "_")`,
  );
}
