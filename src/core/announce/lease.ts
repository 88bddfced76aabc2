// Lease election as client-go's tryAcquireOrRenew does it, with time passed in (ms since epoch).
// Followers judge expiry by their own clock: the time they first *observed* the current record
// plus its duration, never the holder's renewTime, so node clocks need not agree. A leader
// answers only while its last successful renew (timed when the request was sent) is younger than
// the renew deadline, which is shorter than the lease duration: it stops before anyone may take over.

export interface LeaseTiming {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** Cilium's defaults (l2-announcements-lease-duration / -renew-deadline / -retry-period). */
export const DEFAULT_TIMING: LeaseTiming = { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 };

/** client-go's JitterFactor: retries wait between retry and retry × (1 + 1.2). */
export const JITTER_FACTOR = 1.2;

/** The spec fields of a coordination.k8s.io/v1 Lease that election uses. Times in ms. */
export interface LeaseRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime?: number | undefined;
  readonly renewTime?: number | undefined;
  readonly leaseTransitions: number;
}

/** What the API server returned: the record and its resourceVersion (for optimistic updates). */
export interface StoredLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

export interface ElectorState {
  /** The record last seen and when (local clock) it was first seen in that form. */
  readonly observed?: { readonly record: LeaseRecord; readonly at: number } | undefined;
  /** Send time of our last successful create/update as holder. */
  readonly lastRenew?: number | undefined;
}

export type LeaseAction =
  | { readonly kind: "create"; readonly record: LeaseRecord }
  | { readonly kind: "acquire" | "renew"; readonly record: LeaseRecord; readonly resourceVersion: string }
  | { readonly kind: "follow"; readonly holder: string; readonly expiresAt: number };

/**
 * One election step. `current` is the Lease as just read (undefined when it does not exist).
 * Returns the action to take and the state to keep; the caller performs the write and then calls
 * `afterWrite` with the outcome.
 */
export function decide(state: ElectorState, current: StoredLease | undefined, identity: string, timing: LeaseTiming, now: number): { action: LeaseAction; state: ElectorState } {
  const durationS = Math.max(1, Math.round(timing.leaseDurationMs / 1000));
  if (current === undefined) {
    const record: LeaseRecord = { holderIdentity: identity, leaseDurationSeconds: durationS, acquireTime: now, renewTime: now, leaseTransitions: 0 };
    return { action: { kind: "create", record }, state };
  }
  const rec = current.record;
  const observed = state.observed !== undefined && sameRecord(state.observed.record, rec) ? state.observed : { record: rec, at: now };
  const next: ElectorState = { ...state, observed };
  const expiresAt = observed.at + rec.leaseDurationSeconds * 1000;
  if (rec.holderIdentity !== "" && rec.holderIdentity !== identity && now < expiresAt) {
    return { action: { kind: "follow", holder: rec.holderIdentity, expiresAt }, state: next };
  }
  if (rec.holderIdentity === identity) {
    const record: LeaseRecord = { ...rec, leaseDurationSeconds: durationS, renewTime: now };
    return { action: { kind: "renew", record, resourceVersion: current.resourceVersion }, state: next };
  }
  const record: LeaseRecord = { holderIdentity: identity, leaseDurationSeconds: durationS, acquireTime: now, renewTime: now, leaseTransitions: rec.leaseTransitions + 1 };
  return { action: { kind: "acquire", record, resourceVersion: current.resourceVersion }, state: next };
}

/**
 * Notes a record seen outside an election step (a watch event), so that expiry is judged from
 * when the change arrived rather than from the next poll (client-go polls; lbctl watches).
 */
export function observe(state: ElectorState, current: StoredLease, now: number): ElectorState {
  if (state.observed !== undefined && sameRecord(state.observed.record, current.record)) return state;
  return { ...state, observed: { record: current.record, at: now } };
}

/** Records the outcome of a create/acquire/renew write that was sent at `sentAt`. */
export function afterWrite(state: ElectorState, action: LeaseAction, ok: boolean, sentAt: number): ElectorState {
  if (action.kind === "follow") return state;
  if (!ok) return state; // a 409 or an error: try again next retry period; the deadline keeps running
  return { observed: { record: action.record, at: sentAt }, lastRenew: sentAt };
}

