// Cluster mode: from a snapshot of Services, policies, this Node and its local endpoints, plan
// the address groups (core/announce/policy.ts), run one elector per candidate group, and hold
// (answer for) exactly the addresses of the groups this node leads.
import { planGroups, type AddressGroup, type L2Policy, type NodeInfo, type PolicyProblem, type L2Service } from "../../core/announce/policy.ts";
import type { LeaseTiming, StoredLease } from "../../core/announce/lease.ts";
import { ANNOTATION_INTERFACES, ANNOTATION_IP, ANNOTATION_SERVICES } from "../../core/announce/lease-record.ts";
import type { Metrics } from "../../core/announce/metrics.ts";
import { GroupElector, type LeaseStore } from "./elector.ts";
import type { Announcer } from "./announcer.ts";
import type { Logger } from "./logger.ts";

export interface ClusterSnapshot {
  readonly services: readonly L2Service[];
  readonly policies: readonly L2Policy[];
  readonly node: NodeInfo | undefined;
  /** "ns/name" of Services with a ready endpoint on this node. */
  readonly localEndpoints: ReadonlySet<string>;
}

export interface ClusterDeps {
  readonly engine: Announcer;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly identity: string;
  readonly timing: LeaseTiming;
  readonly store: LeaseStore;
  readonly now: () => number;
}


interface Running {
  group: AddressGroup;
  elector: GroupElector;
}

export class ClusterController {
  private readonly running = new Map<string, Running>();
  private snapshot: ClusterSnapshot | undefined;
  private problemsSeen = "";
  private stopped = false;
  private nodeMissingReported = false;

  constructor(private readonly d: ClusterDeps) {}

  /**
   * Recomputes the plan; call on every watch event (cheap: pure planning + map diffs). Returns
   * the policies' problems, for their status conditions.
   */
  update(snapshot: ClusterSnapshot): readonly PolicyProblem[] {
    if (this.stopped) return [];
    this.snapshot = snapshot;
    if (snapshot.node === undefined && !this.nodeMissingReported) {
      this.nodeMissingReported = true;
      this.d.log.warn("this node's Node object is not visible; not taking part in any election", { node: this.d.identity });
    }
    const { groups, problems } = planGroups({
      policies: snapshot.policies,
      services: snapshot.services,
      node: snapshot.node ?? { name: this.d.identity, labels: {} },
      // Only interfaces that are up: a holder whose interfaces all went down hands the address
      // over instead of renewing over another NIC (Cilium #35507).
      interfaces: this.d.engine.interfaces().filter((l) => l.up).map((l) => l.name),
      hasLocalEndpoint: (k) => snapshot.localEndpoints.has(k),
    });
    this.report(problems);
    const want = new Map(groups.filter((g) => g.candidate && snapshot.node !== undefined).map((g) => [g.leaseName, g]));
    let everywhere: Set<string> | undefined;
    for (const [name, r] of this.running) {
      if (want.has(name)) continue;
      const g = groups.find((x) => x.leaseName === name);
      this.d.log.info("leaving election", { lease: name, ip: r.group.ip, reason: g?.reason ?? "no-longer-selected" });
      this.running.delete(name);
      // An address no Service/policy selects on any node: its Lease is garbage (Cilium deletes
      // empty cilium-l2announce Leases once a minute); a node that still sees it recreates it.
      everywhere ??= new Set(planGroups({ policies: snapshot.policies, services: snapshot.services }).groups.map((x) => x.leaseName));
      const gone = !everywhere.has(name);
      void r.elector.stop(true).then(async () => {
        this.publish();
        if (gone && this.d.store.delete) {
          await this.d.store.delete(name).catch((err: unknown) => this.d.log.warn("deleting the Lease of a removed address failed", { lease: name, error: (err as Error).message }));
        }
      });
    }
    for (const [name, g] of want) {
      const r = this.running.get(name);
      if (r) {
        r.group = g;
        continue;
      }
      const entry: Running = { group: g, elector: undefined as unknown as GroupElector };
      entry.elector = new GroupElector({
        name, identity: this.d.identity, timing: this.d.timing, store: this.d.store, log: this.d.log, now: this.d.now,
        annotations: () => this.annotations(entry.group),
        onLeading: (leading) => this.onLeading(entry.group, leading),
      });
      this.running.set(name, entry);
      this.d.log.info("joining election", { lease: name, ip: g.ip, services: g.services, interfaces: g.interfaces });
      entry.elector.start();
    }
    this.publish();
    return problems;
  }

  /** A watch event for one of our Leases: electors note it (and try at once on a release). */
  leaseChanged(name: string, lease: StoredLease): void {
    this.running.get(name)?.elector.observe(lease);
  }

  /** Interfaces changed (rescan): re-plan with the same snapshot. */
  relink(): void {
    if (this.snapshot) this.update(this.snapshot);
  }

  groups(): { group: AddressGroup; leading: boolean }[] {
    return [...this.running.values()].map((r) => ({ group: r.group, leading: r.elector.isLeading() }));
  }

  /** SIGTERM: stop answering everything at once, then release every held Lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.d.engine.setHeld(new Map());
    await Promise.all([...this.running.values()].map((r) => r.elector.stop(true)));
    this.running.clear();
    this.d.metrics.set("lbctl_announce_leases_held", {}, 0);
  }

  private onLeading(g: AddressGroup, leading: boolean): void {
    this.d.metrics.inc("lbctl_announce_lease_transitions_total", { direction: leading ? "acquired" : this.stopped ? "released" : "lost" });
    this.d.log.info(leading ? "lease acquired; answering" : "lease lost; not answering", { lease: g.leaseName, ip: g.ip, interfaces: g.interfaces });
    this.publish();
  }

  /** Held = the addresses of led groups on their interfaces. */
  private publish(): void {
    if (this.stopped) return;
    const held = new Map<string, string[]>();
    let leases = 0;
    for (const r of this.running.values()) {
      if (!r.elector.isLeading()) continue;
      leases += 1;
      held.set(r.group.ip, [...r.group.interfaces]);
    }
    this.d.engine.setHeld(held);
    this.d.metrics.set("lbctl_announce_leases_held", {}, leases);
  }

  private annotations(g: AddressGroup): Record<string, string> {
    const ifs = g.interfaces.map((i) => `${i}=${this.d.engine.macOf(i) ?? "?"}`).join(",");
    return { [ANNOTATION_IP]: g.ip, [ANNOTATION_INTERFACES]: ifs, [ANNOTATION_SERVICES]: g.services.join(",") };
  }

  private report(problems: readonly PolicyProblem[]): void {
    const key = JSON.stringify(problems);
    if (key === this.problemsSeen) return;
    this.problemsSeen = key;
    for (const p of problems) this.d.log.error("invalid L2 announcement policy", { policy: p.policy, condition: p.type, message: p.message });
  }
}
