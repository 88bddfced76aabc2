import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { HandoverState, type ClaimsSnapshot, type MemberLeaseView } from "../../../src/core/announce/handover-state.ts";
import { decideHandover, NO_WRITES, peerLive, recordWrite, type HandoverTiming, type OwnWrites, type PeerLease } from "../../../src/core/announce/handover.ts";
import { computeOwners, type MemberView } from "../../../src/core/announce/membership.ts";
import { formatMemberAnnotations } from "../../../src/core/announce/lease-record.ts";

const T: HandoverTiming = { leaseDurationMs: 3000, renewDeadlineMs: 1000 };
const ME = "me";
const PEERS = ["p0", "p1", "p2", "p3"];
const IPS = Array.from({ length: 12 }, (_, i) => `192.0.2.${10 + i}`);
// Two shared pairs (svc-0/svc-1 on two addresses each), two policies, svc-3 and svc-7 eTP=Local.
const GROUPS = IPS.map((ip, i) => ({ ip, services: [`default/svc-${i % 10}`], policies: i % 3 === 0 ? ["a"] : i % 3 === 1 ? ["b"] : ["a", "b"] }));
const LOCAL = new Set(["default/svc-3", "default/svc-7"]);
const ENDPOINTS = new Set(["default/svc-3@me", "default/svc-3@p1", "default/svc-7@p2", "default/svc-7@p0"]);
const hasLocalEndpoint = (svc: string, node: string): boolean => ENDPOINTS.has(`${svc}@${node}`);
const annotations = (policies: readonly string[], weight: string, claims: readonly string[]): Record<string, string> => {
  const a = formatMemberAnnotations({ policies, weight: 1, claims, interfaces: [] });
  return { ...a, "lbctl.io/weight": weight };
};

type Op =
  | { kind: "time"; dt: number }
  | { kind: "renew"; peer: number }
  | { kind: "peerWrite"; peer: number; claims: number; policies: number; weight: number }
  | { kind: "release"; peer: number }
  | { kind: "delete"; peer: number }
  | { kind: "write"; ok: boolean; latency: number }
  | { kind: "echo"; back: number }
  | { kind: "stranger" }
  | { kind: "plan"; candidates: number; policies: number };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("time" as const), dt: fc.integer({ min: 0, max: 1500 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("renew" as const), peer: fc.nat(3) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("peerWrite" as const), peer: fc.nat(3), claims: fc.nat(4095), policies: fc.nat(3), weight: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("release" as const), peer: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), peer: fc.nat(3) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("write" as const), ok: fc.boolean(), latency: fc.integer({ min: 0, max: 400 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("echo" as const), back: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("stranger" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("plan" as const), candidates: fc.nat(4095), policies: fc.nat(3) }) },
);

const bits = <T>(xs: readonly T[], mask: number): T[] => xs.filter((_, i) => (mask >> i) & 1);
const POLICY_SETS = [["a", "b"], ["a"], ["b"], []];
const WEIGHTS = ["1", "2", "0.5", "x"];

/** The from-scratch reference: the model's inputs through computeOwners and decideHandover. */
interface Model {
  now: number;
  rv: number;
  peers: Map<string, { view: MemberLeaseView; observedAt: number }>;
  writes: OwnWrites;
  written: { sentAt: number; claims: readonly string[] }[];
  ownSeen: { claims: ReadonlySet<string>; sentAt: number } | undefined;
  candidates: Set<string>;
  selfPolicies: string[];
}

function reference(m: Model, answering: ReadonlySet<string>) {
  const peers: PeerLease[] = [];
  const members: MemberView[] = [{ identity: ME, weight: 1, policies: new Set(m.selfPolicies) }];
  for (const [name, { view, observedAt }] of m.peers) {
    const identity = view.holder || name;
    const a = view.annotations ?? {};
    const p: PeerLease = { identity, holder: view.holder, leaseDurationSeconds: view.leaseDurationSeconds, observedAt, claims: new Set((a["lbctl.io/claims"] ?? "").split(",").filter(Boolean)) };
    peers.push(p);
    const w = Number(a["lbctl.io/weight"]);
    if (peerLive(p, m.now)) members.push({ identity, weight: Number.isFinite(w) && w > 0 ? w : 1, policies: new Set((a["lbctl.io/policies"] ?? "").split(",").filter(Boolean)) });
  }
  const { owners } = computeOwners({ groups: GROUPS, members, localServices: LOCAL, hasLocalEndpoint });
  const c = (ip: string): boolean => m.candidates.has(ip);
  const first = decideHandover({ identity: ME, now: m.now, timing: T, writes: m.writes, ownSeen: m.ownSeen, peers, owners, answering });
  // The state settles at once what decideHandover says on its next call with this answer (an
  // address we just stopped answering and a peer claims is then waited for): compare with that.
  const d = decideHandover({ identity: ME, now: m.now, timing: T, writes: m.writes, ownSeen: m.ownSeen, peers, owners, answering: new Set([...first.answer].filter(c)) });
  assert.deepEqual([...d.answer].filter(c).sort(), [...first.answer].filter(c).sort(), "the reference settles in one more call");
  return { owners, answer: [...d.answer].filter(c).sort(), claims: d.claims.filter(c), waiting: [...d.waiting.keys()].filter(c).sort(), healthy: d.healthy };
}

