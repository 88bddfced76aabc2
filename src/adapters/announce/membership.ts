// Membership election (the default): one heartbeat Lease per announcer, renewed every retry
// period and rewritten at once when its claims change; every node computes the owners of all
// addresses from the member Leases it watches (core/announce/membership.ts) and answers as
// core/announce/handover.ts allows. API cost: one write per announcer per retry period plus the
// writes changes need, whatever the number of addresses. CPU cost per watch event: what the event
// changes (core/announce/handover-state.ts): a heartbeat that changes nothing relevant looks at
// no address.
import { planGroups, type AddressGroup, type PolicyProblem } from "../../core/announce/policy.ts";
import type { LeaseTiming } from "../../core/announce/lease.ts";
import { servablePolicies } from "../../core/announce/membership.ts";
import { HandoverState, memberLeaseView, type ClaimsSnapshot, type HandoverWork } from "../../core/announce/handover-state.ts";
import { ANNOTATION_MEMBER_CLAIMS, formatMemberAnnotations, isMemberLeaseName, memberLeaseName, NODE_WEIGHT_LABEL, parseWeight } from "../../core/announce/lease-record.ts";
import { leaseSpec, type LeaseObject } from "../../core/announce/objects.ts";
import type { Metrics } from "../../core/announce/metrics.ts";
import { isConflict } from "../kube/errors.ts";
import { RESOURCES, type Kube, type KubeObject } from "../kube/types.ts";
import type { Announcer } from "./announcer.ts";
import type { ClusterSnapshot } from "./cluster.ts";
import type { Logger } from "./logger.ts";
import { MANAGED_BY_LABEL } from "./kube-leases.ts";

export interface MembershipDeps {
  readonly engine: Announcer;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly identity: string;
  readonly timing: LeaseTiming;
  readonly kube: Kube;
  readonly namespace: string;
  /** The watch-fed Leases of the lease namespace (key "ns/name"). */
  readonly leases: () => ReadonlyMap<string, KubeObject>;
  readonly now: () => number;
}

export interface MembershipSnapshot extends ClusterSnapshot {
  /** Whether Service "ns/name" has a ready endpoint on node `node` (all nodes: eTP=Local). */
  readonly hasLocalEndpoint: (serviceKey: string, node: string) => boolean;
}

/** How long membership changes are gathered into one owner pass (well under a watch's lag budget). */
const OWNER_PASS_DELAY_MS = 20;

export class MembershipController {
  private snapshot: MembershipSnapshot | undefined;
  private readonly name: string;
  private readonly state: HandoverState;
  /** resourceVersion of our own successful writes → send time (to judge what the watch shows). */
  private readonly sentAtOfRv = new Map<string, number>();
  private rv: string | undefined;
  private held = new Map<string, readonly string[]>();
  private local: AddressGroup[] = [];
  private problems: PolicyProblem[] = [];
  private timer: NodeJS.Timeout | undefined;
  private wake: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private ownersTimer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private problemsSeen = "";
  private lastError = "";
  /** What held and the annotations were last built from (rebuilt only when these move). */
  private heldFrom = { answer: -1, plan: -1 };
  private annotationsFrom = "";
  private annotations: Record<string, string> = {};
  private annotationsText = "";
  private claimsOfAnnotations: ClaimsSnapshot = { version: -1, claims: [] };
  private published = "";
  private self = { policies: [] as string[], weight: 1, interfaces: "" };
  private plan: { snap: MembershipSnapshot; up: string; version: number; mine: ReturnType<typeof planGroups> } | undefined;

  constructor(private readonly d: MembershipDeps) {
    this.name = memberLeaseName(d.identity);
    this.state = new HandoverState(d.identity, d.timing, { deferOwners: true });
  }

  update(snapshot: MembershipSnapshot): readonly PolicyProblem[] {
    if (this.stopped) return [];
    const first = this.snapshot === undefined;
    if (first) {
      this.d.log.info("joining membership", { lease: this.name, node: this.d.identity });
      this.schedule(0);
    }
    this.snapshot = snapshot;
    this.refreshLocal();
    // Lease events before the first snapshot were not looked at: read them all now.
    if (first) this.resyncLeases();
    this.output();
    return this.problems;
  }

  /**
   * A Lease changed on the watch: `changed` is the object of the event (the cache holds its
   * current copy, or none after a deletion); undefined after a (re)list: read them all.
   */
  leaseChanged(changed?: KubeObject): void {
    if (this.stopped || this.snapshot === undefined) return;
    if (changed === undefined) this.resyncLeases();
    else {
      const name = (changed["metadata"] as { name?: string } | undefined)?.name ?? "";
      if (!isMemberLeaseName(name)) return;
      this.leaseNamed(name);
    }
    this.output();
  }

  relink(): void {
    if (this.stopped || this.snapshot === undefined) return;
    this.refreshLocal();
    this.output();
  }

  /** Owner passes and address decisions so far (the bench shows that heartbeats do none). */
  work(): Readonly<HandoverWork> {
    return this.state.work;
  }

