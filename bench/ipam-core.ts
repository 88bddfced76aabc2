// Allocation-core micro benchmarks (one core: run under `taskset -c 0`).
//   node --expose-gc dist/bench/ipam-core.js
// Prints one JSON line per figure. Peer (Cilium pkg/ipalloc, same machine, issue 2): 2.2M generic
// allocs/s (IPv4 /8, IPv6 /64), 1.5M/s churn, ~60 B/address, specific alloc 2.7k/s at 100k taken.
import { RangeAllocator } from "../src/core/ipam/allocator.ts";

const gc = (globalThis as { gc?: () => void }).gc;
const owner = { name: "svc" };

// Rates per wall second and per CPU second (user+sys of this process): on a shared, loaded
// machine the CPU-time rate is the meaningful one, the wall rate is a lower bound.
function timed(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

function report(label: string, ops: number, t: { wall: number; cpu: number }, extra: object = {}): void {
  console.log(JSON.stringify({ bench: label, ops, ...extra, perWallSecond: Math.round(ops / t.wall), perCpuSecond: Math.round(ops / t.cpu) }));
}

function rate(label: string, ops: number, fn: () => void): void {
  report(label, ops, timed(fn));
}

function best(label: string, ops: number, make: () => () => void, runs = 3): void {
  let top = { wall: Infinity, cpu: Infinity };
  for (let i = 0; i < runs; i++) {
    const t = timed(make());
    top = { wall: Math.min(top.wall, t.wall), cpu: Math.min(top.cpu, t.cpu) };
  }
  report(label, ops, top, { bestOf: runs });
}

// Deterministic PRNG (xorshift32) so runs are comparable.
let seed = 2463534242;
function rnd(n: number): number {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed % n;
}

const N = 2_000_000;
best("generic alloc, IPv4 /8", N, () => {
  const a = new RangeAllocator<object>(2 ** 24);
  return () => {
    for (let i = 0; i < N; i++) a.allocAny(owner);
  };
});
best("generic alloc, IPv6 /64", N, () => {
  const a = new RangeAllocator<object>(2n ** 64n);
  return () => {
    for (let i = 0; i < N; i++) a.allocAny(owner);
  };
});
best("generic alloc, IPv6 /48", N, () => {
  const a = new RangeAllocator<object>(2n ** 80n);
  return () => {
    for (let i = 0; i < N; i++) a.allocAny(owner);
  };
});

// Churn: a range holding 1M addresses; each op frees a random held address and allocates again.
{
  const a = new RangeAllocator<object>(2 ** 24);
  const held: number[] = [];
  for (let i = 0; i < 1_000_000; i++) held.push(a.allocAny(owner) as number);
  const C = 1_000_000;
  // Best of 3 like the other rates: the first pass also pays the JIT warm-up of free().
  best("churn (free random + generic alloc), 1M held in a /8", C, () => () => {
    for (let i = 0; i < C; i++) {
      const k = rnd(held.length);
      a.free(held[k]!);
      held[k] = a.allocAny(owner) as number;
    }
  });
}

// Specific allocation with 100k addresses already taken at random (≈100k free runs).
for (const taken of [10_000, 100_000]) {
  const a = new RangeAllocator<object>(2 ** 24);
  for (let i = 0; i < taken; ) if (a.alloc(rnd(2 ** 24), owner) === "ok") i++;
  const S = 200_000;
  const targets: number[] = [];
  for (let i = 0; i < S; i++) targets.push(rnd(2 ** 24));
  rate(`specific alloc, ${taken / 1000}k taken at random in a /8 (${a.freeRunCount} free runs)`, S, () => {
    for (let i = 0; i < S; i++) a.alloc(targets[i]!, owner);
  });
}

// Heap bytes per allocated address (needs --expose-gc).
function bytesPer(label: string, count: number, fill: (a: RangeAllocator<object>) => void, size: number | bigint): void {
  if (!gc) return void console.log(JSON.stringify({ bench: label, skipped: "run node with --expose-gc" }));
  gc();
  gc();
  const before = process.memoryUsage();
  const a = new RangeAllocator<object>(size);
  fill(a);
  gc();
  gc();
  const after = process.memoryUsage();
  // bytesPerAddress counts the JS heap only (the figure tracked since issue 2); typed-array
  // backing stores (the owner table's keys) live outside it and are reported separately.
  const per = (bytes: number): number => +(bytes / a.used).toFixed(1);
  console.log(JSON.stringify({ bench: label, addresses: a.used, bytesPerAddress: per(after.heapUsed - before.heapUsed), arrayBufferBytesPerAddress: per(after.arrayBuffers - before.arrayBuffers), freeRuns: a.freeRunCount }));
}
const M = 1_000_000;
bytesPer("bytes/address, 1M generic in an IPv4 /8", M, (a) => { for (let i = 0; i < M; i++) a.allocAny(owner); }, 2 ** 24);
bytesPer("bytes/address, 1M generic in an IPv6 /64", M, (a) => { for (let i = 0; i < M; i++) a.allocAny(owner); }, 2n ** 64n);
bytesPer("bytes/address, 100k random specific in a /8 (fragmented)", 100_000, (a) => { for (let i = 0; i < 100_000; ) if (a.alloc(rnd(2 ** 24), owner) === "ok") i++; }, 2 ** 24);
