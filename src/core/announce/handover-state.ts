// Incremental membership election state (pure; time passed in, local clock). It gives, after
// every event, exactly what computeOwners (membership.ts) followed by decideHandover
// (handover.ts) would give from scratch — the property test holds the two equal on random event
// sequences — but the cost of an event is what the event changes:
//   - a peer's heartbeat (a new resourceVersion with the same holder, duration, policies,
//     weight and claims) only moves that peer's expiry: O(1), plus O(members) to find the next
//     expiry for the caller's timer; no address is looked at;
//   - our own heartbeat coming back on the watch re-decides only the addresses we own but do not
//     answer yet (normally none);
//   - a change of a peer's claims re-decides only the addresses whose claimers changed;
//   - a change of membership (a peer appears, expires, is released, or publishes other policies
//     or weight; our own policies or weight; the plan) recomputes the owners in one full
//     bounded-load pass and re-decides only the addresses whose owner moved to or from us. The
//     capacity couples all keys (one member's arrival changes every capacity, and the placement
//     order lets that cascade), so the pass is not made incremental: it runs only on changes
//     (≈ 50 ms CPU at 10,000 addresses, docs/announce.md).
// Expiries are judged on the local clock by advance(now), which every entry point runs first;
// the caller arms one timer for nextWakeAt() instead of rescanning on every event.
import { computeOwners, type MemberView, type OwnerInput } from "./membership.ts";
import { healthy, type HandoverTiming, type OwnWrites } from "./handover.ts";
import { ANNOTATION_MEMBER_CLAIMS, ANNOTATION_MEMBER_POLICIES, ANNOTATION_MEMBER_WEIGHT, parseMemberClaims, parseMemberPolicies, parseWeight } from "./lease-record.ts";
import type { LeaseObject } from "./objects.ts";

/** A member Lease as the watch delivered it. */
export interface MemberLeaseView {
  /** resourceVersion: a new one is a new write (a renew or a change). */
  readonly rv: string;
  /** Empty after a release (SIGTERM). */
  readonly holder: string;
  readonly leaseDurationSeconds: number;
  readonly annotations: Readonly<Record<string, string>> | undefined;
}

/** What a watched Lease object says, in MemberLeaseView's form (no parsing: O(1)). */
export function memberLeaseView(l: LeaseObject): MemberLeaseView {
  return { rv: l.metadata?.resourceVersion ?? "", holder: l.spec?.holderIdentity ?? "", leaseDurationSeconds: l.spec?.leaseDurationSeconds ?? 0, annotations: l.metadata?.annotations };
}

/** The cluster-wide plan and this node's local candidates. */
export interface HandoverPlan {
  readonly groups: OwnerInput["groups"];
  readonly localServices: OwnerInput["localServices"];
  readonly hasLocalEndpoint: OwnerInput["hasLocalEndpoint"];
  /** Addresses this node could answer (local plan: selected here, an interface up). */
  readonly candidates: ReadonlySet<string>;
  readonly epsilon?: number | undefined;
}

/** Claims as handed to a write, so that its success can be recorded (wrote). */
export interface ClaimsSnapshot {
  readonly version: number;
  readonly claims: readonly string[];
}

interface Peer {
  readonly name: string;
  readonly identity: string;
  /** Its identity is ours (a stray copy): never a member, never a claimer. */
  readonly ignored: boolean;
  holder: string;
  durationMs: number;
  rv: string;
  observedAt: number;
  policiesText: string | undefined;
  weightText: string | undefined;
  claimsText: string | undefined;
  policies: ReadonlySet<string>;
  weight: number;
  claims: ReadonlySet<string>;
  /** As of the last advance(). */
  live: boolean;
}

/** Work counters, for the tests (an unrelated renew does no per-address work) and the bench. */
export interface HandoverWork {
  ownerPasses: number;
  decisions: number;
}

export class HandoverState {
  private readonly peers = new Map<string, Peer>();
  /** ip → names of the live peer Leases that claim it. */
  private readonly claimers = new Map<string, Set<string>>();
  private self: { weight: number; policiesText: string; policies: ReadonlySet<string> } = { weight: 1, policiesText: "", policies: new Set() };
  private plan: HandoverPlan | undefined;
  private ownerMap = new Map<string, string>();
  private ok = false;
  private lastSentAt: number | undefined;
  private readonly runs = new Map<string, number>();
  private writtenVersion = -1;
  private seen: { sentAt: number; claimsText: string; claims: ReadonlySet<string> } | undefined;
  /** What we claim: owned here and a local candidate. */
  private readonly mine = new Set<string>();
  private readonly answering = new Set<string>();
  private readonly waits = new Map<string, string>();
  /** Ours, neither answered nor waiting: what our own next write or watch echo may unlock. */
  private readonly pending = new Set<string>();
  private claimsVersionNo = 0;
  private sortedClaims: string[] = [];
  private sortedVersion = 0;
  private answerVersionNo = 0;
  private ownersDirty = false;
  private allDirty = false;
  private readonly dirty = new Set<string>();
  private deferred = 0;
  readonly work: HandoverWork = { ownerPasses: 0, decisions: 0 };