function run(ops: readonly Op[]): void {
  const s = new HandoverState(ME, T);
  const m: Model = { now: 1000, rv: 0, peers: new Map(), writes: NO_WRITES, written: [], ownSeen: undefined, candidates: new Set(IPS), selfPolicies: ["a", "b"] };
  const plan = (): void => s.setPlan({ groups: GROUPS, localServices: LOCAL, hasLocalEndpoint, candidates: new Set(m.candidates) }, { weight: 1, policies: m.selfPolicies }, m.now);
  plan();
  const lastClaims = new Map<string, string[]>();
  for (const [step, op] of ops.entries()) {
    // The reference decides from the answer before this event, as the state does.
    const answering = new Set(s.answer);
    const name = (i: number): string => `lbctl-member-${PEERS[i]}`;
    const put = (i: number, view: Omit<MemberLeaseView, "rv">): void => {
      const v = { ...view, rv: String(++m.rv) };
      m.peers.set(name(i), { view: v, observedAt: m.now });
      s.peer(name(i), v, m.now);
    };
    switch (op.kind) {
      case "time":
        // The adapter's timer fires when due; the time op stops at it at the latest.
        m.now = Math.min(m.now + op.dt, Math.max(m.now, s.nextWakeAt()));
        s.tick(m.now);
        break;
      case "renew": {
        const cur = m.peers.get(name(op.peer));
        if (cur) put(op.peer, cur.view); // a heartbeat: only the resourceVersion moves
        else put(op.peer, { holder: PEERS[op.peer]!, leaseDurationSeconds: 3, annotations: annotations(["a", "b"], "1", []) });
        break;
      }
      case "peerWrite": {
        // Mostly claims of what the peer would own (as a real peer does), sometimes at random.
        const claims = op.claims % 3 === 0 ? bits(IPS, op.claims) : [...s.owners].filter(([, o]) => o === PEERS[op.peer]).map(([ip]) => ip);
        lastClaims.set(name(op.peer), claims);
        put(op.peer, { holder: PEERS[op.peer]!, leaseDurationSeconds: 3, annotations: annotations(POLICY_SETS[op.policies]!, WEIGHTS[op.weight]!, claims) });
        break;
      }
      case "release": put(op.peer, { holder: "", leaseDurationSeconds: 1, annotations: undefined }); break;
      case "delete": m.peers.delete(name(op.peer)); s.peer(name(op.peer), undefined, m.now); break;
      case "write": {
        const snap: ClaimsSnapshot = s.claimsSnapshot();
        const sentAt = m.now;
        m.now += op.latency;
        if (op.ok) {
          m.writes = recordWrite(m.writes, snap.claims, sentAt, T);
          m.written.push({ sentAt, claims: [...snap.claims] });
          s.wrote(snap, sentAt, m.now);
        } else s.tick(m.now);
        break;
      }
      case "echo": {
        const w = m.written[m.written.length - 1 - Math.min(op.back, m.written.length - 1)];
        if (w === undefined) break;
        m.ownSeen = { claims: new Set(w.claims), sentAt: w.sentAt };
        s.ownSeen({ sentAt: w.sentAt, claimsText: w.claims.join(",") }, m.now);
        break;
      }
      case "stranger": m.ownSeen = undefined; s.ownSeen(undefined, m.now); break;
      case "plan":
        m.candidates = new Set(bits(IPS, op.candidates | 0xff0));
        m.selfPolicies = POLICY_SETS[op.policies]!;
        plan();
        break;
    }
    const r = reference(m, answering);
    const at = `step ${step} (${JSON.stringify(op)})`;
    assert.deepEqual(new Map([...s.owners].sort()), new Map([...r.owners].sort()), `${at}: owners`);
    assert.deepEqual([...s.answer].sort(), r.answer, `${at}: answer`);
    assert.deepEqual(s.claimsSnapshot().claims, r.claims, `${at}: claims`);
    assert.deepEqual([...s.waiting.keys()].sort(), r.waiting, `${at}: waiting`);
    assert.equal(s.healthy, r.healthy, `${at}: healthy`);
    for (const [ip, who] of s.waiting) assert.ok([...m.peers].some(([, p]) => p.view.holder === who && (p.view.annotations?.["lbctl.io/claims"] ?? "").split(",").includes(ip)), `${at}: ${ip} waits for a peer claiming it`);
  }
}

