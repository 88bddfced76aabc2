// One range's allocator, in offsets from the range start (the pkg/ipalloc role, Kubernetes-free).
//
// Which address a generic allocation gets: the lowest address of the smallest free run, ties
// broken by lowest address (spec §3.5 "simplified equivalent"). Complexity, n = free runs:
//   allocAny   O(1) amortised (the smallest run only shrinks, so it stays on top of the heap)
//   alloc(off) O(log n)   free(off) O(log n)   get(off) O(1)
// Memory: one owner-table slot per allocated address; free runs cost O(fragments), never O(range size).
import { offsetDec, offsetInc, offsetSub, offsetToBigInt, type Offset } from "../ip.ts";
import { newRun, rekey, RunIndex, type Run } from "./free-runs.ts";
import { RunHeap } from "./run-heap.ts";
import { OffsetMap } from "./offset-map.ts";

/** Enough spare runs for any churn burst; beyond it, freed runs go to the garbage collector. */
const SPARE_MAX = 1024;

export type AllocResult = "ok" | "in-use" | "out-of-range";

export class RangeAllocator<T> {
  /** Number of addresses in the range: offsets 0 … size−1. */
  readonly size: Offset;
  private readonly owners = new OffsetMap<T>();
  private readonly index = new RunIndex();
  private readonly heap = new RunHeap();
  /** Runs removed from the index and heap, reused by the next split or isolated free: churn
   * (free one address, allocate one) would otherwise allocate a short-lived object per free. */
  private readonly spare: Run[] = [];
  /**
   * The last freed address when it had no free neighbour, kept out of the index and the heap:
   * churn (free one address, allocate one) hands it straight back, so the pair costs no run
   * insert and removal. A one-address run is the smallest there is, so only one-address runs in
   * the heap can beat it (by lower address). Whatever needs the index complete settles it first.
   */
  private loose: Offset | undefined;

  constructor(size: Offset) {
    if (!(size > 0)) throw new Error("RangeAllocator: size must be positive");
    this.size = size;
    this.addRun(newRun(0, offsetDec(size)));
  }

  /** Allocated addresses (owned or reserved). */
  get used(): number {
    return this.owners.size;
  }

  get full(): boolean {
    return this.heap.top === undefined && this.loose === undefined;
  }

  /** Free addresses, exactly (may exceed 2^53). */
  available(): bigint {
    return offsetToBigInt(this.size) - BigInt(this.owners.size);
  }

  get(off: Offset): T | undefined {
    return this.owners.get(off);
  }

  has(off: Offset): boolean {
    return this.owners.has(off);
  }

  /** Hands out the lowest address of the smallest free run; undefined when full. */
  allocAny(owner: T): Offset | undefined {
    const run = this.heap.top;
    const loose = this.loose;
    // key 0 is exact: a run's key only reaches 0 when it holds one address.
    if (loose !== undefined && (run === undefined || run.key !== 0 || loose < run.start)) {
      this.loose = undefined;
      this.owners.set(loose, owner);
      return loose;
    }
    if (run === undefined) return undefined;
    const off = run.start;
    this.owners.set(off, owner);
    // Shrinking the top run keeps it the smallest: no heap work on this path.
    if (off === run.end) this.removeRun(run);
    else {
      run.start = offsetInc(off);
      run.key -= 1; // exact below 2^53; above, runs are compared exactly anyway
    }
    return off;
  }

  /** Allocates one specific address. */
  alloc(off: Offset, owner: T): AllocResult {
    if (off < 0 || off >= this.size) return "out-of-range";
    if (!this.owners.add(off, owner)) return "in-use";
    if (off === this.loose) {
      this.loose = undefined;
      return "ok";
    }
    this.index.around(off);
    const run = this.index.prev;
    if (run === undefined || run.end < off) throw new Error("allocator: free address outside every free run"); // a bug
    if (run.start === off && run.end === off) {
      this.removeRun(run);
    } else if (run.start === off) {
      run.start = offsetInc(off);
      this.shrunk(run);
    } else if (run.end === off) {
      run.end = offsetDec(off);
      this.shrunk(run);
    } else {
      const upper = this.newRun(offsetInc(off), run.end);
      run.end = offsetDec(off);
      this.shrunk(run);
      this.index.insertAfterPrev(upper); // `run` was the last lookup's prev
      this.heap.push(upper);
    }
    return "ok";
  }

  /** Changes the owner of an allocated address; false if it is free. */
  update(off: Offset, owner: T): boolean {
    if (!this.owners.has(off)) return false;
    this.owners.set(off, owner);
    return true;
  }

  /** Returns an address to the free space, merging with neighbouring runs. */
  free(off: Offset): boolean {
    if (!this.owners.delete(off)) return false;
    this.settle(); // it may be a neighbour of `off`, and only one address is kept loose
    this.index.around(off);
    const { prev, next } = this.index;
    const joinsPrev = prev !== undefined && offsetInc(prev.end) === off;
    const joinsNext = next !== undefined && offsetDec(next.start) === off;
    if (joinsPrev && joinsNext) {
      this.removeRun(next);
      prev.end = next.end;
      this.grew(prev);
    } else if (joinsPrev) {
      prev.end = off;
      this.grew(prev);
    } else if (joinsNext) {
      // Lowering a run's start keeps its place in address order (runs are disjoint).
      this.index.lowerStart(next, off);
      this.grew(next);
    } else {
      this.loose = off;
    }
    return true;
  }

  /** Free runs in address order, as inclusive [start, end] offsets. */
  *freeRuns(): IterableIterator<[Offset, Offset]> {
    this.settle();
    for (const r of this.index) yield [r.start, r.end];
  }

  get freeRunCount(): number {
    return this.index.size + (this.loose === undefined ? 0 : 1);
  }

  /** Allocated offsets with their owners, in allocation (insertion) order. */
  entries(): IterableIterator<[Offset, T]> {
    return this.owners.entries();
  }

  /** A run lost addresses: its size (the primary heap key) only decreased, so it can only rise. */
  private shrunk(r: Run): void {
    rekey(r);
    this.heap.shrunk(r.heapIdx);
  }

  /** A run gained addresses: its size only increased, so it can only sink. */
  private grew(r: Run): void {
    rekey(r);
    this.heap.grew(r.heapIdx);
  }

  /** Puts the loose address into the index and the heap as a one-address run. */
  private settle(): void {
    const off = this.loose;
    if (off === undefined) return;
    this.loose = undefined;
    this.addRun(this.newRun(off, off));
  }

  private addRun(r: Run): void {
    this.index.insert(r);
    this.heap.push(r);
  }

  private removeRun(r: Run): void {
    this.heap.remove(r);
    this.index.remove(r);
    if (this.spare.length < SPARE_MAX) this.spare.push(r);
  }

  private newRun(start: Offset, end: Offset): Run {
    const r = this.spare.pop();
    if (r === undefined) return newRun(start, end);
    r.start = start;
    r.end = end;
    if (start === end) r.key = 0; // an isolated free address: the common churn case
    else rekey(r);
    return r;
  }
}

/** Size of a free run [start, end]. */
export function runLength(start: Offset, end: Offset): Offset {
  return offsetInc(offsetSub(end, start));
}
