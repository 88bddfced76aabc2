// fast-check properties over random pools and Services (issue 2): no address held by two
// Services unless they are sharing-compatible; every address lies in an enabled pool that selects
// its Service; re-running on the output is a fixed point; decoders never throw.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { computePoolPlan, planList } from "../../../src/core/ipam/plan.ts";
import { parseText, type ManifestObject, type ManifestProblem } from "../../../src/adapters/manifests/load.ts";
import { decodePool, decodeService, DEFAULT_SETTINGS, rangeEnabled, type LbIpamSettings, type Raw } from "../../../src/core/ipam/index.ts";
import { incompatibility } from "../../../src/core/ipam/sharing.ts";
import { selectorMatches } from "../../../src/core/ipam/selector.ts";
import { rangeContains } from "../../../src/core/range.ts";
import { parseIp, formatIp } from "../../../src/core/ip.ts";
import { genPoolObject, genServiceObject, NOW, planInputs } from "../../helpers/lbipam.ts";

const v4 = fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 40 })).map(([c, d]) => `10.0.${c}.${d}`);
const v6 = fc.integer({ min: 0, max: 12 }).map((d) => `2001:db8::${d.toString(16)}`);
const anyIp = fc.oneof({ weight: 4, arbitrary: v4 }, { weight: 1, arbitrary: v6 });

const block = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 28, max: 32 })).map(([c, d, p]) => ({ cidr: `10.0.${c}.${d}/${p}` })),
  fc.tuple(v4, fc.integer({ min: 0, max: 6 })).map(([s, n]) => {
    const ip = parseIp(s)!;
    return { start: s, stop: formatIp({ ...ip, w3: Math.min(ip.w3 + n, 0x0a0001ff) }) };
  }),
  fc.integer({ min: 0, max: 8 }).map((d) => ({ cidr: `2001:db8::${(d * 4).toString(16)}/126` })),
);

const selector = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("a", "b").map((t) => ({ matchLabels: { team: t } })),
  fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist").map((op) => ({
    matchExpressions: [{ key: "team", operator: op, ...(op === "In" || op === "NotIn" ? { values: ["a"] } : {}) }],
  })),
);