/** Whether we may answer for the group now: a successful renew within the renew deadline. */
export function isLeading(state: ElectorState, timing: LeaseTiming, now: number): boolean {
  return state.lastRenew !== undefined && now - state.lastRenew < timing.renewDeadlineMs;
}

/** Forget leadership (after losing the deadline, or when the record shows another holder). */
export function stepDown(state: ElectorState): ElectorState {
  return { observed: state.observed };
}

/**
 * The record to write on shutdown (client-go ReleaseOnCancel): empty holder, duration 1 s, so a
 * standby acquires at its next retry. Undefined when we do not hold the lease.
 */
export function releaseRecord(current: StoredLease | undefined, identity: string, now: number): LeaseRecord | undefined {
  if (current === undefined || current.record.holderIdentity !== identity) return undefined;
  return { holderIdentity: "", leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: current.record.leaseTransitions };
}

/** Delay until the next attempt: the retry period with client-go's jitter (rand in [0,1)). */
export function retryDelay(timing: LeaseTiming, leading: boolean, rand: number): number {
  // Leaders renew on the plain period (client-go's renew loop has no jitter); followers jitter so
  // that standbys do not hit the API server in lockstep.
  return leading ? timing.retryPeriodMs : timing.retryPeriodMs * (1 + JITTER_FACTOR * rand);
}

/**
 * Delay until the next attempt of a follower that knows when the holder's lease expires: at the
 * expiry (plus up to 20 % of a retry period of jitter) when that comes before the jittered retry.
 * Takeover after a crash then costs the lease duration, not up to 2.2 retry periods more.
 */
export function nextAttemptDelay(timing: LeaseTiming, leading: boolean, rand: number, now: number, expiresAt: number | undefined): number {
  const base = retryDelay(timing, leading, rand);
  if (leading || expiresAt === undefined) return base;
  return Math.min(base, Math.max(0, expiresAt - now) + timing.retryPeriodMs * 0.2 * rand);
}

export type LeaseTransition = "acquired" | "renewed" | "lost" | "following" | "none";

/** Classifies a step for logs and the transitions counter. */
export function transition(wasLeading: boolean, isNowLeading: boolean): LeaseTransition {
  if (!wasLeading && isNowLeading) return "acquired";
  if (wasLeading && !isNowLeading) return "lost";
  return isNowLeading ? "renewed" : "following";
}

function sameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return a.holderIdentity === b.holderIdentity && a.leaseDurationSeconds === b.leaseDurationSeconds && a.acquireTime === b.acquireTime
    && a.renewTime === b.renewTime && a.leaseTransitions === b.leaseTransitions;
}

/**
 * Cilium's start-up validation of the three durations; bad values fall back with a warning
 * rather than failing: duration ≥ 1 s (else the default), renew deadline < duration (else
 * duration/2), retry > 0 (else 200 ms), renew deadline > retry × 1.2 (else retry = deadline/2).
 */
export function validateTiming(input: LeaseTiming): { timing: LeaseTiming; warnings: string[] } {
  const warnings: string[] = [];
  let { leaseDurationMs: d, renewDeadlineMs: r, retryPeriodMs: p } = input;
  if (!(d >= 1000)) {
    warnings.push(`lease duration ${fmt(d)} is below 1s; using ${fmt(DEFAULT_TIMING.leaseDurationMs)}`);
    d = DEFAULT_TIMING.leaseDurationMs;
  }
  if (!(r < d) || !(r > 0)) {
    warnings.push(`renew deadline ${fmt(r)} must be shorter than the lease duration ${fmt(d)}; using ${fmt(d / 2)}`);
    r = d / 2;
  }
  if (!(p > 0)) {
    warnings.push(`retry period ${fmt(p)} must be positive; using 200ms`);
    p = 200;
  }
  if (!(r > p * JITTER_FACTOR)) {
    warnings.push(`renew deadline ${fmt(r)} must exceed retry period × ${JITTER_FACTOR} (${fmt(p * JITTER_FACTOR)}); using retry ${fmt(r / 2)}`);
    p = r / 2;
  }
  return { timing: { leaseDurationMs: d, renewDeadlineMs: r, retryPeriodMs: p }, warnings };
}

function fmt(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
