/**
 * Strings a run keeps after a file is done (report fields, references) are copied off the file's
 * text. V8 keeps a string cut out of a larger one (13 characters or more) as a view that holds the
 * whole text alive: without the copy, a report of 50,000 documents would pin every file it came
 * from (issue 9, peak memory).
 */

/** A copy of `s` that shares no memory with the string it was cut from. */
export function ownString(s: string): string {
  // Concatenation makes a new string, which slice() then flattens into fresh memory.
  return ` ${s}`.slice(1);
}

/** Interns the few strings that repeat across documents (apiVersion, kind, group): one copy each per run. */
export class StringTable {
  private readonly table = new Map<string, string>();

  intern(s: string): string {
    let own = this.table.get(s);
    if (own === undefined) {
      own = ownString(s);
      this.table.set(own, own);
    }
    return own;
  }
}
