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