  groups(): { group: AddressGroup; leading: boolean; owner: string | undefined }[] {
    const owners = this.state.owners;
    return this.local.map((g) => ({ group: g, leading: this.held.has(g.ip), owner: owners.get(g.ip) }));
  }

  /** SIGTERM: stop answering everything, then delete our member Lease (others take over at once). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.d.engine.setHeld(new Map());
    if (this.timer) clearTimeout(this.timer);
    if (this.wake) clearTimeout(this.wake);
    if (this.ownersTimer) clearTimeout(this.ownersTimer);
    await Promise.race([this.inflight, new Promise((r) => setTimeout(r, 1000).unref())]);
    try {
      await this.d.kube.delete(RESOURCES.leases, this.name, this.d.namespace);
      this.d.log.info("member lease released", { lease: this.name, addresses: this.held.size });
    } catch (err) {
      this.d.log.warn("releasing the member lease failed; it will expire", { lease: this.name, error: (err as Error).message });
    }
    this.d.metrics.set("lbctl_announce_leases_held", {}, 0);
  }

  /** The snapshot or the local interfaces moved: re-plan (only if either really changed). */
  private refreshLocal(): void {
    const snap = this.snapshot;
    if (snap === undefined) return;
    const now = this.d.now();
    const up = this.d.engine.interfaces().filter((l) => l.up).map((l) => l.name);
    const node = snap.node ?? { name: this.d.identity, labels: {} };
    const key = up.join(",");
    if (this.plan?.snap !== snap || this.plan.up !== key) {
      const mine = planGroups({ policies: snap.policies, services: snap.services, node, interfaces: up, hasLocalEndpoint: (k) => snap.localEndpoints.has(k) });
      const all = planGroups({ policies: snap.policies, services: snap.services }).groups;
      const localServices = new Set(snap.services.filter((x) => x.externalTrafficPolicy === "Local").map((x) => `${x.namespace}/${x.name}`));
      this.plan = { snap, up: key, version: (this.plan?.version ?? 0) + 1, mine };
      this.local = mine.groups;
      this.problems = mine.problems;
      this.report(mine.problems);
      const policies = snap.node === undefined ? [] : servablePolicies(snap.policies, node, up);
      const weight = parseWeight(node.labels[NODE_WEIGHT_LABEL]).weight;
      const interfaces = up.map((i) => ({ interface: i, mac: this.d.engine.macOf(i) ?? "" })).filter((x) => x.mac !== "");
      this.self = { policies, weight, interfaces: JSON.stringify(interfaces) };
      const candidates = new Set(mine.groups.filter((g) => g.candidate).map((g) => g.ip));
      this.state.setPlan({ groups: all, localServices, hasLocalEndpoint: snap.hasLocalEndpoint, candidates }, { weight, policies }, now);
    }
  }

  /** Every member Lease in the cache, and the deletions since (a relist, or the first snapshot). */
  private resyncLeases(): void {
    this.state.batch(() => {
      const names = new Set<string>();
      for (const obj of this.d.leases().values()) {
        const name = (obj["metadata"] as { name?: string } | undefined)?.name ?? "";
        if (!isMemberLeaseName(name)) continue;
        names.add(name);
        this.leaseNamed(name);
      }
      if (!names.has(this.name)) this.leaseNamed(this.name);
      for (const n of this.state.peerNames()) if (!names.has(n)) this.state.peer(n, undefined, this.d.now());
    });
  }

  /** One member Lease, as the cache holds it now. */
  private leaseNamed(name: string): void {
    const now = this.d.now();
    const obj = this.d.leases().get(`${this.d.namespace}/${name}`) as LeaseObject | undefined;
    if (name !== this.name) {
      this.state.peer(name, obj === undefined ? undefined : memberLeaseView(obj), now);
      return;
    }
    // Our own Lease counts only as one of our writes (its send time known): rule 3 of handover.ts.
    const sentAt = obj === undefined ? undefined : this.sentAtOfRv.get(obj.metadata?.resourceVersion ?? "");
    this.state.ownSeen(sentAt === undefined ? undefined : { sentAt, claimsText: obj?.metadata?.annotations?.[ANNOTATION_MEMBER_CLAIMS] ?? "" }, now);
  }

  /** Applies the state's results: held addresses, what to publish, the expiry timer. Cheap when nothing moved. */
  private output(): void {
    const st = this.state;
    const planVersion = this.plan?.version ?? 0;
    if (st.answerVersion !== this.heldFrom.answer || planVersion !== this.heldFrom.plan) {
      this.heldFrom = { answer: st.answerVersion, plan: planVersion };
      // Answer only addresses also selected here with an interface up (the local plan).
      const held = new Map<string, readonly string[]>();
      for (const g of this.local) if (g.candidate && st.answer.has(g.ip)) held.set(g.ip, g.interfaces);
      this.setHeld(held);
    }
    this.d.metrics.set("lbctl_announce_leases_held", {}, this.held.size > 0 || st.healthy ? 1 : 0);
    const from = `${st.claimsVersion}\u0000${this.self.policies.join(",")}\u0000${this.self.weight}\u0000${this.self.interfaces}`;
    if (from !== this.annotationsFrom) {
      this.annotationsFrom = from;
      this.claimsOfAnnotations = st.claimsSnapshot();
      const interfaces = JSON.parse(this.self.interfaces) as { interface: string; mac: string }[];
      this.annotations = formatMemberAnnotations({ policies: this.self.policies, weight: this.self.weight, claims: this.claimsOfAnnotations.claims, interfaces });
      this.annotationsText = JSON.stringify(this.annotations);
      if (this.annotationsText !== this.published) this.schedule(0); // a change: write now, not at the next renew
    }
    this.arm();
    if (this.state.ownersStale && this.ownersTimer === undefined && !this.stopped) {
      // Membership changed: one owner pass for the whole burst (joins at startup, a rollout).
      this.ownersTimer = setTimeout(() => {
        this.ownersTimer = undefined;
        if (this.stopped) return;
        this.state.refreshOwners(this.d.now());
        this.output();
      }, OWNER_PASS_DELAY_MS);
    }
  }

