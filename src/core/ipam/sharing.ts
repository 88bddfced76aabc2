// Sharing-key compatibility (spec §2.3), checked in Cilium's order; the first failure names the
// reason. Messages follow newer upstream (PR #45819: split ETP Local reasons, permit annotation).
import type { ServiceSpec } from "./service.ts";

export const REASON_DIFFERENT_KEY = "different sharing key";
export const REASON_NAMESPACE = "different and not permitted namespace";
export const REASON_PORT = "same port and protocol";
export const REASON_ETP = "different ExternalTrafficPolicy";
export const REASON_NO_SELECTOR = "ExternalTrafficPolicy local but a service has no selector";
export const REASON_DIFFERENT_PODS =
  "ExternalTrafficPolicy local but selecting different set of pods without lbipam.cilium.io/sharing-permit-different-pods on both services";

function allows(svc: ServiceSpec, otherNamespace: string): boolean {
  return svc.crossNamespace.includes("*") || svc.crossNamespace.includes(otherNamespace);
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** Undefined when `a` and `b` may share an IP, else the reason they may not. */
export function incompatibility(a: ServiceSpec, b: ServiceSpec): string | undefined {
  if (a.sharingKey !== b.sharingKey) return REASON_DIFFERENT_KEY;
  if (a.namespace !== b.namespace && !(allows(a, b.namespace) && allows(b, a.namespace))) return REASON_NAMESPACE;
  for (const pa of a.ports) for (const pb of b.ports) if (pa.port === pb.port && pa.protocol === pb.protocol) return REASON_PORT;
  if (a.etp !== b.etp) return REASON_ETP;
  if (a.etp === "Local") {
    if (a.podSelector.size === 0 || b.podSelector.size === 0) return REASON_NO_SELECTOR;
    if (!(a.permitDifferentPods && b.permitDifferentPods) && !sameMap(a.podSelector, b.podSelector)) return REASON_DIFFERENT_PODS;
  }
  return undefined;
}

/** First reason `svc` cannot join a group of `members`, or undefined if it fits every one. */
export function groupIncompatibility(svc: ServiceSpec, members: readonly { spec: ServiceSpec }[]): string | undefined {
  for (const m of members) {
    const r = incompatibility(svc, m.spec);
    if (r !== undefined) return r;
  }
  return undefined;
}

/** The distinct values of one member attribute in order of first appearance, with that index. */
class FirstSeen {
  private readonly seen = new Map<string, number>();
  private readonly values: string[] = [];

  note(v: string, index: number): void {
    if (this.seen.has(v)) return;
    this.seen.set(v, index);
    this.values.push(v);
  }

  /** Lowest member index whose value is not skipped: a skipped value costs one step. */
  firstOther(skip: (v: string) => boolean): number {
    for (const v of this.values) if (!skip(v)) return this.seen.get(v)!;
    return -1;
  }
}

/** A port as the sharing rules compare it: number and protocol. */
export const portKey = (p: { port: number; protocol: string }): string => `${p.protocol}/${p.port}`;
const allowsAll = (svc: ServiceSpec): boolean => svc.crossNamespace.includes("*");

/** An ETP Local pod selector in a form equal for equal maps (sameMap). */
export function podSelectorKey(svc: ServiceSpec): string {
  return JSON.stringify([...svc.podSelector].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

const min = (a: number, b: number): number => (a < 0 ? b : b < 0 ? a : Math.min(a, b));

/**
 * A sharing group's members, indexed so that `groupIncompatibility(svc, members)` costs
 * O(svc's ports and cross-namespace list) instead of O(members): testing every member made a
 * group of n Services cost O(n²) to build (issue 15, D12). Members are only ever appended.
 * Each rule of `incompatibility` is a set of members it rejects; the first rejected member is
 * the lowest index over the rules, and its reason is then computed as before.
 */
export class SharingGroupIndex {
  private readonly members: ServiceSpec[] = [];
  private readonly keys = new FirstSeen();
  private readonly namespaces = new FirstSeen();
  private readonly etps = new FirstSeen();
  private readonly ports = new Map<string, number>();
  private firstWithoutPods = -1;
  private readonly pods = new FirstSeen();
  private readonly podsNoPermit = new FirstSeen();
  /** Per namespace x: the first member that does not let x share with it, scanned up to `upTo`. */
  private readonly notAllowing = new Map<string, { upTo: number; first: number }>();

  constructor(members: readonly { spec: ServiceSpec }[]) {
    for (const m of members) this.add(m.spec);
  }

  add(m: ServiceSpec): void {
    const i = this.members.length;
    this.members.push(m);
    this.keys.note(m.sharingKey, i);
    this.namespaces.note(m.namespace, i);
    this.etps.note(m.etp, i);
    for (const p of m.ports) if (!this.ports.has(portKey(p))) this.ports.set(portKey(p), i);
    if (m.podSelector.size === 0 && this.firstWithoutPods < 0) this.firstWithoutPods = i;
    const pods = podSelectorKey(m);
    this.pods.note(pods, i);
    if (!m.permitDifferentPods) this.podsNoPermit.note(pods, i);
  }

  hasPort(key: string): boolean {
    return this.ports.has(key);
  }

  hasEtpOtherThan(etp: string): boolean {
    return this.etps.firstOther((v) => v === etp) >= 0;
  }

  hasNamespaceOtherThan(ns: string): boolean {
    return this.namespaces.firstOther((v) => v === ns) >= 0;
  }

  /** Index of the first member `svc` may not share with, or −1 when it fits every one. */
  firstIncompatible(svc: ServiceSpec): number {
    if (this.members.length === 0) return -1;
    let first = this.keys.firstOther((k) => k === svc.sharingKey);
    // Namespaces: rejected when svc does not allow the member's namespace, or the member svc's.
    if (!allowsAll(svc)) {
      const cross = svc.crossNamespace.length > 8 ? new Set(svc.crossNamespace) : undefined;
      first = min(first, this.namespaces.firstOther((ns) => ns === svc.namespace || (cross ? cross.has(ns) : svc.crossNamespace.includes(ns))));
    }
    first = min(first, this.firstNotAllowing(svc.namespace));
    for (const p of svc.ports) first = min(first, this.ports.get(portKey(p)) ?? -1);
    first = min(first, this.etps.firstOther((e) => e === svc.etp));
    if (svc.etp === "Local") {
      // Members of another ETP are rejected above already, so these may count them too.
      if (svc.podSelector.size === 0) return 0;
      first = min(first, this.firstWithoutPods);
      const own = podSelectorKey(svc);
      first = min(first, (svc.permitDifferentPods ? this.podsNoPermit : this.pods).firstOther((k) => k === own));
    }
    return first;
  }

  /** First member in another namespace whose cross-namespace list does not name `ns`. */
  private firstNotAllowing(ns: string): number {
    let c = this.notAllowing.get(ns);
    if (!c) this.notAllowing.set(ns, (c = { upTo: 0, first: -1 }));
    // Once found it stays the first: members are only appended.
    for (; c.first < 0 && c.upTo < this.members.length; c.upTo++) {
      const m = this.members[c.upTo]!;
      if (m.namespace !== ns && !allowsAll(m) && !m.crossNamespace.includes(ns)) c.first = c.upTo;
    }
    return c.first;
  }

  /** `groupIncompatibility(svc, members)`, from the index. */
  incompatibility(svc: ServiceSpec): string | undefined {
    const i = this.firstIncompatible(svc);
    return i < 0 ? undefined : incompatibility(svc, this.members[i]!);
  }
}
