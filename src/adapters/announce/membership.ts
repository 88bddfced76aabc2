// Membership election (the default): one heartbeat Lease per announcer, renewed every retry
// period and rewritten at once when its claims change; every node computes the owners of all
// addresses from the member Leases it watches (core/announce/membership.ts) and answers as
// core/announce/handover.ts allows. API cost: one write per announcer per retry period plus the
// writes changes need, whatever the number of addresses.
import { planGroups, type AddressGroup, type PolicyProblem } from "../../core/announce/policy.ts";
import type { LeaseTiming } from "../../core/announce/lease.ts";
import { computeOwners, servablePolicies, type MemberView } from "../../core/announce/membership.ts";
import { decideHandover, NO_WRITES, peerExpiresAt, peerLive, recordWrite, type OwnWrites, type PeerLease } from "../../core/announce/handover.ts";
import { formatMemberAnnotations, isMemberLeaseName, memberLeaseName, NODE_WEIGHT_LABEL, parseMemberAnnotations, parseWeight } from "../../core/announce/lease-record.ts";
import { leaseSpec, toStoredLease, type LeaseObject } from "../../core/announce/objects.ts";
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

export class MembershipController {
  private snapshot: MembershipSnapshot | undefined;
  private readonly name: string;
  private writes: OwnWrites = NO_WRITES;
  /** resourceVersion of our own successful writes → send time (to judge what the watch shows). */
  private readonly sentAtOfRv = new Map<string, number>();
  /** Lease name → resourceVersion and local time first seen. */
  private readonly observed = new Map<string, { rv: string; at: number }>();
  private rv: string | undefined;
  private claims: string[] = [];
  private published = "";
  private held = new Map<string, readonly string[]>();
  private local: AddressGroup[] = [];
  private owners = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private wake: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private problemsSeen = "";
  private lastError = "";
  private healthy = false;

  constructor(private readonly d: MembershipDeps) {
    this.name = memberLeaseName(d.identity);
  }

  update(snapshot: MembershipSnapshot): readonly PolicyProblem[] {
    if (this.stopped) return [];
    if (this.snapshot === undefined) {
      this.d.log.info("joining membership", { lease: this.name, node: this.d.identity });
      this.schedule(0);
    }
    this.snapshot = snapshot;
    const problems = this.evaluate();
    return problems;
  }

  /** A Lease changed on the watch (or the first list arrived). */
  leaseChanged(): void {
    if (!this.stopped && this.snapshot) this.evaluate();
  }

  relink(): void {
    if (this.snapshot) this.evaluate();
  }

  groups(): { group: AddressGroup; leading: boolean; owner: string | undefined }[] {
    return this.local.map((g) => ({ group: g, leading: this.held.has(g.ip), owner: this.owners.get(g.ip) }));
  }

