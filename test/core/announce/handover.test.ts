import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decideHandover, NO_WRITES, peerLive, recordWrite, type HandoverTiming, type OwnWrites, type PeerLease } from "../../../src/core/announce/handover.ts";
import { computeOwners, type MemberView } from "../../../src/core/announce/membership.ts";
import { HandoverState, type ClaimsSnapshot } from "../../../src/core/announce/handover-state.ts";
import { formatMemberAnnotations } from "../../../src/core/announce/lease-record.ts";

const T: HandoverTiming = { leaseDurationMs: 3000, renewDeadlineMs: 1000 };
const peer = (identity: string, claims: string[], observedAt = 0, holder = identity): PeerLease => ({ identity, holder, leaseDurationSeconds: 3, observedAt, claims: new Set(claims) });
const owners = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));

test("decideHandover: answer only as owner, with a fresh own Lease that claims it, and no live peer claiming it (table)", () => {
  const w = recordWrite(NO_WRITES, ["192.0.2.10", "192.0.2.11"], 1000, T);
  const seen = { claims: new Set(["192.0.2.10", "192.0.2.11"]), sentAt: 1000 };
  const base: Parameters<typeof decideHandover>[0] = { identity: "a", now: 1500, timing: T, writes: w, ownSeen: seen, peers: [] as PeerLease[], owners: owners({ "192.0.2.10": "a", "192.0.2.11": "a", "192.0.2.12": "b" }) };
  const cases: [string, Partial<Parameters<typeof decideHandover>[0]>, string[], string[]][] = [
    ["owner, claimed, seen, nobody else → answer", {}, ["192.0.2.10", "192.0.2.11"], ["192.0.2.10", "192.0.2.11"]],
    ["renew deadline passed → answer nothing, keep claiming", { now: 2000 }, [], ["192.0.2.10", "192.0.2.11"]],
    ["own claim not yet seen on the watch → wait", { ownSeen: undefined }, [], ["192.0.2.10", "192.0.2.11"]],
    ["a live peer still claims .10 → wait for its release", { peers: [peer("b", ["192.0.2.10"], 1000)] }, ["192.0.2.11"], ["192.0.2.10", "192.0.2.11"]],
    ["the peer's Lease expired on our clock → take over", { peers: [peer("b", ["192.0.2.10"], 0)], now: 3001, writes: recordWrite(w, ["192.0.2.10", "192.0.2.11"], 2900, T), ownSeen: { ...seen, sentAt: 2900 } }, ["192.0.2.10", "192.0.2.11"], ["192.0.2.10", "192.0.2.11"]],
    ["the peer released (empty holder) → take over", { peers: [peer("b", ["192.0.2.10"], 1400, "")] }, ["192.0.2.10", "192.0.2.11"], ["192.0.2.10", "192.0.2.11"]],
    ["a peer claims .10 but we already answer it → keep answering", { peers: [peer("b", ["192.0.2.10"], 1000)], answering: new Set(["192.0.2.10"]) }, ["192.0.2.10", "192.0.2.11"], ["192.0.2.10", "192.0.2.11"]],
    ["not the owner → neither answer nor claim", { owners: owners({ "192.0.2.10": "b" }) }, [], []],
    ["seen copy older than the claim run (claimed again after a gap) → wait", { writes: recordWrite(w, ["192.0.2.10"], 2200, T), now: 2300 }, [], ["192.0.2.10", "192.0.2.11"]],
  ];
  for (const [name, over, answer, claims] of cases) {
    const d = decideHandover({ ...base, ...over });
    assert.deepEqual([...d.answer].sort(), answer, name);
    assert.deepEqual(d.claims, claims, name);
  }
});

test("recordWrite: claim runs continue across renews and restart after a gap of a renew deadline", () => {
  let w: OwnWrites = recordWrite(NO_WRITES, ["x"], 0, T);
  w = recordWrite(w, ["x", "y"], 200, T);
  assert.deepEqual([...w.runs], [["x", 0], ["y", 200]]);
  w = recordWrite(w, ["y"], 400, T);
  w = recordWrite(w, ["x", "y"], 600, T);
  assert.deepEqual([...w.runs], [["x", 600], ["y", 200]], "dropping x ends its run");
  w = recordWrite(w, ["x", "y"], 1600, T);
  assert.deepEqual([...w.runs], [["x", 1600], ["y", 1600]], "a gap ≥ renew deadline ends every run");
});

// ---- A simulated cluster: a linearisable store, per-node watches with lag, write latency,
// crashes, SIGTERM, joins and API partitions. No instant may have two answerers for an address,
// and once things are quiet every address has exactly one.
interface Rec { readonly holder: string; readonly claims: readonly string[]; readonly sentAt: number }
interface Ev { readonly at: number; readonly name: string; readonly rec: Rec }
interface SimNode {
  readonly id: string;
  readonly lag: number;
  readonly latency: number;
  started: boolean;
  dead: boolean;
  cursor: number;
  view: Map<string, { rec: Rec; observedAt: number }>;
  writes: OwnWrites;
  inflight?: { sentAt: number; claims: string[]; snap?: ClaimsSnapshot | undefined; applied: boolean; failed: boolean } | undefined;
  /** Incremental mode: the node's HandoverState, fed the same events. */
  state?: HandoverState | undefined;
  nextWriteAt: number;
  answer: Set<string>;
  partitionUntil: number;
}
type Event = { at: number; kind: "crash" | "term" | "join" | "partition"; node: number; span: number };