test("HandoverState equals computeOwners + decideHandover from scratch on random event sequences", () => {
  fc.assert(fc.property(fc.array(arbOp, { minLength: 1, maxLength: 60 }), (ops) => run(ops)), { numRuns: 300 });
});

test("HandoverState: a heartbeat that changes nothing relevant does no per-address work; a change does only what it must", () => {
  const ips = Array.from({ length: 1000 }, (_, i) => `2001:db8::${(i + 1).toString(16)}`);
  const groups = ips.map((ip, i) => ({ ip, services: [`default/s${i}`], policies: ["all"] }));
  const s = new HandoverState(ME, T);
  let now = 0;
  s.setPlan({ groups, localServices: new Set(), hasLocalEndpoint: () => false, candidates: new Set(ips) }, { weight: 1, policies: ["all"] }, now);
  const peerClaims = (p: string): string[] => [...s.owners].filter(([, o]) => o === p).map(([ip]) => ip).sort();
  const view = (p: string, rv: number, claims: readonly string[], policies = ["all"]): MemberLeaseView => ({ rv: String(rv), holder: p, leaseDurationSeconds: 3, annotations: annotations(policies, "1", claims) });
  let rv = 0;
  s.batch(() => { for (const p of ["p0", "p1"]) s.peer(`lbctl-member-${p}`, view(p, ++rv, []), now); });
  for (const p of ["p0", "p1"]) s.peer(`lbctl-member-${p}`, view(p, ++rv, peerClaims(p)), now);
  const snap = s.claimsSnapshot();
  s.wrote(snap, now, now);
  s.ownSeen({ sentAt: now, claimsText: snap.claims.join(",") }, now);
  assert.ok(s.answer.size > 250 && s.answer.size < 420, `answering ${s.answer.size} of 1,000 as one of three`);
  const before = { ...s.work };
  const answerVersion = s.answerVersion;
  // Heartbeats: both peers and our own write and echo, same claims.
  for (let i = 0; i < 10; i++) {
    now += 200;
    for (const p of ["p0", "p1"]) s.peer(`lbctl-member-${p}`, view(p, ++rv, peerClaims(p)), now);
    const again = s.claimsSnapshot();
    s.wrote(again, now, now);
    s.ownSeen({ sentAt: now, claimsText: again.claims.join(",") }, now);
  }
  assert.deepEqual(s.work, before, "heartbeats: no owner pass, no address decided");
  assert.equal(s.answerVersion, answerVersion);
  // A membership change (p1 stops serving the policy) → one owner pass; only the moved addresses decided.
  const p1Had = peerClaims("p1").length;
  s.peer("lbctl-member-p1", view("p1", ++rv, peerClaims("p1"), []), now);
  assert.equal(s.work.ownerPasses, before.ownerPasses + 1);
  const decided = s.work.decisions - before.decisions;
  assert.ok(decided > 0 && decided <= p1Had + 40, `decided ${decided} addresses after p1 left (it had ${p1Had})`);
  // p1 still claims its old addresses, so we wait for those it had and we now own.
  assert.ok(s.waiting.size > 0 && [...s.waiting.values()].every((w) => w === "p1"));
  // Expiry on our clock: p0 stops renewing; the timer at nextWakeAt drops it with one pass.
  const passes = s.work.ownerPasses;
  for (let i = 0; i < 20 && s.nextWakeAt() !== Infinity; i++) {
    now += 200;
    s.peer("lbctl-member-p1", view("p1", ++rv, [], []), now);
    const w = s.claimsSnapshot();
    s.wrote(w, now, now);
    s.ownSeen({ sentAt: now, claimsText: w.claims.join(",") }, now);
    if (now >= s.nextWakeAt()) s.tick(now);
  }
  assert.ok(s.work.ownerPasses <= passes + 2, `passes ${s.work.ownerPasses - passes}`);
  assert.equal(s.answer.size, 1000, "alone (p0 expired, p1 serves nothing): every address answered here");
});

test("HandoverState: found sequences (regressions of the property above)", () => {
  run([{ kind: "write", ok: true, latency: 0 }, { kind: "echo", back: 0 }, { kind: "peerWrite", peer: 0, claims: 864, policies: 0, weight: 0 }, { kind: "stranger" }, { kind: "echo", back: 0 }]);
  run([{ kind: "write", ok: true, latency: 0 }, { kind: "time", dt: 14 }, { kind: "echo", back: 0 }, { kind: "peerWrite", peer: 0, claims: 231, policies: 0, weight: 0 }, { kind: "time", dt: 986 }, { kind: "delete", peer: 1 }]);
  run([{ kind: "write", ok: true, latency: 0 }, { kind: "echo", back: 0 }, { kind: "peerWrite", peer: 0, claims: 867, policies: 0, weight: 2 }, { kind: "plan", candidates: 0, policies: 0 }, { kind: "echo", back: 0 }]);
});
