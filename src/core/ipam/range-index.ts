// A static index of address ranges that may overlap (pools' blocks, conflicting or not): which of
// them meet an address or an interval. Scanning every range for every lookup made phase 1 and
// requested IPs O(ranges) each, quadratic with 100k pools (issue 15, D08).
//   build O(n log n); query O((k + 1) log n) for k hits; hits come back in input order.
import { compareIp, type Ip } from "../ip.ts";
import type { IpRange } from "../range.ts";

const maxIp = (a: Ip, b: Ip): Ip => (compareIp(a, b) >= 0 ? a : b);

export class RangeIndex {
  /** Input positions sorted by `from`. */
  private readonly order: number[];
  private readonly froms: Ip[];
  /** Segment tree over `order`: the largest `to` below each node (1-based, leaves at size…). */
  private readonly maxTo: (Ip | undefined)[];
  private readonly size: number;

  constructor(ranges: readonly IpRange[]) {
    this.order = ranges.map((_, i) => i).sort((a, b) => compareIp(ranges[a]!.from, ranges[b]!.from) || a - b);
    this.froms = this.order.map((i) => ranges[i]!.from);
    let size = 1;
    while (size < ranges.length) size *= 2;
    this.size = size;
    this.maxTo = new Array<Ip | undefined>(2 * size).fill(undefined);
    this.order.forEach((i, k) => (this.maxTo[size + k] = ranges[i]!.to));
    for (let n = size - 1; n >= 1; n--) {
      const l = this.maxTo[2 * n];
      const r = this.maxTo[2 * n + 1];
      this.maxTo[n] = l === undefined ? r : r === undefined ? l : maxIp(l, r);
    }
  }

  /** Input positions, ascending, of the ranges that share an address with [from, to]. */
  overlapping(from: Ip, to: Ip): number[] {
    // Ranges starting at or before `to` form a prefix of the sorted order; of those, the ones
    // reaching `from` overlap.
    let lo = 0;
    let hi = this.froms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIp(this.froms[mid]!, to) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    if (lo > 0) this.collect(1, 0, this.size - 1, lo - 1, from, out);
    return out.length > 1 ? out.sort((a, b) => a - b) : out;
  }

  private collect(node: number, lo: number, hi: number, last: number, from: Ip, out: number[]): void {
    const m = this.maxTo[node];
    if (lo > last || m === undefined || compareIp(m, from) < 0) return;
    if (lo === hi) {
      out.push(this.order[lo]!);
      return;
    }
    const mid = (lo + hi) >> 1;
    this.collect(2 * node, lo, mid, last, from, out);
    this.collect(2 * node + 1, mid + 1, hi, last, from, out);
  }
}
