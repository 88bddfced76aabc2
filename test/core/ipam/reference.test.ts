// Issue 15: the near-linear engine (address index, selector classes, sharing-group index and
// cursors, conflict tree) must pick exactly what the straightforward scan picked. Random pools
// with selectors, several and overlapping blocks, conflicts, sharing keys, requested IPs and
// existing status run through both (test/helpers/lbipam-reference.ts is the scan), and every
// allocation, condition, ingress list, conflict message and allocator state must agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { DEFAULT_SETTINGS, decodePool, decodeService, runLbIpam, isGroup, type LbIpamResult, type PoolSpec, type Raw, type ServiceInput } from "../../../src/core/ipam/index.ts";
import { settleConflicts } from "../../../src/core/ipam/conflicts.ts";
import { RangeIndex } from "../../../src/core/ipam/range-index.ts";
import { groupIncompatibility, SharingGroupIndex } from "../../../src/core/ipam/sharing.ts";
import { rangeFromStartStop, rangesOverlap } from "../../../src/core/range.ts";
import { formatIp } from "../../../src/core/ip.ts";
import type { PoolState, SvcState } from "../../../src/core/ipam/state.ts";
import { runLbIpamReference, settleConflictsReference } from "../../helpers/lbipam-reference.ts";
import { genPoolObject, genServiceObject, type GenPool, type GenSvc } from "../../helpers/lbipam.ts";

const RUNS = Number(process.env["LBCTL_FC_RUNS"] ?? 400);

// A small address space, so that blocks overlap, pools fill up and requests collide.
const v4 = fc.integer({ min: 0, max: 47 }).map((d) => `10.0.0.${d}`);
const v6 = fc.integer({ min: 0, max: 15 }).map((d) => `2001:db8::${d.toString(16)}`);
const anyIp = fc.oneof({ weight: 3, arbitrary: v4 }, { weight: 1, arbitrary: v6 });

const block = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 47 }), fc.integer({ min: 28, max: 32 })).map(([d, p]) => ({ cidr: `10.0.0.${d}/${p}` })),
  fc.tuple(fc.integer({ min: 0, max: 47 }), fc.integer({ min: 0, max: 5 })).map(([d, n]) => ({ start: `10.0.0.${d}`, stop: `10.0.0.${Math.min(d + n, 63)}` })),
  fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 124, max: 128 })).map(([d, p]) => ({ cidr: `2001:db8::${d.toString(16)}/${p}` })),
);

const selector = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  fc.constantFrom("a", "b").map((t) => ({ matchLabels: { team: t } })),
  fc.constantFrom("a", "b").map((t) => ({ matchLabels: { team: t, tier: "x" } })),
  fc.constantFrom("ns-a", "ns-b").map((ns) => ({ matchLabels: { "io.kubernetes.service.namespace": ns } })),
  fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist").map((op) => ({
    matchExpressions: [{ key: "team", operator: op, ...(op === "In" || op === "NotIn" ? { values: ["a"] } : {}) }],
  })),
  fc.constant({ matchLabels: {} }),
  fc.constant({ matchExpressions: [{ key: "tier", operator: "Exists" }, { key: "team", operator: "In", values: ["a", "b"] }] }),
  fc.constant({ matchExpressions: [{ key: "team", operator: "In", values: ["b", "c"] }] }),
);