const poolArb = fc.record({
  blocks: fc.array(block, { minLength: 1, maxLength: 2 }),
  disabled: fc.boolean().map((b) => b && Math.random() < 0.3),
  aflip: fc.constantFrom(undefined, "Yes", "No"),
  selector,
  created: fc.constantFrom(undefined, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"),
});

const svcArb = fc.record({
  ns: fc.constantFrom("a", "b"),
  team: fc.constantFrom(undefined, "a", "b"),
  key: fc.constantFrom("", "k1", "k2"),
  cross: fc.constantFrom(undefined, "*", "a", "b"),
  ips: fc.array(anyIp, { maxLength: 2 }),
  useIps: fc.boolean().map((b) => b && Math.random() < 0.4),
  ports: fc.subarray([80, 443, 53]),
  proto: fc.constantFrom("TCP", "UDP", undefined),
  etp: fc.constantFrom(undefined, "Cluster", "Local"),
  app: fc.constantFrom(undefined, "x", "y"),
  policy: fc.constantFrom(undefined, "SingleStack", "PreferDualStack", "RequireDualStack"),
  families: fc.constantFrom(undefined, ["IPv4"], ["IPv6"], ["IPv6", "IPv4"]),
  cls: fc.constantFrom(undefined, undefined, undefined, "io.cilium/l2-announcer", "other/x"),
  ingress: fc.array(anyIp, { maxLength: 2 }),
});

type P = typeof poolArb extends fc.Arbitrary<infer T> ? T : never;
type S = typeof svcArb extends fc.Arbitrary<infer T> ? T : never;

function objects(pools: P[], svcs: S[], withStatus: boolean): Raw[] {
  return [...pools.map(genPoolObject), ...svcs.map((s, i) => genServiceObject(s, i, withStatus))];
}

const scenario = fc.record({
  pools: fc.array(poolArb, { minLength: 1, maxLength: 4 }),
  svcs: fc.array(svcArb, { maxLength: 12 }),
  withStatus: fc.boolean(),
  quirks: fc.boolean(),
  v4: fc.boolean().map((b) => b || Math.random() < 0.7),
  v6: fc.boolean(),
});

function plan(objs: Raw[], settings: LbIpamSettings) {
  return computePoolPlan(planInputs(objs, "prop.yaml"), settings, NOW);
}

test("property: no address is held by two Services unless they are sharing-compatible (§2.3)", () => {
  let shared = 0;
  let held = 0;
  fc.assert(
    fc.property(scenario, (sc) => {
      const settings = { ...DEFAULT_SETTINGS, enableIPv4: sc.v4, enableIPv6: sc.v6, ciliumRestartQuirks: sc.quirks };
      const p = plan(objects(sc.pools, sc.svcs, sc.withStatus), settings);
      const holders = new Map<string, typeof p.result.services>();
      for (const s of p.result.services) {
        if (s.ignored !== undefined) continue;
        for (const e of s.ingress) {
          const ip = formatIp(parseIp((e as Raw)["ip"] as string)!);
          holders.set(ip, [...(holders.get(ip) ?? []), s]);
        }
      }
      held += holders.size;
      for (const [ip, list] of holders)
        if (list.length > 1) shared++;
      for (const [ip, list] of holders)
        for (let i = 0; i < list.length; i++)
          for (let j = i + 1; j < list.length; j++) {
            const a = list[i]!.spec;
            const b = list[j]!.spec;
            assert.notEqual(a.sharingKey, "", `${ip} shared without a key`);
            assert.equal(incompatibility(a, b), undefined, `${ip}: ${a.name} and ${b.name}`);
          }
    }),
    { numRuns: 400 },
  );
  // The generator must actually exercise allocation and sharing.
  assert.ok(held > 200 && shared > 10, `held ${held}, shared ${shared}`);
});

test("property: every address lies in an enabled pool that selects its Service (§2.6, §3.6; restart semantics)", () => {
  fc.assert(
    fc.property(scenario, (sc) => {
      // From scratch, or with existing status under ciliumRestartQuirks (which keeps nothing
      // from disabled/conflicting pools), every held address must be justified.
      const settings = { ...DEFAULT_SETTINGS, enableIPv4: sc.v4, enableIPv6: sc.v6, ciliumRestartQuirks: sc.withStatus || sc.quirks };
      const p = plan(objects(sc.pools, sc.svcs, sc.withStatus), settings);
      for (const s of p.result.services) {
        if (s.ignored !== undefined) continue;
        for (const e of s.ingress) {
          const ip = parseIp((e as Raw)["ip"] as string)!;
          const ok = p.result.pools.some((pool) => pool.ranges.some((r) => rangeEnabled(r) && rangeContains(r.block.range, ip)) && selectorMatches(pool.spec.selector, s.spec.labels));
          assert.ok(ok, `${s.spec.name} holds ${formatIp(ip)} outside any enabled selecting pool`);
        }
      }
    }),
    { numRuns: 400 },
  );
});

test("property: re-running on the output is a fixed point (§2.5), through JSON text", () => {
  fc.assert(
    fc.property(scenario, (sc) => {
      const settings = { ...DEFAULT_SETTINGS, enableIPv4: sc.v4, enableIPv6: sc.v6, ciliumRestartQuirks: sc.quirks };
      const first = JSON.stringify(planList(plan(objects(sc.pools, sc.svcs, sc.withStatus), settings)));
      const objs: ManifestObject[] = [];
      const problems: ManifestProblem[] = [];
      parseText(first, "out.json", objs, problems);
      assert.deepEqual(problems, []);
      const second = JSON.stringify(planList(computePoolPlan(objs, settings, "2030-01-01T00:00:00Z")));
      assert.equal(second, first);
    }),
    { numRuns: Number(process.env["LBCTL_FC_RUNS"] ?? 300) },
  );
});

test("property: pool/Service decoders and the manifest parser never throw on arbitrary input", () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      const wrap = (spec: unknown): Raw => ({ apiVersion: "cilium.io/v2", kind: "CiliumLoadBalancerIPPool", metadata: { name: "x" }, spec: spec as Raw });
      decodePool(wrap(a), 0);
      decodePool({ spec: { blocks: [a, b], serviceSelector: b } } as Raw, 0);
      decodeService({ apiVersion: "v1", kind: "Service", metadata: a, spec: b } as Raw, 0);
      decodeService({ metadata: { name: "n", annotations: a }, spec: { ports: b, ipFamilies: a } } as Raw, 0);
      computePoolPlan(planInputs([wrap(a), { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: b as Raw, status: a as Raw }], "x"), DEFAULT_SETTINGS, NOW);
    }),
    { numRuns: 1000 },
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (text) => {
      parseText(text, "f", [], []);
    }),
    { numRuns: 500 },
  );
});
