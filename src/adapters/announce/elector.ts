// One address group's election loop over a LeaseStore (the Kubernetes Lease API in production,
// a map in tests). Decisions come from core/announce/lease.ts; this file owns the timers. A
// deadline timer steps down the moment the renew deadline passes, even while a request hangs.
import { afterWrite, decide, isLeading, observe, releaseRecord, nextAttemptDelay, stepDown, type ElectorState, type LeaseRecord, type LeaseTiming, type StoredLease } from "../../core/announce/lease.ts";
import type { Logger } from "./logger.ts";

export interface LeaseStore {
  get(name: string): Promise<StoredLease | undefined>;
  /** false when it already exists (409). */
  create(name: string, record: LeaseRecord, annotations: Readonly<Record<string, string>>): Promise<boolean>;
  /** false on a resourceVersion conflict (409). */
  update(name: string, record: LeaseRecord, resourceVersion: string, annotations: Readonly<Record<string, string>>): Promise<boolean>;
  /** Removes the Lease of an address that no longer exists anywhere (optional). */
  delete?(name: string): Promise<void>;
}

export interface ElectorOptions {
  readonly name: string;
  readonly identity: string;
  readonly timing: LeaseTiming;
  readonly store: LeaseStore;
  readonly log: Logger;
  readonly now: () => number;
  readonly random?: () => number;
  /** Published on the Lease so `status` (and `l2 status`) can show interface and MAC. */
  readonly annotations: () => Readonly<Record<string, string>>;
  readonly onLeading: (leading: boolean) => void;
  readonly onRequest?: (verb: string) => void;
}

export class GroupElector {
  private state: ElectorState = {};
  private leading = false;
  private timer: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private busy = false;
  private inflight: Promise<void> = Promise.resolve();
  private expiresAt: number | undefined;
  private stopped = false;
  private lastError = "";

  constructor(private readonly o: ElectorOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** A change of the Lease seen on the watch: note it now; a release triggers an attempt. */
  observe(cur: StoredLease): void {
    if (this.stopped) return;
    this.state = observe(this.state, cur, this.o.now());
    if (cur.record.holderIdentity === "") this.poke();
  }

  /** The Lease was released by its holder (seen on the watch): try now, not a retry later. */
  poke(): void {
    if (this.stopped || this.busy || this.leading) return;
    if (this.timer) clearTimeout(this.timer);
    // A little jitter so that several standbys do not all write in the same millisecond.
    this.schedule(Math.floor((this.o.random ?? Math.random)() * 20));
  }

  isLeading(): boolean {
    return this.leading;
  }

  /** Stops the loop; when leading, stops answering first, then releases the Lease. */
  async stop(release: boolean): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.deadline) clearTimeout(this.deadline);
    const mayHold = this.leading || this.state.lastRenew !== undefined;
    this.setLeading(false);
    if (!release || !mayHold) return;
    // A renew still in flight would overwrite the release (or make it conflict): let it land.
    // Bounded: with the API server unreachable the request could hang until its timeout.
    await Promise.race([this.inflight, new Promise((r) => setTimeout(r, 1000).unref())]);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        this.o.onRequest?.("get");
        const cur = await this.o.store.get(this.o.name);
        const rec = releaseRecord(cur, this.o.identity, this.o.now());
        if (!cur || !rec) return;
        this.o.onRequest?.("update");
        if (await this.o.store.update(this.o.name, rec, cur.resourceVersion, {})) {
          this.o.log.info("lease released", { lease: this.o.name });
          return;
        }
        await new Promise((r) => setTimeout(r, 50)); // 409: our copy was stale; read again
      } catch (err) {
        this.o.log.warn("releasing lease failed; it will expire", { lease: this.o.name, error: (err as Error).message });
        return;
      }
    }
    this.o.log.warn("releasing lease failed after retries; it will expire", { lease: this.o.name });
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.attempt(), ms);
  }

  private attempt(): Promise<void> {
    if (this.stopped || this.busy) return this.inflight;
    this.inflight = this.step();
    return this.inflight;
  }

  private async step(): Promise<void> {
    this.busy = true;
    const sentAt = this.o.now();
    try {
      this.o.onRequest?.("get");
      const cur = await this.o.store.get(this.o.name);
      const { action, state } = decide(this.state, cur, this.o.identity, this.o.timing, sentAt);
      this.state = state;
      this.o.log.debug("election step", { lease: this.o.name, action: action.kind, holder: cur?.record.holderIdentity, rv: cur?.resourceVersion });
      this.expiresAt = action.kind === "follow" ? action.expiresAt : undefined;
      if (action.kind === "follow") {
        if (this.leading || this.state.lastRenew !== undefined) this.state = stepDown(this.state);
      } else {
        const verb = action.kind === "create" ? "create" : "update";
        this.o.onRequest?.(verb);
        const ok = action.kind === "create"
          ? await this.o.store.create(this.o.name, action.record, this.o.annotations())
          : await this.o.store.update(this.o.name, action.record, action.resourceVersion, this.o.annotations());
        this.state = afterWrite(this.state, action, ok, sentAt);
      }
      this.lastError = "";
    } catch (err) {
      const msg = (err as Error).message;
      if (msg !== this.lastError) this.o.log.warn("lease request failed", { lease: this.o.name, error: msg });
      this.lastError = msg;
    } finally {
      this.busy = false;
    }
    if (this.stopped) return;
    this.refresh();
    this.schedule(nextAttemptDelay(this.o.timing, this.leading, (this.o.random ?? Math.random)(), this.o.now(), this.expiresAt));
  }

  /** Re-evaluates leadership now and arms the deadline timer. */
  private refresh(): void {
    const now = this.o.now();
    const lead = isLeading(this.state, this.o.timing, now);
    this.setLeading(lead);
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
    if (lead && this.state.lastRenew !== undefined) {
      const at = this.state.lastRenew + this.o.timing.renewDeadlineMs;
      this.deadline = setTimeout(() => this.refresh(), Math.max(1, at - now + 1));
    }
  }

  private setLeading(lead: boolean): void {
    if (lead === this.leading) return;
    this.leading = lead;
    if (!lead && !this.stopped) this.o.log.warn("stopped leading: no successful renew within the renew deadline, or another holder", { lease: this.o.name });
    this.o.onLeading(lead);
  }
}