  /**
   * deferOwners: membership changes only mark the owners stale (ownersStale) and the caller runs
   * refreshOwners() a moment later, so a burst of joins/expiries costs one owner pass instead of
   * one per event. Safe: no guarantee rests on owners being current (a stale owner keeps or takes
   * a claim, which the new owner waits for, exactly as with a lagging watch); only a handover
   * starts that much later. Decisions for everything else stay immediate.
   */
  constructor(private readonly identity: string, private readonly timing: HandoverTiming, private readonly opts: { readonly deferOwners?: boolean } = {}) {}

  /** Owners wait for refreshOwners() (deferOwners mode). */
  get ownersStale(): boolean {
    return this.ownersDirty && this.plan !== undefined;
  }

  /** Runs the owner pass a deferred membership change asked for. */
  refreshOwners(now: number): void {
    this.advance(now);
    this.flush(true);
  }

  /**
   * The plan changed (Services, policies, endpoints, local interfaces), with what we publish
   * about ourselves (weight, servable policies): recompute everything.
   */
  setPlan(plan: HandoverPlan, self: { readonly weight: number; readonly policies: readonly string[] }, now: number): void {
    this.advance(now);
    this.plan = plan;
    this.self = { weight: self.weight, policiesText: [...self.policies].sort().join(","), policies: new Set(self.policies) };
    this.ownersDirty = true;
    this.allDirty = true;
    this.flush();
  }

  /** Runs `fn` (several events) with one owner pass and one round of decisions at the end. */
  batch(fn: () => void): void {
    this.deferred++;
    try {
      fn();
    } finally {
      this.deferred--;
    }
    this.flush();
  }

  /** A peer's member Lease as the watch now shows it (undefined: deleted). */
  peer(name: string, view: MemberLeaseView | undefined, now: number): void {
    this.advance(now);
    let p = this.peers.get(name);
    if (view === undefined) {
      if (p !== undefined) {
        this.setLive(p, false);
        this.peers.delete(name);
      }
      this.flush();
      return;
    }
    if (p !== undefined && p.rv === view.rv) return this.flush(); // the same record again
    const identity = view.holder || name;
    const a = view.annotations;
    if (p === undefined || p.identity !== identity) {
      if (p !== undefined) {
        this.setLive(p, false);
        this.peers.delete(name);
      }
      p = {
        name, identity, ignored: identity === this.identity, holder: view.holder, durationMs: view.leaseDurationSeconds * 1000, rv: view.rv, observedAt: now,
        policiesText: a?.[ANNOTATION_MEMBER_POLICIES], weightText: a?.[ANNOTATION_MEMBER_WEIGHT], claimsText: a?.[ANNOTATION_MEMBER_CLAIMS],
        policies: new Set(parseMemberPolicies(a?.[ANNOTATION_MEMBER_POLICIES])), weight: parseWeight(a?.[ANNOTATION_MEMBER_WEIGHT]).weight,
        claims: new Set(parseMemberClaims(a?.[ANNOTATION_MEMBER_CLAIMS])), live: false,
      };
      this.peers.set(name, p);
    } else {
      // A new write of the same member: usually a heartbeat, where only the expiry moves.
      p.rv = view.rv;
      p.observedAt = now;
      p.holder = view.holder;
      p.durationMs = view.leaseDurationSeconds * 1000;
      const policiesText = a?.[ANNOTATION_MEMBER_POLICIES];
      const weightText = a?.[ANNOTATION_MEMBER_WEIGHT];
      if (policiesText !== p.policiesText || weightText !== p.weightText) {
        p.policiesText = policiesText;
        p.weightText = weightText;
        p.policies = new Set(parseMemberPolicies(policiesText));
        p.weight = parseWeight(weightText).weight;
        if (p.live) this.ownersDirty = true;
      }
      const claimsText = a?.[ANNOTATION_MEMBER_CLAIMS];
      if (claimsText !== p.claimsText) {
        const next = new Set(parseMemberClaims(claimsText));
        if (p.live) {
          for (const ip of p.claims) if (!next.has(ip)) this.unclaim(ip, p.name);
          for (const ip of next) if (!p.claims.has(ip)) this.claim(ip, p.name);
        }
        p.claimsText = claimsText;
        p.claims = next;
      }
    }
    this.setLive(p, this.liveAt(p, now));
    this.flush();
  }

