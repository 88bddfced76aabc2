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
 * Runs in address order, in chunks of at most CHUNK_MAX. `mins[c]` routes lookups to chunk c: it
 * is ≤ the chunk's first start and > every start in earlier chunks (kept in a flat array so the
 * outer binary search does not chase pointers).
 */
export class RunIndex {
  private chunks: Run[][] = [];
  private mins: Offset[] = [];
  private count = 0;
  /** Results of the last `around` call (no allocation per lookup). */
  prev: Run | undefined;
  next: Run | undefined;

  get size(): number {
    return this.count;
  }

  /** Index of the last chunk routed at or below `off` (0 if none). */
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

  /** Position of the last run starting at or below `off` within chunk `c` (−1 if none). */
  private posIn(chunk: Run[], off: Offset): number {
    let lo = 0;
    let hi = chunk.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (chunk[mid]!.start <= off) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Sets `prev` (greatest start ≤ off) and `next` (the run after it); either may be undefined. */
  around(off: Offset): void {
    this.prev = undefined;
    this.next = undefined;
    if (this.count === 0) return;
    const c = this.chunkFor(off);
    const chunk = this.chunks[c]!;
    const p = this.posIn(chunk, off);
    if (p >= 0) this.prev = chunk[p];
    else if (c > 0) {
      const before = this.chunks[c - 1]!;
      this.prev = before[before.length - 1];
    }
    this.next = p + 1 < chunk.length ? chunk[p + 1] : this.chunks[c + 1]?.[0];
  }

  insert(run: Run): void {
    this.count++;
    if (this.chunks.length === 0) {
      this.chunks.push([run]);
      this.mins.push(run.start);
      return;
    }
    const c = this.chunkFor(run.start);
    const chunk = this.chunks[c]!;
    chunk.splice(this.posIn(chunk, run.start) + 1, 0, run);
    if (run.start < this.mins[c]!) this.mins[c] = run.start;
    if (chunk.length > CHUNK_MAX) {
      const upper = chunk.splice(CHUNK_MAX >> 1);
      this.chunks.splice(c + 1, 0, upper);
      this.mins.splice(c + 1, 0, upper[0]!.start);
    }
  }

  /** Moves a run's start down (a freed address joined it from below). */
  lowerStart(run: Run, start: Offset): void {
    const c = this.chunkFor(run.start);
    run.start = start;
    if (start < this.mins[c]!) this.mins[c] = start;
  }

  remove(run: Run): void {
    let c = this.chunkFor(run.start);
    let chunk = this.chunks[c]!;
    let p = this.posIn(chunk, run.start);
    if (p < 0 && c > 0) {
      c--;
      chunk = this.chunks[c]!;
      p = chunk.length - 1;
    }
    if (chunk[p] !== run) throw new Error("free-run index out of sync"); // a bug, never user input
    chunk.splice(p, 1);
    this.count--;
    if (chunk.length === 0) {
      this.chunks.splice(c, 1);
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

export class RunHeap {
  readonly items: Run[] = [];

  get top(): Run | undefined {
    return this.items[0];
  }

  push(r: Run): void {
    r.heapIdx = this.items.length;
    this.items.push(r);
    this.up(r.heapIdx);
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

  /** Restores order after run `r` changed size or start. */
  fix(i: number): void {
    if (!this.down(i)) this.up(i);
  }

  private swap(i: number, j: number): void {
    const a = this.items[i]!;
    const b = this.items[j]!;
    this.items[i] = b;
    this.items[j] = a;
    a.heapIdx = j;
    b.heapIdx = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(this.items[i]!, this.items[p]!)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i0: number): boolean {
    let i = i0;
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let m = l;
      const r = l + 1;
      if (r < n && less(this.items[r]!, this.items[l]!)) m = r;
      if (!less(this.items[m]!, this.items[i]!)) break;
      this.swap(i, m);
      i = m;
    }
    return i > i0;
  }
}
