// `lbctl pool controller` at run time: watch pools and Services into monotonic caches, elect a
// leader with one Lease, and while leading run reconcile passes (core/ipam/reconcile.ts) and
// write what they decide through the status subresource. Passes are serial: every write of a
// pass has landed in the cache before the next pass allocates, so no IP is handed out twice.
// A 409 or a write with an unknown outcome (5xx, timeout) re-reads that object before the next
// pass; failing passes back off (200 ms doubling to 10 s).
import { performance } from "node:perf_hooks";
import { confirmWrite, listOrder, reconcile, reconcileAdded, type PassMemory, type ControllerScope, type LbIpamSettings, type ReconcilePlan, type ServiceWrite, type PoolWrite } from "../../core/ipam/index.ts";
import type { LeaseTiming } from "../../core/announce/lease.ts";
import { GroupElector } from "../announce/elector.ts";
import { kubeLeaseStore } from "../announce/kube-leases.ts";
import type { Logger } from "../announce/logger.ts";
import { keyOf, Reflector } from "../announce/reflector.ts";
import { isNotFound } from "../kube/errors.ts";
import { RESOURCES, type Gvr, type Kube } from "../kube/types.ts";
import { EventSink, eventObject } from "./events.ts";
import { runLimited, StatusWriter } from "./status-writer.ts";
import { NO_METRICS, type ControllerMetrics } from "./metrics.ts";

export const LEASE_NAME = "lbctl-pool-controller";

export interface ControllerOptions {
  readonly kube: Kube;
  readonly log: Logger;
  readonly settings: LbIpamSettings;
  readonly scope: ControllerScope;
  readonly identity: string;
  readonly leaseNamespace: string;
  readonly timing: LeaseTiming;
  readonly now: () => number;
  readonly metrics?: ControllerMetrics | undefined;
  /** Status writes in flight at once (default 16). */
  readonly writeConcurrency?: number | undefined;
  readonly events?: boolean | undefined;
  /** cilium.io/v2 by default; v2alpha1 on clusters whose CRD serves only that (see poolResource). */
  readonly pools?: Gvr | undefined;
}

/** cilium.io/v2 when served, else v2alpha1 (Cilium ≤ 1.17 CRDs), as `pool list --cluster` does. */
export async function poolResource(kube: Kube): Promise<Gvr> {
  try {
    for await (const _ of kube.pages(RESOURCES.poolsV2, { pageSize: 1 })) break;
    return RESOURCES.poolsV2;
  } catch (err) {
    if (!isNotFound(err)) return RESOURCES.poolsV2; // the watch will retry and report
    return RESOURCES.poolsV2alpha1;
  }
}

export interface ControllerStats {
  passes: number;
  serviceWrites: number;
  poolWrites: number;
  conflicts: number;
  errors: number;
  /** Passes answered by the fast path (only new Services). */
  fastPasses: number;
}

export class PoolController {
  readonly stats: ControllerStats = { passes: 0, serviceWrites: 0, poolWrites: 0, conflicts: 0, errors: 0, fastPasses: 0 };
  private readonly pools: Reflector;
  private readonly services: Reflector;
  private readonly elector: GroupElector;
  private readonly eventSink: EventSink | undefined;
  private readonly m: ControllerMetrics;
  private leading = false;
  private stopped = false;
  private dirty = false;
  private running: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private backoff = 0;
  private readonly writer: StatusWriter;
  private readonly poolsGvr: Gvr;
  private idleWaiters: (() => void)[] = [];
  /** The previous pass, for the fast path; dropped when one of its writes did not land. */
  private memory: PassMemory | undefined;
  /** When the last full pass ran (ms): a full pass at least once a minute anyway, as insurance. */
  private lastFull = 0;
  private lastInvalid = "";

  constructor(private readonly o: ControllerOptions) {
    this.m = o.metrics ?? NO_METRICS;
    this.writer = new StatusWriter(o.kube, o.log, this.m, this.stats);
    const changed = (): void => this.kick();
    this.poolsGvr = o.pools ?? RESOURCES.poolsV2;
    this.pools = new Reflector(o.kube, this.poolsGvr, { optional: true, monotonic: true }, changed, o.log);
    this.services = new Reflector(o.kube, RESOURCES.services, { monotonic: true }, changed, o.log);
    this.eventSink = o.events === false ? undefined : new EventSink(o.kube, o.log, () => this.m.eventDropped());
    this.elector = new GroupElector({
      name: LEASE_NAME,
      identity: o.identity,
      timing: o.timing,
      store: kubeLeaseStore(o.kube, o.leaseNamespace, undefined),
      log: o.log,
      now: o.now,
      annotations: () => ({}),
      onLeading: (l) => this.setLeading(l),
    });
  }

  start(): void {
    this.pools.start();
    this.services.start();
    this.o.log.info("joining election", { lease: `${this.o.leaseNamespace}/${LEASE_NAME}`, identity: this.o.identity });
    this.elector.start();
  }

  isLeading(): boolean {
    return this.leading;
  }

  synced(): boolean {
    return this.pools.synced && this.services.synced;
  }

