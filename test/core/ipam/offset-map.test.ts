// OffsetMap keeps offsets below 2^32 − 1 in a Uint32 open-addressing table and everything larger
// (numbers up to 2^53, then bigints) in a Map: both halves must behave as one Map<Offset, T>.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { OffsetMap } from "../../../src/core/ipam/offset-map.ts";
import { normOffset, type Offset } from "../../../src/core/ip.ts";

// Keys clustered where the representation changes, plus dense small ones (long probe chains).
const key: fc.Arbitrary<Offset> = fc.oneof(
  fc.nat(64),
  fc.integer({ min: 0, max: 2 ** 40 }),
  fc.integer({ min: -4, max: 4 }).map((d) => 2 ** 32 - 1 + d),
  fc.bigInt({ min: 2n ** 53n - 3n, max: 2n ** 53n + 3n }).map(normOffset),
  fc.bigInt({ min: 0n, max: 2n ** 80n }).map(normOffset),
);

test("property: OffsetMap behaves like a Map<Offset, T> across the 2^32 and 2^53 boundaries", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom("add", "set", "delete", "delete"), key), { maxLength: 400 }), (ops) => {
      const m = new OffsetMap<number>();
      const model = new Map<Offset, number>();
      ops.forEach(([op, k], i) => {
        if (op === "add") {
          const absent = !model.has(k);
          assert.equal(m.add(k, i), absent, "add inserts only when absent");
          if (absent) model.set(k, i);
        } else if (op === "set") {
          m.set(k, i);
          model.set(k, i);
        } else {
          assert.equal(m.delete(k), model.delete(k));
        }
        assert.equal(m.size, model.size);
        assert.equal(m.get(k), model.get(k));
        assert.equal(m.has(k), model.has(k));
      });
      const sortKey = ([k]: [Offset, number]): bigint => BigInt(k);
      const sorted = (xs: [Offset, number][]) => xs.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
      assert.deepEqual(sorted([...m.entries()]), sorted([...model.entries()]));
    }),
    { numRuns: 300 },
  );
});
