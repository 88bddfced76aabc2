// Property: over random sequences of pool and Service changes, the live controller's statuses
// after each change equal an offline replay — `pool alloc` (computePoolPlan) run on the same
// objects, carrying its own statuses from step to step.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { harness, lbStatus, poolStatus, POOLS, SERVICES, type Harness } from "../../helpers/pool-controller.ts";
import { pool, svc, type SvcOpts } from "../../helpers/lbipam.ts";
import { computePoolPlan } from "../../../src/core/ipam/plan.ts";
import { planInputs } from "../../helpers/lbipam.ts";
import { DEFAULT_SETTINGS, type Raw } from "../../../src/core/ipam/index.ts";

const POOL_VARIANTS: Raw[][] = [
  [pool("pa", ["192.0.2.0/30"])],
  [pool("pa", ["192.0.2.0/29"], { allowFirstLastIPs: "No" })],
  [pool("pa", ["192.0.2.4-192.0.2.6"], { selector: { matchLabels: { tier: "a" } } })],
  [pool("pa", ["192.0.2.0/30"], { disabled: true })],
  [pool("pb", ["198.51.100.0/31"])],
  [pool("pb", ["192.0.2.2-192.0.2.3", "198.51.100.8-198.51.100.8"])], // overlaps pa: conflict
  [pool("pb", ["198.51.100.0/30"], { selector: { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["a"] }] } })],
];
const SVC_VARIANTS: SvcOpts[] = [
  {},
  { labels: { tier: "a" } },
  { type: "ClusterIP" },
  { ann: { "lbipam.cilium.io/ips": "192.0.2.1" } },
  { ann: { "lbipam.cilium.io/ips": "198.51.100.1,192.0.2.5" } },
  { ann: { "lbipam.cilium.io/sharing-key": "k" }, ports: [{ port: 80 }] },
  { ann: { "lbipam.cilium.io/sharing-key": "k" }, ports: [{ port: 81 }] },
  { policy: "RequireDualStack", families: ["IPv4", "IPv6"] },
];

type Op = { kind: "pool"; v: number } | { kind: "delpool"; name: string } | { kind: "svc"; name: string; v: number } | { kind: "delsvc"; name: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.nat(POOL_VARIANTS.length - 1).map((v) => ({ kind: "pool" as const, v })) },
  { weight: 1, arbitrary: fc.constantFrom("pa", "pb").map((name) => ({ kind: "delpool" as const, name })) },
  { weight: 4, arbitrary: fc.record({ name: fc.constantFrom("s0", "s1", "s2", "s3", "s4"), v: fc.nat(SVC_VARIANTS.length - 1) }).map((r) => ({ kind: "svc" as const, ...r })) },
  { weight: 1, arbitrary: fc.constantFrom("s0", "s1", "s2", "s3", "s4").map((name) => ({ kind: "delsvc" as const, name })) },
);

async function apply(h: Harness, o: Op): Promise<void> {
  if (o.kind === "pool") for (const p of POOL_VARIANTS[o.v]!) await h.apply(p);
  else if (o.kind === "svc") await h.apply(svc(o.name, SVC_VARIANTS[o.v]!));
  else await h.remove(o.kind === "delpool" ? POOLS : SERVICES, o.name, o.kind === "delsvc" ? "default" : undefined).catch(() => undefined);
}

const key = (o: Raw): string => `${String(o["kind"])}/${String((o["metadata"] as Raw)["name"])}`;

test("property: live controller statuses == offline `pool alloc` replay, after every change of a random sequence", async () => {
  let fast = 0;
  let passes = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
      const h = await harness();
      try {
        const c = h.start();
        const offline = new Map<string, unknown>(); // object key → status as the replay left it
        for (const o of ops) {
          await apply(h, o);
          await h.settle();
          const pools = (await h.kube.list(POOLS)).items;
          const svcs = (await h.kube.list(SERVICES)).items;
          const live = [...pools, ...svcs];
          const replayIn = live.map((x) => {
            const copy: Raw = { ...x };
            const st = offline.get(key(x));
            if (st === undefined) {
              if (x["kind"] === "Service") copy["status"] = { loadBalancer: {} };
              else delete copy["status"];
            } else copy["status"] = st;
            return copy;
          });
          const plan = computePoolPlan(planInputs(replayIn, "replay"), DEFAULT_SETTINGS, "2026-01-01T00:00:00Z");
          offline.clear();
          for (const x of plan.items) offline.set(key(x), x["status"]);
          plan.items.forEach((want, i) => {
            const got = live[i]!;
            if (got["kind"] === "Service") assert.deepEqual(lbStatus(got), lbStatus(want), `${key(got)} after ${JSON.stringify(o)}`);
            else assert.equal(poolStatus(got), poolStatus(want), `${key(got)} after ${JSON.stringify(o)}`);
          });
        }
        fast += c.stats.fastPasses;
        passes += c.stats.passes;
      } finally {
        await h.close();
      }
    }),
    {
      numRuns: 10,
      // Always covered: Services waiting while dormant compete when the first pool arrives;
      // a shrink-by-conflict; sharing through a key.
      examples: [
        [[{ kind: "svc", name: "s1", v: 0 }, { kind: "svc", name: "s0", v: 1 }, { kind: "pool", v: 0 }, { kind: "pool", v: 5 }, { kind: "delpool", name: "pa" }]],
        [[{ kind: "pool", v: 4 }, { kind: "svc", name: "s2", v: 5 }, { kind: "svc", name: "s3", v: 6 }, { kind: "svc", name: "s0", v: 5 }, { kind: "delsvc", name: "s2" }]],
      ],
    },
  );
  // Both paths are exercised: full passes and the fast path for new Services.
  assert.ok(fast > 0 && fast < passes, `fast passes ${fast} of ${passes}`);
});
