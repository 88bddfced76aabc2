// Allocated offset → owner. A JS Map costs ~1 µs per delete+set under churn and ~40 B/entry, so
// offsets below 2^53 live in an open-addressing table (linear probing, backward-shift deletion:
// no tombstones) over a Float64Array; the rare offsets above 2^53 (deep inside a /48) use a Map.
import type { Offset } from "../ip.ts";

const EMPTY = -1;
const MIN_BITS = 4;

export class OffsetMap<T> {
  private keys: Float64Array;
  private vals: (T | undefined)[];
  private bits: number;
  private count = 0;
  private big: Map<bigint, T> | undefined;

  constructor() {
    this.bits = MIN_BITS;
    this.keys = new Float64Array(1 << MIN_BITS).fill(EMPTY);
    this.vals = new Array<T | undefined>(1 << MIN_BITS);
  }

  get size(): number {
    return this.count + (this.big?.size ?? 0);
  }

  /** Home slot: Fibonacci hashing of the low and high 32-bit halves (identity hashing would
   * pack dense offsets into one long probe cluster). */
  private home(k: number): number {
    const h = Math.imul((k >>> 0) ^ Math.imul((k / 4294967296) | 0, 0x85ebca6b), 0x9e3779b1);
    return h >>> (32 - this.bits);
  }

  private find(k: number): number {
    const mask = (1 << this.bits) - 1;
    const keys = this.keys;
    let i = this.home(k);
    for (;;) {
      const x = keys[i]!;
      if (x === k) return i;
      if (x === EMPTY) return -1;
      i = (i + 1) & mask;
    }
  }

  get(k: Offset): T | undefined {
    if (typeof k === "bigint") return this.big?.get(k);
    const i = this.find(k);
    return i < 0 ? undefined : this.vals[i];
  }

  has(k: Offset): boolean {
    if (typeof k === "bigint") return this.big?.has(k) ?? false;
    return this.find(k) >= 0;
  }

  set(k: Offset, v: T): void {
    this.add(k, v, true);
  }

  /** Inserts when absent (one probe sequence); false if the key was already present. */
  add(k: Offset, v: T, replace = false): boolean {
    if (typeof k === "bigint") {
      const big = (this.big ??= new Map());
      if (!replace && big.has(k)) return false;
      big.set(k, v);
      return true;
    }
    const mask = (1 << this.bits) - 1;
    const keys = this.keys;
    let i = this.home(k);
    for (;;) {
      const x = keys[i]!;
      if (x === k) {
        if (replace) this.vals[i] = v;
        return false;
      }
      if (x === EMPTY) break;
      i = (i + 1) & mask;
    }
    keys[i] = k;
    this.vals[i] = v;
    // Keep the load ≤ 0.7 (≈ 23–46 B per entry).
    if (++this.count * 10 > (mask + 1) * 7) this.grow();
    return true;
  }

  delete(k: Offset): boolean {
    if (typeof k === "bigint") return this.big?.delete(k) ?? false;
    let i = this.find(k);
    if (i < 0) return false;
    const mask = (1 << this.bits) - 1;
    const keys = this.keys;
    const vals = this.vals;
    // Backward-shift: move later entries of the probe chain into the hole.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const x = keys[j]!;
      if (x === EMPTY) break;
      const h = this.home(x);
      const stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (stays) continue;
      keys[i] = x;
      vals[i] = vals[j];
      i = j;
    }
    keys[i] = EMPTY;
    vals[i] = undefined;
    this.count--;
    return true;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    this.bits++;
    this.keys = new Float64Array(1 << this.bits).fill(EMPTY);
    this.vals = new Array<T | undefined>(1 << this.bits);
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!;
      if (k !== EMPTY) this.set(k, oldVals[i] as T);
    }
  }

  /** Entries in table order (callers sort when they need address order). */
  *entries(): IterableIterator<[Offset, T]> {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) yield [keys[i]!, this.vals[i] as T];
    if (this.big) yield* this.big.entries();
  }
}