  /** One timer: when our renew deadline passes or a peer's Lease expires on our clock. */
  private arm(): void {
    const at = this.state.nextWakeAt();
    if (at === this.wakeAt) return;
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    this.wakeAt = at;
    if (at === Infinity || this.stopped) return;
    this.wake = setTimeout(() => {
      this.wake = undefined;
      this.wakeAt = Infinity;
      if (this.stopped) return;
      this.state.tick(this.d.now());
      this.output();
    }, Math.max(1, at - this.d.now() + 1));
  }

  private setHeld(next: Map<string, readonly string[]>): void {
    const before = this.held;
    if (next.size === before.size && [...next].every(([ip, ifs]) => before.get(ip)?.join(",") === ifs.join(","))) return; // unchanged: no engine work
    for (const ip of next.keys()) if (!before.has(ip)) this.d.log.info("answering", { ip, interfaces: next.get(ip), lease: this.name });
    for (const ip of before.keys()) if (!next.has(ip)) this.d.log.info("not answering", { ip, owner: this.state.owners.get(ip) ?? "<none>", healthy: this.state.healthy });
    this.held = next;
    this.d.engine.setHeld(next);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.inflight) {
      if (ms === 0) this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inflight = this.write().finally(() => {
        this.inflight = undefined;
        const now = this.again;
        this.again = false;
        this.schedule(now ? 0 : this.d.timing.retryPeriodMs);
      });
    }, ms);
  }

  /** One renew of our member Lease, carrying the current claims. */
  private async write(): Promise<void> {
    if (this.stopped || this.snapshot === undefined) return;
    const sentAt = this.d.now();
    const claims = this.claimsOfAnnotations;
    const text = this.annotationsText;
    const durationS = Math.max(1, Math.round(this.d.timing.leaseDurationMs / 1000));
    const body = (rv: string | undefined): KubeObject => ({
      apiVersion: "coordination.k8s.io/v1", kind: "Lease",
      metadata: { name: this.name, namespace: this.d.namespace, labels: { [MANAGED_BY_LABEL]: "lbctl" }, annotations: { ...this.annotations }, ...(rv ? { resourceVersion: rv } : {}) },
      spec: leaseSpec({ holderIdentity: this.d.identity, leaseDurationSeconds: durationS, acquireTime: sentAt, renewTime: sentAt, leaseTransitions: 0 }),
    });
    try {
      let out: KubeObject;
      if (this.rv === undefined) {
        const cur = this.d.leases().get(`${this.d.namespace}/${this.name}`);
        const rv = cur === undefined ? undefined : (cur["metadata"] as { resourceVersion?: string } | undefined)?.resourceVersion;
        out = rv === undefined ? await this.d.kube.create(RESOURCES.leases, body(undefined)) : await this.d.kube.update(RESOURCES.leases, body(rv));
      } else {
        out = await this.d.kube.update(RESOURCES.leases, body(this.rv));
      }
      const rv = (out["metadata"] as { resourceVersion?: string } | undefined)?.resourceVersion ?? "";
      this.rv = rv;
      this.sentAtOfRv.set(rv, sentAt);
      if (this.sentAtOfRv.size > 64) this.sentAtOfRv.delete(this.sentAtOfRv.keys().next().value!);
      this.published = text;
      this.state.wrote(claims, sentAt, this.d.now());
      // The watch echo of this write may have arrived before its answer: look at our copy again.
      this.leaseNamed(this.name);
      if (this.lastError !== "") this.d.log.info("member lease renewed again", { lease: this.name });
      this.lastError = "";
    } catch (err) {
      // A conflict (someone else's copy, or a stale rv): read from the watch cache next time.
      this.rv = undefined;
      if (!isConflict(err)) {
        const msg = (err as Error).message;
        if (msg !== this.lastError) this.d.log.warn("member lease renew failed", { lease: this.name, error: msg });
        this.lastError = msg;
      }
    }
    if (!this.stopped) this.output();
  }

  private report(problems: readonly PolicyProblem[]): void {
    const key = JSON.stringify(problems);
    if (key === this.problemsSeen) return;
    this.problemsSeen = key;
    for (const p of problems) this.d.log.error("invalid L2 announcement policy", { policy: p.policy, condition: p.type, message: p.message });
  }
}