  /** Resolves once leading, synced, and a pass found nothing left to write. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    await this.running;
    await this.eventSink?.drain(1000);
    await this.elector.stop(true);
    this.pools.stop();
    this.services.stop();
  }

  private isIdle(): boolean {
    return this.leading && this.synced() && !this.dirty && this.running === undefined && this.retry === undefined;
  }

  private setLeading(l: boolean): void {
    this.leading = l;
    if (!l) this.memory = undefined;
    this.m.leader(l);
    this.o.log.info(l ? "lease acquired; reconciling" : this.stopped ? "stepping down" : "not leading; standing by", { identity: this.o.identity });
    if (l) this.kick();
  }

  private kick(): void {
    this.dirty = true;
    if (this.running || this.retry || this.stopped || !this.leading || !this.synced()) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.dirty) this.kick();
      if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  private async loop(): Promise<void> {
    while (this.dirty && this.leading && !this.stopped) {
      this.dirty = false;
      const t0 = performance.now();
      // An object whose last write has an unknown outcome must be re-read before allocating.
      if (!(await this.writer.refreshStale())) {
        this.backOff();
        return;
      }
      const now = new Date(this.o.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
      // Fast path when only new Services arrived (core/ipam/incremental.ts); a full pass at
      // least once a minute anyway.
      const recent = this.o.now() - this.lastFull < 60_000;
      let plan = this.memory && recent ? reconcileAdded(this.memory, this.pools.items.values(), this.services.items.values(), now) : undefined;
      if (plan) this.stats.fastPasses++;
      else {
        this.lastFull = this.o.now();
        plan = reconcile(listOrder(this.pools.items.values(), false), listOrder(this.services.items.values(), true), this.o.settings, this.o.scope, now);
      }
      this.memory = plan.memory;
      this.writer.passClean = true;
      this.stats.passes++;
      this.report(plan);
      const t1 = performance.now();
      const failed = await this.write(plan);
      // A conflict or an unknown outcome: re-read (refreshStale) and pass again.
      if (this.writer.hasStale()) this.dirty = true;
      if (!this.writer.passClean) this.memory = undefined;
      this.m.pass(plan, (performance.now() - t0) / 1000);
      this.o.log.debug("pass", { compute_ms: Math.round(t1 - t0), write_ms: Math.round(performance.now() - t1), services: plan.services.length, pools: plan.pools.length });
      if (failed) {
        this.backOff();
        return;
      }
      this.backoff = 0;
    }
  }

  private backOff(): void {
    this.dirty = true;
    this.backoff = Math.min(this.backoff === 0 ? 200 : this.backoff * 2, 10_000);
    this.o.log.warn("some requests failed; retrying", { in_ms: this.backoff });
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.kick();
    }, this.backoff);
  }

  private report(plan: ReconcilePlan): void {
    const text = plan.invalidPools.map((p) => `${p.name}: ${p.errors.join("; ")}`).join(" | ");
    if (text === this.lastInvalid) return;
    this.lastInvalid = text;
    for (const p of plan.invalidPools) this.o.log.warn("invalid pool rejected; serving the others", { pool: p.name, errors: p.errors.join("; ") });
  }

  /** Writes a pass's decisions; true when something failed in a way worth a retry. */
  private async write(plan: ReconcilePlan): Promise<boolean> {
    let failed = false;
    const jobs: (() => Promise<void>)[] = [
      ...plan.services.map((w) => () => this.writeService(w).then((ok) => void (failed ||= !ok))),
      ...plan.pools.map((w) => () => this.writePool(w).then((ok) => void (failed ||= !ok))),
    ];
    const started = await runLimited(jobs, this.o.writeConcurrency ?? 16, () => !this.leading || this.stopped);
    if (started < jobs.length) this.writer.passClean = false; // halted: some decisions were never written
    return failed;
  }

  private async writeService(w: ServiceWrite): Promise<boolean> {
    const ok = await this.writer.put(RESOURCES.services, w.after, this.services, "services");
    if (typeof ok === "string") return ok === "gone";
    if (this.memory) confirmWrite(this.memory, "service", w.before, ok);
    this.stats.serviceWrites++;
    w.added.forEach((ip, i) => this.m.allocated(w.addedPools[i] ?? "", 1));
    if (w.added.length > 0) this.o.log.info("allocated", { service: w.key, ips: w.added, pools: [...new Set(w.addedPools)] });
    else if (w.event) this.o.log.info(w.event.reason === "IPReleased" ? "released" : "pending", { service: w.key, reason: w.event.message });
    if (w.event && this.eventSink) this.eventSink.emit(eventObject(this.services.items.get(keyOf(w.after)) ?? w.after, w.event, new Date(this.o.now()).toISOString(), this.o.identity));
    return true;
  }

  private async writePool(w: PoolWrite): Promise<boolean> {
    const ok = await this.writer.put(this.poolsGvr, w.after, this.pools, "pools");
    if (typeof ok === "string") return ok === "gone";
    this.stats.poolWrites++;
    if (this.memory) confirmWrite(this.memory, "pool", w.before, ok);
    return true;
  }
}
