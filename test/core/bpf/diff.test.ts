import { test } from "node:test";
import assert from "node:assert/strict";
import { diffDatapath, persistent, type Problem } from "../../../src/core/bpf/diff.ts";

const p = (kind: Problem["kind"], subject: string): Problem => ({ kind, subject, detail: "d" });

test("persistent(): only problems seen in both reads, once each, sorted", () => {
  const first = [p("orphan-backend", "backend 7"), p("missing-frontend", "10.96.0.1:443/TCP"), p("capacity", "cilium_lb4_backends_v3")];
  const second = [p("missing-frontend", "10.96.0.1:443/TCP"), p("orphan-backend", "backend 7"), p("orphan-backend", "backend 7"), p("stale-slot", "x")];
  assert.deepEqual(persistent(first, second).map((x) => x.kind), ["missing-frontend", "orphan-backend"]);
  assert.deepEqual(persistent(first, []), []);
});

test("capacity near max_entries is a problem; empty maps against nothing expected are in sync", () => {
  const actual = { services: [], backends: [], revnat: [] };
  assert.deepEqual(diffDatapath({ expected: [], actual }), []);
  const got = diffDatapath({ expected: [], actual, capacity: [{ map: "cilium_lb4_services_v2", entries: 60000, maxEntries: 65536 }, { map: "cilium_lb4_backends_v3", entries: 10, maxEntries: 65536 }] });
  assert.deepEqual(got, [{ kind: "capacity", subject: "cilium_lb4_services_v2", detail: "60000 of 65536 entries (92%)" }]);
});
