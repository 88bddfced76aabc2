// The free space of one range: maximal runs of free offsets, kept twice —
//  - in address order (a chunked sorted array: O(log n) search, O(√-ish) cheap inserts), to find
//    the run holding an address and a freed address's neighbours;
//  - in a binary min-heap by (size, start), to find the smallest run for generic allocation.
// Offsets are canonical `Offset`s (see core/ip.ts), so number fast paths dominate.
import { offsetSub, type Offset } from "../ip.ts";

export interface Run {
  start: Offset;
  end: Offset;
  /**
   * end − start as a float: exact below 2^53, approximate above. The allocator keeps it current
   * (`rekey`, or −1 when it takes the first address); huge runs are compared exactly instead.
   */
  key: number;
  /** Position in the heap array, maintained by the heap. */
  heapIdx: number;
}

export function newRun(start: Offset, end: Offset): Run {
  const r: Run = { start, end, key: 0, heapIdx: -1 };
  rekey(r);
  return r;
}

export function rekey(r: Run): void {
  const d = offsetSub(r.end, r.start);
  r.key = typeof d === "number" ? d : Number(d);
}

const CHUNK_MAX = 128;

/**
 * Runs in address order, in chunks of at most CHUNK_MAX, searched through flat arrays so lookups
 * do not chase a pointer per probe: `starts[c][i]` is a lower bound of run (c, i)'s start and
 * `mins[c]` of chunk c's first. Lower bounds may go stale when a run's start moves up (generic
 * allocation takes a run's first address without touching the index); a search then steps back
 * over runs that start above the query. Runs never overlap, so the order itself never changes.
 */
export class RunIndex {
  private chunks: Run[][] = [];
  private starts: Offset[][] = [];
  private mins: Offset[] = [];
  private count = 0;
  /** Results of the last `around` call (no allocation per lookup). */
  prev: Run | undefined;
  next: Run | undefined;
  /** Position found by the last `locate` (chunk −1: before every run). */
  private c = -1;
  private p = -1;

  get size(): number {
    return this.count;
  }

  /** Last chunk whose lower bound is ≤ off (0 if none). */
  private chunkFor(off: Offset): number {
    const mins = this.mins;
    let lo = 0;
    let hi = mins.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (mins[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Sets (c, p) to the run with the greatest actual start ≤ off, or c = −1 if there is none. */
  private locate(off: Offset): void {
    if (this.count === 0) {
      this.c = -1;
      return;
    }
    let c = this.chunkFor(off);
    const st = this.starts[c]!;
    let lo = 0;
    let hi = st.length - 1;
    let p = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (st[mid]! <= off) {
        p = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (;;) {
      if (p < 0) {
        if (--c < 0) break;
        p = this.chunks[c]!.length - 1;
      }
      if (this.chunks[c]![p]!.start <= off) break;
      p--;
    }
    this.c = c;
    this.p = p;
  }

  /** Sets `prev` (greatest start ≤ off) and `next` (the run after it); either may be undefined. */
  around(off: Offset): void {
    this.locate(off);
    const { c, p } = this;
    if (c < 0) {
      this.prev = undefined;
      this.next = this.chunks[0]?.[0];
      return;
    }
    const chunk = this.chunks[c]!;
    this.prev = chunk[p];
    this.next = p + 1 < chunk.length ? chunk[p + 1] : this.chunks[c + 1]?.[0];
  }

  insert(run: Run): void {
    if (this.count === 0) {
      this.count++;
      this.chunks.push([run]);
      this.starts.push([run.start]);
      this.mins.push(run.start);
      return;
    }
    this.locate(run.start);
    this.insertAt(run);
  }

  /**
   * Inserts `run` right after the run found by the last `around` (its `prev`), without searching
   * again: valid only when the index was not modified in between (a split's upper half).
   */
  insertAfterPrev(run: Run): void {
    if (this.count === 0) this.insert(run);
    else this.insertAt(run);
  }

  private insertAt(run: Run): void {
    this.count++;
    let c = this.c;
    let at = this.p + 1;
    if (c < 0) {
      c = 0;
      at = 0;
    }
    const chunk = this.chunks[c]!;
    const st = this.starts[c]!;
    // Manual shift: Array.prototype.splice allocates its result array on every call.
    chunk.push(run);
    st.push(run.start);
    for (let i = chunk.length - 1; i > at; i--) {
      chunk[i] = chunk[i - 1]!;
      st[i] = st[i - 1]!;
    }
    chunk[at] = run;
    st[at] = run.start;
    if (run.start < this.mins[c]!) this.mins[c] = run.start;
    if (chunk.length > CHUNK_MAX) {
      const half = CHUNK_MAX >> 1;
      this.chunks.splice(c + 1, 0, chunk.splice(half));
      const upperStarts = st.splice(half);
      this.starts.splice(c + 1, 0, upperStarts);
      this.mins.splice(c + 1, 0, upperStarts[0]!);
    }
  }

  /** Moves a run's start down (a freed address joined it from below). */
  lowerStart(run: Run, start: Offset): void {
    this.locate(run.start);
    run.start = start;
    const st = this.starts[this.c]!;
    if (start < st[this.p]!) st[this.p] = start;
    if (start < this.mins[this.c]!) this.mins[this.c] = start;
  }

  remove(run: Run): void {
    this.locate(run.start);
    const { c, p } = this;
    const chunk = c < 0 ? undefined : this.chunks[c];
    if (!chunk || chunk[p] !== run) throw new Error("free-run index out of sync"); // a bug, never user input
    const st = this.starts[c]!;
    for (let i = p; i < chunk.length - 1; i++) {
      chunk[i] = chunk[i + 1]!;
      st[i] = st[i + 1]!;
    }
    chunk.pop();
    st.pop();
    this.count--;
    if (chunk.length === 0) {
      this.chunks.splice(c, 1);
      this.starts.splice(c, 1);
      this.mins.splice(c, 1);
    }
  }

  *[Symbol.iterator](): IterableIterator<Run> {
    for (const chunk of this.chunks) yield* chunk;
  }
}

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
