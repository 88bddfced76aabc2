// Free runs ordered by (size, start): the top is where generic allocation takes its address.
import { offsetSub, type Offset } from "../ip.ts";
import type { Run } from "./free-runs.ts";

function runSize(r: Run): Offset {
  return offsetSub(r.end, r.start);
}

const EXACT_BELOW = 2 ** 52;

/** (size, start) ordering: the smallest run first, lowest address on ties. */
function less(a: Run, b: Run): boolean {
  const ka = a.key;
  const kb = b.key;
  if (ka < EXACT_BELOW && kb < EXACT_BELOW) return ka < kb || (ka === kb && a.start < b.start);
  const sa = runSize(a);
  const sb = runSize(b);
  if (sa < sb) return true;
  if (sa > sb) return false;
  return a.start < b.start;
}

/**
 * A 4-ary min-heap: half the depth of a binary heap, so a run that shrinks a lot (a split) rises
 * through fewer cache-missing levels. Sifting moves a hole instead of swapping.
 */
export class RunHeap {
  readonly items: Run[] = [];

  get top(): Run | undefined {
    return this.items[0];
  }

  push(r: Run): void {
    this.items.push(r);
    this.up(this.items.length - 1, r);
  }

  remove(r: Run): void {
    const i = r.heapIdx;
    const last = this.items.pop()!;
    if (last !== r) {
      this.items[i] = last;
      last.heapIdx = i;
      this.fix(i);
    }
    r.heapIdx = -1;
  }

  /** Restores order after the run at `i` changed size or start. */
  fix(i: number): void {
    if (!this.down(i)) this.up(i, this.items[i]!);
  }

  /** After a run shrank (only ever moves towards the top). */
  shrunk(i: number): void {
    this.up(i, this.items[i]!);
  }

  /** After a run grew (only ever moves towards the leaves). */
  grew(i: number): void {
    this.down(i);
  }

  private up(i: number, r: Run): void {
    const items = this.items;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const parent = items[p]!;
      if (!less(r, parent)) break;
      items[i] = parent;
      parent.heapIdx = i;
      i = p;
    }
    items[i] = r;
    r.heapIdx = i;
  }

  private down(i0: number): boolean {
    const items = this.items;
    const n = items.length;
    const r = items[i0]!;
    let i = i0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let m = first;
      let best = items[first]!;
      const end = Math.min(first + 4, n);
      for (let c = first + 1; c < end; c++) {
        const x = items[c]!;
        if (less(x, best)) {
          best = x;
          m = c;
        }
      }
      if (!less(best, r)) break;
      items[i] = best;
      best.heapIdx = i;
      i = m;
    }
    items[i] = r;
    r.heapIdx = i;
    return i > i0;
  }
}
