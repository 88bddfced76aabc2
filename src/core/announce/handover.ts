// Handover without overlap under membership election (pure; time passed in, local clock).
//
// Each announcer holds one member Lease and publishes on it the addresses it *claims* (answers
// or is about to answer). An address is answered by node N only when all of these hold:
//   1. N renewed its own Lease successfully within the renew deadline (timed from when the
//      request was sent), so a node cut off from the API server goes quiet before its Lease can
//      expire on anybody else's clock (renew deadline < lease duration);
//   2. N is the computed owner (membership.ts) in its current view;
//   3. N's own Lease *as delivered by its watch* claims the address, from a write sent within
//      N's current claim run for it (the run: consecutive successful writes claiming it, none
//      more than a renew deadline apart). A watch delivers writes in order, so once N sees such
//      a write it has seen every claim written before it; a stale copy from before a gap (an API
//      outage) or before N dropped the address does not count;
//   4. no other live member claims it in N's view — checked when N starts answering it (a peer
//      that claims it later has seen N's claim and waits). Live = holder set and not expired on
//      N's clock (first seen + leaseDurationSeconds).
// Safety sketch: if P and Q both answered A, both claims were written; say P's first. Q saw its
// own claim, hence P's earlier one, so Q answered only after P's Lease dropped A (P stops
// answering before it writes that) or expired on Q's clock (P went quiet a renew deadline after
// its last renew, earlier than that). Liveness: when views agree, the non-owner drops its claim;
// a node that is no longer the owner stops answering at once and drops the claim on its next write.

export interface HandoverTiming {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
}

export interface PeerLease {
  readonly identity: string;
  /** Empty after a release (SIGTERM). */
  readonly holder: string;
  readonly leaseDurationSeconds: number;
  /** Local time this record (in this form) was first seen. */
  readonly observedAt: number;
  /** Addresses published as claimed. */
  readonly claims: ReadonlySet<string>;
}

export interface HandoverInput {
  readonly identity: string;
  readonly now: number;
  readonly timing: HandoverTiming;
  /** Our successful writes (recordWrite). */
  readonly writes: OwnWrites;
  /** Our own Lease as the watch delivered it, with the send time of that write (undefined: not seen yet). */
  readonly ownSeen: { readonly claims: ReadonlySet<string>; readonly sentAt: number } | undefined;
  /** Other members' Leases as seen on the watch (our own is ignored if present). */
  readonly peers: readonly PeerLease[];
  /** ip → computed owner (membership.ts computeOwners over the live members). */
  readonly owners: ReadonlyMap<string, string>;
  /** What we answer now (the previous decision's answer). */
  readonly answering?: ReadonlySet<string> | undefined;
}

export interface HandoverDecision {
  /** Addresses to answer now. */
  readonly answer: Set<string>;
  /** Addresses to publish as claimed on our next write (sorted). */
  readonly claims: string[];
  /** Addresses we own but wait for (a peer still claims it). ip → the peer. */
  readonly waiting: Map<string, string>;
  /** Whether our own Lease is fresh enough to answer at all. */
  readonly healthy: boolean;
}

/** Whether a peer's Lease counts (holder set, not expired on our clock). */
export function peerLive(p: PeerLease, now: number): boolean {
  return p.holder !== "" && now < p.observedAt + p.leaseDurationSeconds * 1000;
}

/** When a live peer's Lease expires on our clock (for a timer), or undefined. */
export function peerExpiresAt(p: PeerLease): number {
  return p.observedAt + p.leaseDurationSeconds * 1000;
}

export function healthy(lastRenewSentAt: number | undefined, timing: HandoverTiming, now: number): boolean {
  return lastRenewSentAt !== undefined && now - lastRenewSentAt < timing.renewDeadlineMs;
}

/** What we know of our own successful writes: the last send time and each claim run's start. */
export interface OwnWrites {
  readonly lastSentAt?: number | undefined;
  /** ip → send time of the first write of its current claim run. */
  readonly runs: ReadonlyMap<string, number>;
}

export const NO_WRITES: OwnWrites = { runs: new Map() };

/**
 * Notes a successful write of our Lease (sent at `sentAt`, claiming `claims`). A gap of a renew
 * deadline or more since the previous success ends every run (others may have taken over since).
 */
export function recordWrite(w: OwnWrites, claims: readonly string[], sentAt: number, timing: HandoverTiming): OwnWrites {
  const continuous = w.lastSentAt !== undefined && sentAt - w.lastSentAt < timing.renewDeadlineMs;
  const runs = new Map<string, number>();
  for (const ip of claims) runs.set(ip, continuous ? (w.runs.get(ip) ?? sentAt) : sentAt);
  return { lastSentAt: Math.max(sentAt, w.lastSentAt ?? sentAt), runs };
}

export function decideHandover(i: HandoverInput): HandoverDecision {
  const ok = healthy(i.writes.lastSentAt, i.timing, i.now);
  const claimedBy = new Map<string, string>();
  for (const p of i.peers) {
    if (p.identity === i.identity || !peerLive(p, i.now)) continue;
    for (const ip of p.claims) if (!claimedBy.has(ip)) claimedBy.set(ip, p.identity);
  }
  const claims: string[] = [];
  const answer = new Set<string>();
  const waiting = new Map<string, string>();
  for (const [ip, owner] of i.owners) {
    if (owner !== i.identity) continue;
    claims.push(ip);
    const other = claimedBy.get(ip);
    // A peer's claim blocks only a takeover: a peer that claimed after we started answering has
    // seen our claim (its own write is later than ours) and waits for us.
    if (other !== undefined && i.answering?.has(ip) !== true) {
      waiting.set(ip, other);
      continue;
    }
    const run = i.writes.runs.get(ip);
    if (ok && run !== undefined && i.ownSeen !== undefined && i.ownSeen.sentAt >= run && i.ownSeen.claims.has(ip)) answer.add(ip);
  }
  claims.sort();
  return { answer, claims, waiting, healthy: ok };
}
