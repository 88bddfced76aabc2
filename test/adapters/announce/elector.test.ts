import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { GroupElector, type LeaseStore } from "../../../src/adapters/announce/elector.ts";
import { makeLogger } from "../../../src/adapters/announce/logger.ts";
import type { LeaseRecord, StoredLease } from "../../../src/core/announce/lease.ts";

const T = { leaseDurationMs: 1000, renewDeadlineMs: 400, retryPeriodMs: 100 };

/** An in-memory Lease API with resourceVersion checks; `down` makes calls from one identity fail. */
class MemStore {
  lease: StoredLease | undefined;
  annotations: Record<string, string> = {};
  rv = 0;
  down = new Set<string>();
  for(id: string): LeaseStore {
    const check = () => { if (this.down.has(id)) throw new Error("connect ECONNREFUSED"); };
    return {
      get: async () => { check(); return this.lease; },
      create: async (_n, record, ann) => { check(); if (this.lease) return false; this.lease = { record, resourceVersion: String(++this.rv) }; this.annotations = { ...ann }; return true; },
      update: async (_n, record: LeaseRecord, rv, ann) => { check(); if (this.lease?.resourceVersion !== rv) return false; this.lease = { record, resourceVersion: String(++this.rv) }; this.annotations = { ...this.annotations, ...ann }; return true; },
    };
  }
}

// Every elector a test starts is stopped afterwards, also when an assertion failed midway:
// a running elector's timers would otherwise keep the test process alive.
const running: GroupElector[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop(false)));
});

function elector(store: MemStore, id: string, events: string[]) {
  const e = new GroupElector({
    name: "lbctl-l2-192-0-2-10", identity: id, timing: T, store: store.for(id),
    log: makeLogger({ write: () => true }, "text", "error", Date.now), now: Date.now, random: () => 0,
    annotations: () => ({ "lbctl.io/interfaces": `eth0=${id}` }),
    onLeading: (l) => events.push(`${id}:${l ? "lead" : "stop"}@${Date.now()}`),
  });
  running.push(e);
  return e;
}

test("one leader; SIGTERM-style release hands over within about one retry period", async () => {
  const store = new MemStore();
  const ev: string[] = [];
  const a = elector(store, "a", ev);
  a.start();
  await sleep(50);
  const b = elector(store, "b", ev);
  b.start();
  await sleep(300);
  assert.equal(a.isLeading(), true);
  assert.equal(b.isLeading(), false);
  assert.equal(store.annotations["lbctl.io/interfaces"], "eth0=a");
  const t0 = Date.now();
  await a.stop(true);
  assert.equal(store.lease?.record.holderIdentity, "");
  while (!b.isLeading() && Date.now() - t0 < 2000) await sleep(5);
  const took = Date.now() - t0;
  assert.ok(b.isLeading());
  assert.ok(took <= T.retryPeriodMs * 2.2 + 60, `handover took ${took} ms`);
  assert.equal(store.lease?.record.leaseTransitions, 1);
  await b.stop(true);
});

test("crash (no release): standby takes over after the lease duration, not before", async () => {
  const store = new MemStore();
  const ev: string[] = [];
  const a = elector(store, "a", ev);
  a.start();
  await sleep(50);
  const b = elector(store, "b", ev);
  b.start();
  await sleep(200);
  const t0 = Date.now();
  await a.stop(false);
  while (!b.isLeading() && Date.now() - t0 < 3000) await sleep(5);
  const took = Date.now() - t0;
  assert.ok(b.isLeading());
  assert.ok(took >= 600 && took <= T.leaseDurationMs + T.retryPeriodMs * 2.2 + 100, `takeover took ${took} ms`);
  await b.stop(true);
});

test("API down for the leader: it stops answering within the renew deadline, before the standby can take over", async () => {
  const store = new MemStore();
  const ev: string[] = [];
  const a = elector(store, "a", ev);
  a.start();
  await sleep(50);
  const b = elector(store, "b", ev);
  b.start();
  await sleep(200);
  const t0 = Date.now();
  store.down.add("a");
  while (a.isLeading() && Date.now() - t0 < 2000) await sleep(5);
  const stoppedAfter = Date.now() - t0;
  // Timers run late on a loaded machine; what matters is stopping well before the lease could expire.
  assert.ok(stoppedAfter <= T.renewDeadlineMs + 150 && stoppedAfter < T.leaseDurationMs - 300, `stopped after ${stoppedAfter} ms`);
  assert.equal(b.isLeading(), false, "standby must not lead yet");
  while (!b.isLeading() && Date.now() - t0 < 3000) await sleep(5);
  assert.ok(b.isLeading());
  // The API comes back: a follows b.
  store.down.delete("a");
  await sleep(300);
  assert.equal(a.isLeading(), false);
  const aStops = ev.filter((e) => e.startsWith("a:")).map((e) => e.split("@")[0]);
  assert.deepEqual(aStops, ["a:lead", "a:stop"]);
  await a.stop(true);
  await b.stop(true);
});
