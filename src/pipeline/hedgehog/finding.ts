import type { JsonPath, Level } from "../types.js";

/**
 * A problem found in a document's value, before it is placed at a line:
 * the validate step turns the path into a line and column of the source.
 */
export interface Finding {
  level: Level;
  code: string;
  message: string;
  hint?: string;
  /** Path of the offending value inside the document (empty = the whole document). */
  path: JsonPath;
}