  /** Names of the peer Leases known (to find deletions on a relist). */
  peerNames(): string[] {
    return [...this.peers.keys()];
  }

  /** Our own Lease as the watch shows it, with the send time of that write (undefined: not one of our writes). */
  ownSeen(seen: { readonly sentAt: number; readonly claimsText: string } | undefined, now: number): void {
    this.advance(now);
    const prev = this.seen;
    if (seen === undefined) {
      if (prev !== undefined) {
        this.seen = undefined;
        this.allDirty = true;
      }
    } else if (prev !== undefined && seen.claimsText === prev.claimsText && seen.sentAt >= prev.sentAt) {
      if (seen.sentAt > prev.sentAt) {
        this.seen = { ...prev, sentAt: seen.sentAt };
        for (const ip of this.pending) this.dirty.add(ip);
      }
    } else {
      const claims = new Set(parseMemberClaims(seen.claimsText));
      this.seen = { sentAt: seen.sentAt, claimsText: seen.claimsText, claims };
      if (prev === undefined || seen.sentAt < prev.sentAt) this.allDirty = true;
      else {
        for (const ip of this.pending) this.dirty.add(ip);
        for (const ip of prev.claims) if (!claims.has(ip)) this.dirty.add(ip);
      }
    }
    this.flush();
  }

  /** A write of our Lease carrying `written` (claimsSnapshot() when it was sent) succeeded. */
  wrote(written: ClaimsSnapshot, sentAt: number, now: number): void {
    const continuous = this.lastSentAt !== undefined && sentAt - this.lastSentAt < this.timing.renewDeadlineMs;
    if (!continuous) {
      // A gap of a renew deadline ends every claim run (others may have taken over since).
      this.runs.clear();
      for (const ip of written.claims) this.runs.set(ip, sentAt);
      this.allDirty = true;
    } else if (written.version !== this.writtenVersion) {
      const set = new Set(written.claims);
      for (const ip of this.runs.keys()) if (!set.has(ip)) {
        this.runs.delete(ip);
        this.dirty.add(ip);
      }
      for (const ip of written.claims) if (!this.runs.has(ip)) {
        this.runs.set(ip, sentAt);
        this.dirty.add(ip);
      }
    }
    this.writtenVersion = written.version;
    this.lastSentAt = Math.max(sentAt, this.lastSentAt ?? sentAt);
    for (const ip of this.pending) this.dirty.add(ip);
    this.advance(now);
    this.flush();
  }

  /** Time passed (the timer for nextWakeAt fired). */
  tick(now: number): void {
    this.advance(now);
    this.flush();
  }

  /** When a peer expires on our clock or our renew deadline passes (Infinity: nothing due). */
  nextWakeAt(): number {
    let at = this.ok && this.lastSentAt !== undefined ? this.lastSentAt + this.timing.renewDeadlineMs : Infinity;
    for (const p of this.peers.values()) if (p.live) at = Math.min(at, p.observedAt + p.durationMs);
    return at;
  }

  // ---- results -----------------------------------------------------------------------------
  /** Addresses to answer now (always local candidates). */
  get answer(): ReadonlySet<string> {
    return this.answering;
  }
  /** Bumped whenever answer changes. */
  get answerVersion(): number {
    return this.answerVersionNo;
  }
  /** Addresses we own but wait for: ip → the peer still claiming it. */
  get waiting(): ReadonlyMap<string, string> {
    return this.waits;
  }
  get owners(): ReadonlyMap<string, string> {
    return this.ownerMap;
  }
  get healthy(): boolean {
    return this.ok;
  }
  /** Bumped whenever the claims change. */
  get claimsVersion(): number {
    return this.claimsVersionNo;
  }
  /** What to publish as claimed (sorted), with its version. */
  claimsSnapshot(): ClaimsSnapshot {
    if (this.sortedVersion !== this.claimsVersionNo) {
      this.sortedClaims = [...this.mine].sort();
      this.sortedVersion = this.claimsVersionNo;
    }
    return { version: this.claimsVersionNo, claims: this.sortedClaims };
  }
  /** Our successful writes in handover.ts's form (for the tests' reference). */
  writes(): OwnWrites {
    return { lastSentAt: this.lastSentAt, runs: new Map(this.runs) };
  }

