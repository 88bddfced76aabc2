import { test } from "node:test";
import assert from "node:assert/strict";
import {
  afterWrite, decide, DEFAULT_TIMING, isLeading, nextAttemptDelay, observe, releaseRecord, retryDelay, stepDown, transition, validateTiming,
  type ElectorState, type LeaseRecord, type LeaseTiming, type StoredLease,
} from "../../../src/core/announce/lease.ts";

const T: LeaseTiming = { leaseDurationMs: 3000, renewDeadlineMs: 1000, retryPeriodMs: 200 };
const rec = (o: Partial<LeaseRecord>): LeaseRecord => ({ holderIdentity: "b", leaseDurationSeconds: 3, acquireTime: 0, renewTime: 0, leaseTransitions: 4, ...o });
const stored = (r: LeaseRecord, rv = "7"): StoredLease => ({ record: r, resourceVersion: rv });

test("decide: create, renew, follow, acquire after expiry, acquire released lease (table)", () => {
  const seen: ElectorState = { observed: { record: rec({}), at: 1000 } };
  const cases: [string, ElectorState, StoredLease | undefined, number, string, Partial<LeaseRecord>?][] = [
    ["no lease → create", {}, undefined, 0, "create", { holderIdentity: "a", leaseTransitions: 0, leaseDurationSeconds: 3 }],
    ["we hold it → renew keeps acquireTime and transitions", {}, stored(rec({ holderIdentity: "a", acquireTime: 5 })), 50, "renew", { acquireTime: 5, renewTime: 50, leaseTransitions: 4 }],
    ["other holder, first seen now → follow", {}, stored(rec({})), 99_999, "follow"],
    ["other holder, seen 2.9 s ago → follow", seen, stored(rec({})), 3999, "follow"],
    ["other holder, seen 3 s ago unchanged → acquire, transitions+1", seen, stored(rec({})), 4000, "acquire", { holderIdentity: "a", leaseTransitions: 5, acquireTime: 4000 }],
    ["record changed since seen → observed time restarts → follow", seen, stored(rec({ renewTime: 77 })), 4000, "follow"],
    ["released (empty holder) → acquire at once", {}, stored(rec({ holderIdentity: "", leaseDurationSeconds: 1 })), 10, "acquire", { holderIdentity: "a" }],
  ];
  for (const [name, state, cur, now, kind, want] of cases) {
    const { action } = decide(state, cur, "a", T, now);
    assert.equal(action.kind, kind, name);
    if (want && action.kind !== "follow") for (const [k, v] of Object.entries(want)) assert.equal(action.record[k as keyof LeaseRecord], v, `${name}: ${k}`);
  }
});

test("optimistic concurrency: acquire and renew carry the resourceVersion they read", () => {
  const { action } = decide({}, stored(rec({ holderIdentity: "a" }), "42"), "a", T, 0);
  assert.ok(action.kind === "renew");
  assert.equal(action.resourceVersion, "42");
});

test("leading only within the renew deadline of the last successful renew", () => {
  const { action } = decide({}, undefined, "a", T, 1000);
  let s = afterWrite({}, action, true, 1000);
  assert.equal(isLeading(s, T, 1000), true);
  assert.equal(isLeading(s, T, 1999), true);
  assert.equal(isLeading(s, T, 2000), false);
  s = afterWrite(s, action, false, 1500); // failed write does not extend
  assert.equal(isLeading(s, T, 2000), false);
  assert.equal(isLeading(stepDown(s), T, 1000), false);
});