const IPS = Array.from({ length: 12 }, (_, i) => `192.0.2.${10 + i}`);
const GROUPS = IPS.map((ip, i) => ({ ip, services: [`default/svc-${i % 10}`], policies: ["all"] })); // two shared pairs

const ALL_IPS = new Set(IPS);
const annotationsOf = (rec: Rec): Record<string, string> => formatMemberAnnotations({ policies: ["all"], weight: 1, claims: rec.claims, interfaces: [] });

/**
 * "incremental": every node also runs a HandoverState on the same events (watch deliveries,
 * write results, its timer only when due) and must decide exactly as the from-scratch rule at
 * every step; the nodes then act on the state's decisions. "deferred": the same with owner
 * passes deferred to the next step (deferOwners, as the adapter runs it), where owners may be
 * stale: only the guarantees are checked.
 */
function simulate(nodeCount: number, initial: number, events: readonly Event[], seed: number, mode: "scratch" | "incremental" | "deferred" = "scratch"): { overlaps: number; unanswered: string[]; moves: number } {
  let rnd = seed >>> 0;
  const rand = (): number => ((rnd = (Math.imul(rnd, 1664525) + 1013904223) >>> 0) / 4294967296);
  const log: Ev[] = [];
  const nodes: SimNode[] = Array.from({ length: nodeCount }, (_, i) => ({
    id: `n${i}`, lag: Math.floor(rand() * 40), latency: 1 + Math.floor(rand() * 20), started: i < initial, dead: false, cursor: 0, view: new Map(),
    writes: NO_WRITES, nextWriteAt: 0, answer: new Set(), partitionUntil: -1,
    state: mode === "scratch" ? undefined : new HandoverState(`n${i}`, T, { deferOwners: mode === "deferred" }),
  }));
  for (const n of nodes) n.state?.setPlan({ groups: GROUPS, localServices: new Set(), hasLocalEndpoint: () => false, candidates: ALL_IPS }, { weight: 1, policies: ["all"] }, 0);
  const partitioned = (n: SimNode, t: number): boolean => t < n.partitionUntil;
  const decide = (n: SimNode, t: number) => {
    const peers: PeerLease[] = [];
    for (const [name, v] of n.view) if (name !== n.id) peers.push({ identity: name, holder: v.rec.holder, leaseDurationSeconds: 3, observedAt: v.observedAt, claims: new Set(v.rec.claims) });
    const members: MemberView[] = [{ identity: n.id, weight: 1, policies: new Set(["all"]) }];
    for (const p of peers) if (peerLive(p, t)) members.push({ identity: p.identity, weight: 1, policies: new Set(["all"]) });
    const { owners } = computeOwners({ groups: GROUPS, members, localServices: new Set(), hasLocalEndpoint: () => false });
    const own = n.view.get(n.id);
    return decideHandover({ identity: n.id, now: t, timing: T, writes: n.writes, ownSeen: own && { claims: new Set(own.rec.claims), sentAt: own.rec.sentAt }, peers, owners, answering: n.answer });
  };
  let overlaps = 0;
  let moves = 0;
  const lastAnswerer = new Map<string, string>();
  const end = Math.max(0, ...events.map((e) => e.at + e.span)) + 9000;
  const pending = [...events].sort((a, b) => a.at - b.at);
  for (let t = 0; t <= end; t += 10) {
    while (pending.length > 0 && (pending[0]?.at ?? Infinity) <= t) {
      const e = pending.shift();
      const n = e && nodes[e.node % nodes.length];
      if (!e || !n || n.dead) continue;
      if (e.kind === "join") n.started = true;
      else if (!n.started) continue;
      else if (e.kind === "crash") { n.dead = true; n.answer.clear(); }
      else if (e.kind === "partition") n.partitionUntil = t + e.span;
      else if (e.kind === "term") {
        n.answer.clear(); // stop answering first, then release
        n.dead = true;
        if (!partitioned(n, t)) log.push({ at: t + n.latency, name: n.id, rec: { holder: "", claims: [], sentAt: t } });
      }
    }
    for (const n of nodes) {
      if (!n.started || n.dead) continue;
      // The watch comes back a while after the API server does (re-list and backoff). The state
      // takes one step's deliveries as one batch, as the reference decides once per step.
      const deliver = (): void => {
        while (t >= n.partitionUntil + 300 && n.cursor < log.length && (log[n.cursor]?.at ?? Infinity) + n.lag <= t) {
          const rv = n.cursor;
          const ev = log[n.cursor++];
          if (ev) n.view.set(ev.name, { rec: ev.rec, observedAt: t });
          if (ev && n.state) {
            if (ev.name === n.id) n.state.ownSeen({ sentAt: ev.rec.sentAt, claimsText: ev.rec.claims.join(",") }, t);
            else n.state.peer(ev.name, { rv: String(rv), holder: ev.rec.holder, leaseDurationSeconds: 3, annotations: annotationsOf(ev.rec) }, t);
          }
        }
      };
      if (n.state) n.state.batch(deliver);
      else deliver();
      const f = n.inflight;
      if (f) {
        if (!f.applied && !f.failed && t >= f.sentAt + n.latency) {
          if (partitioned(n, f.sentAt)) f.failed = true;
          else { f.applied = true; log.push({ at: t, name: n.id, rec: { holder: n.id, claims: f.claims, sentAt: f.sentAt } }); }
        }
        if (t >= f.sentAt + 2 * n.latency + (f.failed ? 300 : 0)) {
          if (f.applied && !partitioned(n, t)) {
            n.writes = recordWrite(n.writes, f.claims, f.sentAt, T);
            if (n.state && f.snap) n.state.wrote(f.snap, f.sentAt, t);
          }
          n.inflight = undefined;
        }
      }
      if (n.state?.ownersStale) n.state.refreshOwners(t); // the adapter's short owner-pass timer
      if (n.state && t >= n.state.nextWakeAt()) n.state.tick(t);
      if (!n.inflight && t >= n.nextWriteAt) {
        const snap = n.state?.claimsSnapshot();
        n.inflight = { sentAt: t, claims: snap ? [...snap.claims] : decide(n, t).claims, snap, applied: false, failed: false };
        n.nextWriteAt = t + 200;
      }
      const d = decide(n, t);
      if (n.state && mode === "deferred") n.answer = new Set(n.state.answer);
      else if (n.state) {
        assert.deepEqual([...n.state.answer].sort(), [...d.answer].sort(), `${n.id} at ${t}: incremental answer`);
        assert.deepEqual(n.state.claimsSnapshot().claims, d.claims, `${n.id} at ${t}: incremental claims`);
        assert.deepEqual([...n.state.waiting.keys()].sort(), [...d.waiting.keys()].sort(), `${n.id} at ${t}: incremental waiting`);
        n.answer = new Set(n.state.answer);
      } else n.answer = d.answer;
    }
    for (const ip of IPS) {
      const who = nodes.filter((n) => n.started && !n.dead && n.answer.has(ip));
      if (who.length > 1) overlaps++;
      const w = who[0]?.id;
      if (w !== undefined) {
        const before = lastAnswerer.get(ip);
        if (before !== undefined && before !== w) moves++;
        lastAnswerer.set(ip, w);
      }
    }
  }
  const live = nodes.filter((n) => n.started && !n.dead);
  const unanswered = live.length === 0 ? [] : IPS.filter((ip) => live.filter((n) => n.answer.has(ip)).length !== 1);
  return { overlaps, unanswered, moves };
}