const poolArb = fc.record({
  blocks: fc.array(block, { minLength: 1, maxLength: 4 }),
  disabled: fc.boolean().map((b) => b && Math.random() < 0.2),
  aflip: fc.constantFrom(undefined, "Yes", "No"),
  selector,
  created: fc.constantFrom(undefined, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"),
});

const svcArb = fc.record({
  ns: fc.constantFrom("ns-a", "ns-b", "ns-c"),
  team: fc.constantFrom(undefined, "a", "b"),
  tier: fc.constantFrom(undefined, "x"),
  key: fc.constantFrom("", "k1", "k1", "k2"),
  cross: fc.constantFrom(undefined, "*", "*", "ns-a", "ns-b", "ns-a,ns-c"),
  ips: fc.array(anyIp, { maxLength: 3 }),
  useIps: fc.boolean().map((b) => b && Math.random() < 0.4),
  // Mostly one port of several, so that many Services of a key can share; sometimes colliding.
  ports: fc.oneof(fc.subarray([80, 443, 53, 8080, 9090, 25], { minLength: 1, maxLength: 1 }), fc.subarray([80, 443, 53]), fc.constant<number[]>([])),
  proto: fc.constantFrom("TCP", "UDP", undefined),
  etp: fc.constantFrom(undefined, undefined, "Cluster", "Local"),
  app: fc.constantFrom(undefined, "x", "y"),
  permit: fc.constantFrom(undefined, "true"),
  policy: fc.constantFrom(undefined, "SingleStack", "PreferDualStack", "RequireDualStack"),
  families: fc.constantFrom(undefined, ["IPv4"], ["IPv6"], ["IPv6", "IPv4"]),
  cls: fc.constantFrom(undefined, undefined, undefined, "io.cilium/l2-announcer", "other/x"),
  ingress: fc.array(anyIp, { maxLength: 3 }),
  condition: fc.boolean(),
});

function specs(pools: readonly GenPool[]): PoolSpec[] {
  return pools.map((p, i) => {
    const d = decodePool(genPoolObject(p, i), i);
    assert.ok(d.ok, JSON.stringify(d));
    return d.pool;
  });
}

function inputs(svcs: readonly GenSvc[], withStatus: boolean): ServiceInput[] {
  return svcs.map((s, i) => {
    const obj = genServiceObject(s, i, withStatus);
    const d = decodeService(obj, i);
    const status = (obj["status"] ?? {}) as Raw;
    return { spec: d.svc!, ingress: (status["loadBalancer"] as Raw | undefined)?.["ingress"], conditions: status["conditions"] };
  });
}

/** Everything an engine decided, in comparable form. */
function outcome(pools: readonly PoolState[], services: readonly SvcState[]): unknown {
  const name = (s: SvcState): string => `${s.spec.namespace}/${s.spec.name}`;
  return {
    pools: pools.map((p) => ({
      conflict: p.conflict,
      ranges: p.ranges.map((r) => ({
        owners: [...r.alloc.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([off, o]) => [String(off), isGroup(o) ? [o.text, o.key, o.range.pool.spec.name, o.members.map(name)] : "reserved"]),
        free: [...r.alloc.freeRuns()].map(([a, b]) => `${a}-${b}`),
      })),
    })),
    services: services.map((s) => ({
      name: name(s), ignored: s.ignored, release: s.release, ingress: s.ingress, changed: s.ingressChanged, condition: s.condition,
      allocs: s.allocs.map((g) => [g.text, g.range.pool.spec.name]),
    })),
  };
}

const scenario = fc.record({
  pools: fc.array(poolArb, { minLength: 1, maxLength: 7 }),
  svcs: fc.array(svcArb, { maxLength: 16 }),
  later: fc.array(svcArb, { maxLength: 4 }),
  withStatus: fc.boolean(),
  quirks: fc.boolean(),
  v4: fc.boolean().map((b) => b || Math.random() < 0.7),
  v6: fc.boolean(),
});

// Many Services of one key, alike but for a port, a label or a requested IP: what the group
// cursors skip by (a Service's profile, a port, an ETP, a namespace) must never skip a group
// another Service could still join.
const crowdSvc = fc.record({
  ns: fc.constantFrom("ns-a", "ns-b"),
  team: fc.constantFrom(undefined, "a", "b"),
  tier: fc.constant(undefined),
  key: fc.constant("k1"),
  cross: fc.constantFrom(undefined, undefined, undefined, "*"),
  ips: fc.array(fc.integer({ min: 0, max: 5 }).map((d) => `10.0.0.${d}`), { maxLength: 4 }),
  useIps: fc.boolean(),
  ports: fc.oneof(
    { weight: 3, arbitrary: fc.subarray([80, 443, 53], { minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.subarray([80, 443, 53], { minLength: 2 }) },
    { weight: 1, arbitrary: fc.constant<number[]>([]) },
  ),
  proto: fc.constant(undefined),
  etp: fc.constantFrom(undefined, undefined, undefined, "Local"),
  app: fc.constantFrom("x", "y", undefined),
  permit: fc.constantFrom(undefined, undefined, "true"),
  policy: fc.constant(undefined),
  families: fc.constant(undefined),
  cls: fc.constant(undefined),
  ingress: fc.array(fc.integer({ min: 0, max: 5 }).map((d) => `10.0.0.${d}`), { maxLength: 4 }),
  condition: fc.boolean(),
});
const crowd = fc.record({
  pools: fc.array(
    fc.record({
      blocks: fc.array(fc.integer({ min: 0, max: 11 }).map((d) => ({ start: `10.0.0.${d}`, stop: `10.0.0.${d}` })), { minLength: 1, maxLength: 3 }),
      disabled: fc.constant(false),
      aflip: fc.constant(undefined),
      selector: fc.constantFrom(undefined, { matchLabels: { team: "a" } }, { matchLabels: { team: "b" } }, { matchExpressions: [{ key: "team", operator: "In", values: ["a", "b"] }] }),
      created: fc.constant(undefined),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  svcs: fc.array(crowdSvc, { maxLength: 24 }),
  later: fc.array(crowdSvc, { maxLength: 4 }),
  withStatus: fc.boolean(),
  quirks: fc.boolean(),
  v4: fc.constant(true),
  v6: fc.constant(false),
});

test("reference: the optimized engine allocates exactly as the straightforward scan, batch and add()", () => {
  let shared = 0;
  let conflicts = 0;
  let requested = 0;
  let pending = 0;
  fc.assert(
    fc.property(fc.oneof(scenario, crowd), (sc) => {
      const settings = { ...DEFAULT_SETTINGS, enableIPv4: sc.v4, enableIPv6: sc.v6, ciliumRestartQuirks: sc.quirks };
      const fast: LbIpamResult = runLbIpam(specs(sc.pools), inputs(sc.svcs, sc.withStatus), settings);
      const ref = runLbIpamReference(specs(sc.pools), inputs(sc.svcs, sc.withStatus), settings);
      // add(): Services arriving after the batch, with their own numbering.
      const later = (): ServiceInput[] => inputs(sc.later, sc.withStatus).map((x, i) => ({ ...x, spec: { ...x.spec, name: `late${i}` } }));
      later().forEach((x) => fast.add(x));
      later().forEach((x) => ref.add(x));
      assert.deepEqual(outcome(fast.pools, fast.services), outcome(ref.pools, ref.services));
      conflicts += fast.pools.filter((p) => p.conflict !== undefined).length;
      for (const s of fast.services) {
        if (s.allocs.some((g) => g.members.length > 1)) shared++;
        if (s.spec.requested.length > 0) requested++;
        if (s.condition && s.condition.status === "False") pending++;
      }
    }),
    { numRuns: RUNS },
  );
  // The generator must exercise what the optimized paths replace.
  assert.ok(shared > 100 && conflicts > 100 && requested > 100 && pending > 100, `shared ${shared}, conflicts ${conflicts}, requested ${requested}, pending ${pending}`);
});

test("reference: conflict settling matches the scan, with duplicate names, ties and overlap storms", () => {
  const rangeArb = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 8 })).map(([d, n]) => {
    const r = rangeFromStartStop(`10.0.0.${d}`, `10.0.0.${d + n}`);
    assert.ok(r.ok);
    return r.range;
  });
  const poolsArb = fc.array(
    fc.record({ name: fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h", "a"), created: fc.constantFrom(0, 1, 2), blocks: fc.array(rangeArb, { minLength: 1, maxLength: 5 }) }),
    { minLength: 1, maxLength: 12 },
  );
  let marked = 0;
  fc.assert(
    fc.property(poolsArb, (raw) => {
      const pools: PoolSpec[] = raw.map((p, order) => ({
        name: p.name, order, created: p.created, generation: 0, disabled: false, reserveFirstLast: false, selector: undefined,
        blocks: p.blocks.map((range, i) => ({ range, isCidr: false, path: ["spec", "blocks", i] })),
      }));
      const got = settleConflicts(pools);
      assert.deepEqual([...got].sort(), [...settleConflictsReference(pools)].sort());
      marked += got.size;
    }),
    { numRuns: RUNS * 3 },
  );
  assert.ok(marked > 500, `marked ${marked}`);
});

test("reference: the sharing-group index names the same first incompatible member as the scan", () => {
  fc.assert(
    fc.property(fc.array(svcArb, { minLength: 1, maxLength: 10 }), svcArb, (members, probe) => {
      const ms = inputs(members, false).map((x) => ({ spec: x.spec }));
      const svc = inputs([probe], false)[0]!.spec;
      const index = new SharingGroupIndex(ms.slice(0, 1));
      for (const m of ms.slice(1)) index.add(m.spec);
      assert.equal(index.incompatibility(svc), groupIncompatibility(svc, ms));
      // The incremental form (members added after a query) agrees too.
      const late = new SharingGroupIndex([]);
      ms.forEach((m, i) => {
        late.add(m.spec);
        assert.equal(late.incompatibility(svc), groupIncompatibility(svc, ms.slice(0, i + 1)));
      });
    }),
    { numRuns: RUNS * 3 },
  );
});

test("reference: the range index finds exactly the ranges holding an address or meeting an interval", () => {
  const r = fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 10 })).map(([d, n]) => {
    const x = rangeFromStartStop(`10.0.0.${d}`, `10.0.0.${d + n}`);
    assert.ok(x.ok);
    return x.range;
  });
  fc.assert(
    fc.property(fc.array(r, { maxLength: 20 }), r, (ranges, q) => {
      const got = new RangeIndex(ranges).overlapping(q.from, q.to);
      const want = ranges.flatMap((x, i) => (rangesOverlap(x, q) ? [i] : []));
      assert.deepEqual(got, want, `${formatIp(q.from)}-${formatIp(q.to)}`);
    }),
    { numRuns: RUNS * 3 },
  );
});