/** Two electors and a store that enforces resourceVersion; node a loses the API at t=5 s. */
test("simulation: exactly one leader at any time; outage → a stops answering before b takes over", () => {
  let store: StoredLease | undefined;
  let rv = 0;
  const write = (resourceVersion: string | undefined, record: LeaseRecord): boolean => {
    if (resourceVersion !== (store?.resourceVersion)) return false;
    store = { record, resourceVersion: String(++rv) };
    return true;
  };
  const nodes = { a: { s: {} as ElectorState, next: 0 }, b: { s: {} as ElectorState, next: 100 } };
  let aStoppedAt = -1;
  let bLeadAt = -1;
  for (let now = 0; now <= 12_000; now += 10) {
    for (const id of ["a", "b"] as const) {
      const n = nodes[id];
      const apiDown = id === "a" && now >= 5000;
      if (now >= n.next) {
        if (!apiDown) {
          const r = decide(n.s, store, id, T, now);
          n.s = r.state;
          if (r.action.kind === "follow") n.s = stepDown(n.s);
          else n.s = afterWrite(n.s, r.action, write(r.action.kind === "create" ? undefined : r.action.resourceVersion, r.action.record), now);
        }
        n.next = now + retryDelay(T, isLeading(n.s, T, now), 0.5);
      }
    }
    const a = isLeading(nodes.a.s, T, now);
    const b = isLeading(nodes.b.s, T, now);
    assert.ok(!(a && b), `two leaders at ${now}`);
    if (now > 5000 && !a && aStoppedAt < 0) aStoppedAt = now;
    if (b && bLeadAt < 0) bLeadAt = now;
  }
  assert.ok(aStoppedAt > 5000 && aStoppedAt <= 6000, `a stopped at ${aStoppedAt}`);
  assert.ok(bLeadAt > aStoppedAt, "b leads only after a stopped");
  assert.ok(bLeadAt <= 5000 + T.leaseDurationMs + T.retryPeriodMs * 2.2, `b took over at ${bLeadAt}`);
  assert.equal(store?.record.holderIdentity, "b");
  assert.equal(store?.record.leaseTransitions, 1);
});

test("release: empty holder and 1 s duration, only by the holder", () => {
  const cur = stored(rec({ holderIdentity: "a", leaseTransitions: 2 }));
  assert.deepEqual(releaseRecord(cur, "a", 9), { holderIdentity: "", leaseDurationSeconds: 1, acquireTime: 9, renewTime: 9, leaseTransitions: 2 });
  assert.equal(releaseRecord(cur, "b", 9), undefined);
  assert.equal(releaseRecord(undefined, "a", 9), undefined);
});

test("observe: a watch event restarts the observed time only when the record changed", () => {
  const cur = stored(rec({}));
  const s1 = observe({}, cur, 100);
  assert.equal(s1.observed?.at, 100);
  assert.equal(observe(s1, cur, 900), s1);
  assert.equal(observe(s1, stored(rec({ renewTime: 5 })), 900).observed?.at, 900);
  // decide() keeps the earlier observation: expiry counts from when the change arrived.
  const { action } = decide(s1, cur, "a", T, 3099);
  assert.equal(action.kind, "follow");
  assert.equal(action.kind === "follow" && action.expiresAt, 3100);
});

test("followers try at the holder's expiry when it comes before the jittered retry", () => {
  assert.equal(nextAttemptDelay(T, false, 0, 1000, 1050), 50);
  assert.equal(nextAttemptDelay(T, false, 0.5, 1000, 1050), 70);
  assert.equal(nextAttemptDelay(T, false, 0, 1000, 5000), 200);
  assert.equal(nextAttemptDelay(T, false, 0, 1000, 900), 0);
  assert.equal(nextAttemptDelay(T, true, 0, 1000, 1050), 200);
  assert.equal(nextAttemptDelay(T, false, 0, 1000, undefined), 200);
});

test("retry delay: leaders on the period, followers jittered up to ×2.2", () => {
  assert.equal(retryDelay(T, true, 0.9), 200);
  assert.equal(retryDelay(T, false, 0), 200);
  assert.ok(Math.abs(retryDelay(T, false, 1) - 440) < 1e-9);
  assert.equal(transition(false, true), "acquired");
  assert.equal(transition(true, false), "lost");
});

test("validateTiming: Cilium's rules with fallbacks and warnings (table)", () => {
  const cases: [LeaseTiming, LeaseTiming, number][] = [
    [DEFAULT_TIMING, DEFAULT_TIMING, 0],
    [T, T, 0],
    [{ leaseDurationMs: 500, renewDeadlineMs: 5000, retryPeriodMs: 2000 }, DEFAULT_TIMING, 1],
    [{ leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 }, { leaseDurationMs: 10_000, renewDeadlineMs: 5000, retryPeriodMs: 2000 }, 1],
    [{ leaseDurationMs: 15_000, renewDeadlineMs: 5000, retryPeriodMs: 0 }, { leaseDurationMs: 15_000, renewDeadlineMs: 5000, retryPeriodMs: 200 }, 1],
    [{ leaseDurationMs: 15_000, renewDeadlineMs: 5000, retryPeriodMs: 4500 }, { leaseDurationMs: 15_000, renewDeadlineMs: 5000, retryPeriodMs: 2500 }, 1],
  ];
  for (const [input, want, nWarn] of cases) {
    const { timing, warnings } = validateTiming(input);
    assert.deepEqual(timing, want, JSON.stringify(input));
    assert.equal(warnings.length, nWarn, warnings.join("; "));
  }
});