const arbEvent = fc.record({
  at: fc.integer({ min: 500, max: 10_000 }),
  kind: fc.constantFrom("crash" as const, "term" as const, "join" as const, "partition" as const, "partition" as const),
  node: fc.integer({ min: 0, max: 4 }),
  span: fc.integer({ min: 100, max: 5000 }),
});

/** The simulation's guarantees over random event sequences, in one mode. */
function checkSimulation(mode: Parameters<typeof simulate>[4], numRuns: number): void {
  fc.assert(fc.property(fc.array(arbEvent, { maxLength: 6 }), fc.integer(), (events, seed) => {
    const r = simulate(5, 3, events, seed, mode);
    assert.equal(r.overlaps, 0, "two answerers at once");
    assert.deepEqual(r.unanswered, [], "addresses without exactly one answerer after the quiet period");
  }), { numRuns });
}

test("simulation: crash, SIGTERM, join, API partition — never two answerers, and one answerer once quiet", () => {
  checkSimulation("scratch", 15);
});

test("simulation with the incremental state (HandoverState): same decisions as from scratch at every step, never two answerers", () => {
  checkSimulation("incremental", 10);
  const j = simulate(4, 3, [{ at: 3000, kind: "join", node: 3, span: 0 }], 7, "incremental");
  assert.equal(j.overlaps, 0);
  assert.ok(j.moves > 0 && j.moves <= 6, `moves ${j.moves} of ${IPS.length}`);
});

test("simulation with deferred owner passes (the adapter's mode): never two answerers, one answerer once quiet", () => {
  checkSimulation("deferred", 10);
});

test("simulation: a joining node takes over only its share", () => {
  const r = simulate(4, 3, [{ at: 3000, kind: "join", node: 3, span: 0 }], 7);
  assert.equal(r.overlaps, 0);
  assert.deepEqual(r.unanswered, []);
  assert.ok(r.moves > 0 && r.moves <= 6, `moves ${r.moves} of ${IPS.length}`);
});