  // ---- internals ---------------------------------------------------------------------------
  private liveAt(p: Peer, now: number): boolean {
    return !p.ignored && p.holder !== "" && now < p.observedAt + p.durationMs;
  }

  /** Expiries on our clock and our own health, as of now: O(members). */
  private advance(now: number): void {
    for (const p of this.peers.values()) if (p.live && !this.liveAt(p, now)) this.setLive(p, false);
    const ok = healthy(this.lastSentAt, this.timing, now);
    if (ok !== this.ok) {
      this.ok = ok;
      this.allDirty = true;
    }
  }

  private setLive(p: Peer, live: boolean): void {
    if (p.ignored || p.live === live) return;
    p.live = live;
    this.ownersDirty = true;
    for (const ip of p.claims) {
      if (live) this.claim(ip, p.name);
      else this.unclaim(ip, p.name);
    }
  }

  private claim(ip: string, name: string): void {
    let s = this.claimers.get(ip);
    if (s === undefined) this.claimers.set(ip, (s = new Set()));
    s.add(name);
    this.dirty.add(ip);
  }

  private unclaim(ip: string, name: string): void {
    const s = this.claimers.get(ip);
    if (s === undefined) return;
    s.delete(name);
    if (s.size === 0) this.claimers.delete(ip);
    this.dirty.add(ip);
  }

  private flush(ownersNow = this.opts.deferOwners !== true): void {
    if (this.deferred > 0) return;
    if (this.ownersDirty && this.plan !== undefined && ownersNow) {
      const members: MemberView[] = [{ identity: this.identity, weight: this.self.weight, policies: this.self.policies }];
      for (const p of this.peers.values()) if (p.live) members.push({ identity: p.identity, weight: p.weight, policies: p.policies });
      const next = computeOwners({ groups: this.plan.groups, members, localServices: this.plan.localServices, hasLocalEndpoint: this.plan.hasLocalEndpoint, epsilon: this.plan.epsilon }).owners;
      this.work.ownerPasses++;
      const me = this.identity;
      for (const [ip, o] of next) if ((o === me) !== (this.ownerMap.get(ip) === me)) this.dirty.add(ip);
      for (const [ip, o] of this.ownerMap) if (o === me && !next.has(ip)) this.dirty.add(ip);
      this.ownerMap = next;
      this.ownersDirty = false;
    }
    if (this.allDirty) {
      for (const ip of this.mine) this.dirty.add(ip);
      for (const [ip, o] of this.ownerMap) if (o === this.identity) this.dirty.add(ip);
      this.allDirty = false;
    }
    for (const ip of this.dirty) this.decide(ip);
    this.dirty.clear();
  }

  /** decideHandover's rule for one address (see handover.ts for why each condition). */
  private decide(ip: string): void {
    this.work.decisions++;
    const ours = this.ownerMap.get(ip) === this.identity && this.plan?.candidates.has(ip) === true;
    if (!ours) {
      if (this.mine.delete(ip)) this.claimsVersionNo++;
      this.setAnswer(ip, false);
      this.waits.delete(ip);
      this.pending.delete(ip);
      return;
    }
    if (!this.mine.has(ip)) {
      this.mine.add(ip);
      this.claimsVersionNo++;
    }
    const blockers = this.claimers.get(ip);
    const waitFor = (): void => {
      const first = blockers!.values().next().value!;
      this.waits.set(ip, this.peers.get(first)?.identity ?? first);
      this.pending.delete(ip);
    };
    // A peer's claim blocks only a takeover: one that claimed after we started answering has
    // seen our claim and waits for us.
    if (blockers !== undefined && !this.answering.has(ip)) return waitFor();
    const run = this.runs.get(ip);
    const yes = this.ok && run !== undefined && this.seen !== undefined && this.seen.sentAt >= run && this.seen.claims.has(ip);
    this.setAnswer(ip, yes);
    if (yes) {
      this.waits.delete(ip);
      this.pending.delete(ip);
    } else if (blockers !== undefined) {
      // We just stopped answering it and a peer claims it: from now on that claim blocks us
      // (what decideHandover says on its next call, with this answer as `answering`).
      waitFor();
    } else {
      this.waits.delete(ip);
      this.pending.add(ip);
    }
  }

  private setAnswer(ip: string, yes: boolean): void {
    if (yes === this.answering.has(ip)) return;
    if (yes) this.answering.add(ip);
    else this.answering.delete(ip);
    this.answerVersionNo++;
  }
}
