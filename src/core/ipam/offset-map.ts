// Allocated offset → owner. A JS Map costs ~1 µs per delete+set under churn and ~40 B/entry, so
// offsets below 2^32 − 1 (every IPv4 range, and the low part of IPv6 ranges where generic
// allocation starts) live in an open-addressing table (linear probing, backward-shift deletion:
// no tombstones) over a Uint32Array; the rare larger offsets (specific requests deep inside a
// /64 or /48) use a Map. 32-bit keys rather than 64-bit floats halve the table the churn path
// misses the cache on (8 MB instead of 16 MB at 1M addresses), which is worth ~15% there.
import type { Offset } from "../ip.ts";

/** Also the first key that does not fit the table. */
const EMPTY = 0xffffffff;
const MIN_BITS = 4;

export class OffsetMap<T> {
  private keys: Uint32Array;
  private vals: (T | undefined)[];
  private bits: number;
  private count = 0;
  /** Offsets ≥ EMPTY (numbers or bigints: canonical offsets never collide across the two). */
  private big: Map<Offset, T> | undefined;

  constructor() {
    this.bits = MIN_BITS;
    this.keys = new Uint32Array(1 << MIN_BITS).fill(EMPTY);
    this.vals = new Array<T | undefined>(1 << MIN_BITS);
  }

  get size(): number {
    return this.count + (this.big?.size ?? 0);
  }

  /** Home slot: Fibonacci hashing (identity hashing would pack dense offsets into one long
   * probe cluster). */
  private home(k: number): number {
    return Math.imul(k, 0x9e3779b1) >>> (32 - this.bits);
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
    if (typeof k === "bigint" || k >= EMPTY) return this.big?.get(k);
    const i = this.find(k);
    return i < 0 ? undefined : this.vals[i];
  }

  has(k: Offset): boolean {
    if (typeof k === "bigint" || k >= EMPTY) return this.big?.has(k) ?? false;
    return this.find(k) >= 0;
  }

  set(k: Offset, v: T): void {
    this.add(k, v, true);
  }

  /** Inserts when absent (one probe sequence); false if the key was already present. */
  add(k: Offset, v: T, replace = false): boolean {
    if (typeof k === "bigint" || k >= EMPTY) {
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
    // Keep the load ≤ 0.7 (≈ 17–34 B per entry: 4 B key + 8 B value per slot).
    if (++this.count * 10 > (mask + 1) * 7) this.grow();
    return true;
  }

  delete(k: Offset): boolean {
    if (typeof k === "bigint" || k >= EMPTY) return this.big?.delete(k) ?? false;
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
    this.keys = new Uint32Array(1 << this.bits).fill(EMPTY);
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
