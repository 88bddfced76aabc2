// The free space of one range: maximal runs of free offsets, kept twice —
//  - in address order (RunIndex below: a chunked sorted array, O(log n) search, cheap inserts),
//    to find the run holding an address and a freed address's neighbours;
//  - in a min-heap by (size, start) (run-heap.ts), to find the smallest run for generic allocation.
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
  /** Position found by the last `locate` or filled by the last insert (chunk −1: before every run). */
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
    this.c = c;
    this.p = at;
    if (chunk.length > CHUNK_MAX) {
      const half = CHUNK_MAX >> 1;
      this.chunks.splice(c + 1, 0, chunk.splice(half));
      const upperStarts = st.splice(half);
      this.starts.splice(c + 1, 0, upperStarts);
      this.mins.splice(c + 1, 0, upperStarts[0]!);
      if (at >= half) {
        this.c = c + 1;
        this.p = at - half;
      }
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
    // Churn removes the run it inserted just before (a freed address handed out again): the
    // position left by insertAt then still holds it and the search is skipped.
    if (this.c < 0 || this.chunks[this.c]?.[this.p] !== run) this.locate(run.start);
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
