/** VLANNamespace rules (reference §2.11): 1..20 ranges within 1..4094, clear of fabric VLANs, not overlapping. */
import { asArr, asNum, asObj, type Findings, type Obj, pathText } from "./helpers.js";

const MAX_RANGES = 20;
/** VLANs the fabric keeps for itself with default settings (reference §2.0). */
const RESERVED = [
  { from: 3000, to: 3899, what: "VPC IRB VLANs" },
  { from: 3900, to: 3999, what: "TH5 workaround VLANs" },
];

interface Range {
  from: number;
  to: number;
  index: number;
}

export function checkVLANNamespace(out: Findings, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  const ranges = asArr(spec.ranges);
  if (ranges.length === 0 || ranges.length > MAX_RANGES) {
    out.error(
      "range-count",
      spec.ranges === undefined ? ["spec"] : ["spec", "ranges"],
      `spec.ranges has ${ranges.length} ranges; a VLANNamespace needs 1 to ${MAX_RANGES}`,
      "list between 1 and 20 ranges, e.g. [{from: 1000, to: 2999}]",
    );
  }

  const valid: Range[] = [];
  ranges.forEach((raw, index) => {
    const range = asObj(raw) ?? {};
    const path = ["spec", "ranges", index];
    const from = asNum(range.from) ?? 0;
    // Go: a missing or zero `to` means a single VLAN.
    const to = asNum(range.to) || from;
    const text = `${pathText(path)} ${from}-${to}`;
    const hint = "use 1 <= from <= to <= 4094";
    if (from < 1 || from > 4094) {
      out.error("vlan-range", [...path, "from"], `${pathText(path)}.from ${from} is outside 1..4094`, hint);
    } else if (to < 1 || to > 4094) {
      out.error("vlan-range", [...path, "to"], `${pathText(path)}.to ${to} is outside 1..4094`, hint);
    } else if (from > to) {
      out.error("vlan-range", path, `${text}: from is greater than to`, hint);
    } else {
      const reserved = RESERVED.filter((r) => from <= r.to && to >= r.from);
      if (reserved.length > 0) {
        const what = reserved.map((r) => `${r.from}-${r.to} (${r.what})`).join(" and ");
        out.error(
          "vlan-range-reserved",
          path,
          `${text} overlaps the fabric's reserved VLANs ${what}`,
          "keep VLAN ranges outside 3000-3999, e.g. 1000-2999",
        );
      }
      valid.push({ from, to, index });
    }
  });

  // Go sorts the ranges and rejects prev.to >= next.from, so ranges sharing an end VLAN fail too.
  const sorted = [...valid].sort((a, b) => a.from - b.from || a.to - b.to);
  sorted.forEach((next, i) => {
    const prev = sorted[i - 1];
    if (prev === undefined || prev.to < next.from) return;
    const prevText = `${pathText(["spec", "ranges", prev.index])} ${prev.from}-${prev.to}`;
    out.error(
      "vlan-range-overlap",
      ["spec", "ranges", next.index],
      `${pathText(["spec", "ranges", next.index])} ${next.from}-${next.to} overlaps ${prevText}`,
      "merge the ranges or make them disjoint",
    );
  });
}