  /** SIGTERM: stop answering everything, then delete our member Lease (others take over at once). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.d.engine.setHeld(new Map());
    if (this.timer) clearTimeout(this.timer);
    if (this.wake) clearTimeout(this.wake);
    await Promise.race([this.inflight, new Promise((r) => setTimeout(r, 1000).unref())]);
    try {
      await this.d.kube.delete(RESOURCES.leases, this.name, this.d.namespace);
      this.d.log.info("member lease released", { lease: this.name, addresses: this.held.size });
    } catch (err) {
      this.d.log.warn("releasing the member lease failed; it will expire", { lease: this.name, error: (err as Error).message });
    }
    this.d.metrics.set("lbctl_announce_leases_held", {}, 0);
  }

  /** Recomputes owners and what to answer from the snapshot and the watched member Leases. */
  private evaluate(): PolicyProblem[] {
    const snap = this.snapshot;
    if (snap === undefined || this.stopped) return [];
    const now = this.d.now();
    const up = this.d.engine.interfaces().filter((l) => l.up).map((l) => l.name);
    const node = snap.node ?? { name: this.d.identity, labels: {} };
    const key = up.join(",");
    if (this.plan?.snap !== snap || this.plan.up !== key) {
      const mine = planGroups({ policies: snap.policies, services: snap.services, node, interfaces: up, hasLocalEndpoint: (k) => snap.localEndpoints.has(k) });
      const all = planGroups({ policies: snap.policies, services: snap.services }).groups;
      const local = new Set(snap.services.filter((x) => x.externalTrafficPolicy === "Local").map((x) => `${x.namespace}/${x.name}`));
      this.plan = { snap, up: key, mine, all, local };
    }
    const { mine, all, local } = this.plan;
    this.report(mine.problems);
    this.local = mine.groups;
    const myPolicies = snap.node === undefined ? [] : servablePolicies(snap.policies, node, up);
    const weight = parseWeight(node.labels[NODE_WEIGHT_LABEL]).weight;

    const peers: PeerLease[] = [];
    const members: MemberView[] = [{ identity: this.d.identity, weight, policies: new Set(myPolicies) }];
    let ownSeen: { claims: ReadonlySet<string>; sentAt: number } | undefined;
    let nextExpiry = Infinity;
    const seen = new Set<string>();
    for (const obj of this.d.leases().values()) {
      const l = obj as LeaseObject;
      const name = l.metadata?.name ?? "";
      if (!isMemberLeaseName(name)) continue;
      seen.add(name);
      const rv = l.metadata?.resourceVersion ?? "";
      const o = this.observed.get(name);
      const at = o !== undefined && o.rv === rv ? o.at : now;
      if (o === undefined || o.rv !== rv) this.observed.set(name, { rv, at });
      const { record } = toStoredLease(l);
      const ann = parseMemberAnnotations(l.metadata?.annotations);
      if (name === this.name) {
        const sentAt = this.sentAtOfRv.get(rv);
        if (sentAt !== undefined) ownSeen = { claims: new Set(ann.claims), sentAt };
        continue;
      }
      const p: PeerLease = { identity: record.holderIdentity || name, holder: record.holderIdentity, leaseDurationSeconds: record.leaseDurationSeconds, observedAt: at, claims: new Set(ann.claims) };
      if (p.identity === this.d.identity) continue;
      peers.push(p);
      if (peerLive(p, now)) {
        members.push({ identity: p.identity, weight: ann.weight, policies: new Set(ann.policies) });
        nextExpiry = Math.min(nextExpiry, peerExpiresAt(p));
      }
    }
    for (const k of this.observed.keys()) if (!seen.has(k)) this.observed.delete(k);

    // Renewals do not change the members' identities, weights or policies: reuse the owners.
    const sig = JSON.stringify(members.map((m) => [m.identity, m.weight, [...m.policies]]).sort());
    if (this.ownerCache?.plan !== this.plan || this.ownerCache.sig !== sig) {
      this.ownerCache = { plan: this.plan, sig, owners: computeOwners({ groups: all, members, localServices: local, hasLocalEndpoint: snap.hasLocalEndpoint }).owners };
    }
    const owners = this.ownerCache.owners;
    this.owners = owners;
    const decision = decideHandover({ identity: this.d.identity, now, timing: this.d.timing, writes: this.writes, ownSeen, peers, owners, answering: new Set(this.held.keys()) });
    this.healthy = decision.healthy;
    // Answer only addresses also selected here with an interface up (the local plan).
    const held = new Map<string, readonly string[]>();
    for (const g of mine.groups) if (g.candidate && decision.answer.has(g.ip)) held.set(g.ip, g.interfaces);
    this.setHeld(held);

    const candidates = new Set(mine.groups.filter((g) => g.candidate).map((g) => g.ip));
    const claims = decision.claims.filter((ip) => candidates.has(ip));
    const interfaces = up.map((i) => ({ interface: i, mac: this.d.engine.macOf(i) ?? "" })).filter((x) => x.mac !== "");
    this.claims = claims;
    this.annotations = formatMemberAnnotations({ policies: myPolicies, weight, claims, interfaces });
    if (JSON.stringify(this.annotations) !== this.published) this.schedule(0); // a change: write now, not at the next renew
    this.arm(nextExpiry, now);
    return mine.problems;
  }

  private annotations: Record<string, string> = {};
  private ownerCache: { plan: unknown; sig: string; owners: Map<string, string> } | undefined;
  private plan: { snap: MembershipSnapshot; up: string; mine: ReturnType<typeof planGroups>; all: AddressGroup[]; local: Set<string> } | undefined;

  /** Re-evaluate when our renew deadline passes or a peer's Lease expires on our clock. */
  private arm(nextExpiry: number, now: number): void {
    if (this.wake) clearTimeout(this.wake);
    const deadline = this.writes.lastSentAt === undefined ? Infinity : this.writes.lastSentAt + this.d.timing.renewDeadlineMs;
    const at = Math.min(nextExpiry, this.healthy ? deadline : Infinity);
    if (at === Infinity) return;
    this.wake = setTimeout(() => this.evaluate(), Math.max(1, at - now + 1));
  }

  private setHeld(next: Map<string, readonly string[]>): void {
    const before = this.held;
    if (next.size === before.size && [...next].every(([ip, ifs]) => before.get(ip)?.join(",") === ifs.join(","))) return; // unchanged: no engine work
    for (const ip of next.keys()) if (!before.has(ip)) this.d.log.info("answering", { ip, interfaces: next.get(ip), lease: this.name });
    for (const ip of before.keys()) if (!next.has(ip)) this.d.log.info("not answering", { ip, owner: this.owners.get(ip) ?? "<none>", healthy: this.healthy });
    this.held = next;
    this.d.engine.setHeld(next);
    this.d.metrics.set("lbctl_announce_leases_held", {}, next.size > 0 || this.healthy ? 1 : 0);
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
    const claims = this.claims;
    const text = JSON.stringify(this.annotations);
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
      this.writes = recordWrite(this.writes, claims, sentAt, this.d.timing);
      this.published = text;
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
    this.evaluate();
  }

  private report(problems: readonly PolicyProblem[]): void {
    const key = JSON.stringify(problems);
    if (key === this.problemsSeen) return;
    this.problemsSeen = key;
    for (const p of problems) this.d.log.error("invalid L2 announcement policy", { policy: p.policy, condition: p.type, message: p.message });
  }
}
