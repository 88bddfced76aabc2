import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { RangeAllocator } from "../../../src/core/ipam/allocator.ts";
import { normOffset } from "../../../src/core/ip.ts";

test("allocAny hands out addresses upward in a fresh range (spec §3.5)", () => {
  const a = new RangeAllocator<string>(4);
  assert.deepEqual([a.allocAny("a"), a.allocAny("b"), a.allocAny("c"), a.allocAny("d"), a.allocAny("e")], [0, 1, 2, 3, undefined]);
  assert.equal(a.full, true);
  assert.equal(a.used, 4);
  assert.equal(a.available(), 0n);
});

test("lowest address of the smallest free run, not the lowest free address (spec §3.5)", () => {
  const cases: { name: string; size: number; take: number[]; free?: number[]; next: number[] }[] = [
    { name: "request near the top: the small high run is used first", size: 256, take: [250], next: [251, 252, 253, 254, 255, 0] },
    { name: "request a few above the start: the run below is smaller", size: 256, take: [3], next: [0, 1, 2, 4] },
    { name: "a freed isolated hole is refilled before the tail", size: 16, take: [0, 1, 2, 3, 4], free: [2], next: [2, 5] },
    { name: "ties between equal runs go to the lowest address", size: 9, take: [4], next: [0, 1, 2, 3, 5] },
  ];
  for (const c of cases) {
    const a = new RangeAllocator<string>(c.size);
    for (const t of c.take) assert.equal(a.alloc(t, "x"), "ok", c.name);
    for (const f of c.free ?? []) assert.equal(a.free(f), true, c.name);
    assert.deepEqual(c.next.map(() => a.allocAny("g")), c.next, c.name);
  }
});

test("specific allocation: in-use, out-of-range, split and merge on free (spec §3.5)", () => {
  const a = new RangeAllocator<string>(10);
  assert.equal(a.alloc(5, "a"), "ok");
  assert.equal(a.alloc(5, "b"), "in-use");
  assert.equal(a.alloc(10, "b"), "out-of-range");
  assert.equal(a.alloc(-1, "b"), "out-of-range");
  assert.deepEqual([...a.freeRuns()], [[0, 4], [6, 9]]);
  assert.equal(a.get(5), "a");
  assert.equal(a.free(5), true);
  assert.equal(a.free(5), false);
  assert.deepEqual([...a.freeRuns()], [[0, 9]]);
  assert.equal(a.update(3, "z"), false);
});

test("a /64 and a /48 cost the same as a /24: offsets above 2^53 stay exact (issue: big ranges)", () => {
  const a = new RangeAllocator<string>(2n ** 80n);
  const top = 2n ** 80n - 1n;
  assert.equal(a.alloc(top - 2n, "t"), "ok");
  assert.equal(a.alloc(2n ** 60n, "m"), "ok");
  assert.equal(a.allocAny("x"), top - 1n, "the two-address high run is the smallest");
  assert.equal(a.allocAny("y"), top);
  assert.equal(a.allocAny("z"), 0, "then the low run, whose offsets are plain numbers");
  assert.equal(a.available(), 2n ** 80n - 5n);
  assert.equal(a.freeRunCount, 2);
  assert.equal(a.free(top), true);
  assert.equal(a.free(top - 1n), true);
  assert.deepEqual([...a.freeRuns()].map(([s, e]) => [BigInt(s), BigInt(e)]), [[1n, 2n ** 60n - 1n], [2n ** 60n + 1n, top - 3n], [top - 1n, top]]);
});

for (const [N, maxOps, runs] of [[40, 200, 300], [3000, 4000, 12]] as const)
test(`property: matches a naive model of 'smallest run, lowest address' under random alloc/free (range of ${N})`, () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom("any", "at", "at", "free"), fc.nat(N - 1)), { maxLength: maxOps, minLength: maxOps / 2 }), (ops) => {
      const a = new RangeAllocator<number>(N);
      const used = new Set<number>();
      const naiveAny = (): number | undefined => {
        let best: [number, number] | undefined;
        for (let i = 0; i < N; ) {
          if (used.has(i)) { i++; continue; }
          let j = i;
          while (j + 1 < N && !used.has(j + 1)) j++;
          if (!best || j - i < best[1] - best[0]) best = [i, j];
          i = j + 1;
        }
        return best?.[0];
      };
      for (const [op, n] of ops) {
        if (op === "any") {
          const want = naiveAny();
          assert.equal(a.allocAny(n), want);
          if (want !== undefined) used.add(want);
        } else if (op === "at") {
          assert.equal(a.alloc(n, n), used.has(n) ? "in-use" : "ok");
          used.add(n);
        } else {
          assert.equal(a.free(n), used.delete(n));
        }
        assert.equal(a.used, used.size);
        assert.equal(a.full, used.size === N);
      }
      // The free runs are exactly the complement of the used set.
      const runs: [number, number][] = [];
      for (let i = 0; i < N; i++) {
        if (used.has(i)) continue;
        const last = runs[runs.length - 1];
        if (last && last[1] === i - 1) last[1] = i;
        else runs.push([i, i]);
      }
      assert.equal(a.freeRunCount, runs.length);
      assert.deepEqual([...a.freeRuns()], runs);
    }),
    { numRuns: runs },
  );
});

// Offsets on both sides of 2^32 − 1 (where the owner table hands over to a Map) and of 2^53
// (where offsets become bigints), in a /48-sized range, against a sparse model of the used set.
test("property: matches the model with offsets around 2^32 and 2^53 in a huge range", () => {
  const S = 2n ** 80n;
  const near = (b: bigint) => fc.bigInt({ min: b - 3n, max: b + 3n });
  const off = fc.oneof(near(3n), near(2n ** 32n - 1n), near(2n ** 53n), near(S - 4n)).map(normOffset);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom("any", "at", "free", "free"), off), { maxLength: 150 }), (ops) => {
      const a = new RangeAllocator<string>(S);
      const used = new Set<bigint>();
      const smallestRunStart = (): bigint => {
        const u = [...used].sort((x, y) => (x < y ? -1 : 1));
        let best: [bigint, bigint] | undefined;
        let from = 0n;
        for (const x of [...u, S]) {
          if (x > from && (!best || x - from < best[1])) best = [from, x - from];
          from = x + 1n;
        }
        return best![0];
      };
      for (const [op, o] of ops) {
        const b = BigInt(o);
        if (op === "any") {
          const want = smallestRunStart();
          const got = a.allocAny("g");
          assert.equal(got, normOffset(want), "canonical offset of the lowest address of the smallest run");
          used.add(want);
        } else if (op === "at") {
          assert.equal(a.alloc(o, "s"), used.has(b) ? "in-use" : "ok");
          used.add(b);
        } else {
          assert.equal(a.free(o), used.delete(b));
        }
        assert.equal(a.get(o) !== undefined, used.has(b));
        assert.equal(a.used, used.size);
        assert.equal(a.available(), S - BigInt(used.size));
      }
      const gaps = [...a.freeRuns()].length;
      assert.equal(a.freeRunCount, gaps);
    }),
    { numRuns: 200 },
  );
});
