// One verdict per address, by the first check that fails along the path a packet to the VIP
// depends on: an address exists → a policy selects it → a node holds its lease → the lease is
// fresh → something answers ARP/NDP → the answer comes from the holder → the holder can deliver
// (eTP=Local needs a local backend). `duplicate` comes before all configuration checks: two
// MACs answering is harm happening on the wire now, whatever the objects say.
import type { LeaseFacts, MacOnInterface } from "../announce/lease-record.ts";
import type { ProbeResult, Verdict } from "./model.ts";

export interface VerdictFacts {
  /** A LoadBalancer Service without an ingress IP. */
  readonly pending: boolean;
  readonly policies: readonly string[];
  /** Why no policy can select it, when known (e.g. a foreign loadBalancerClass). */
  readonly unselectedWhy?: string | undefined;
  readonly lease: LeaseFacts | null;
  /** Distinct live holders across the Cilium per-Service leases of Services sharing the address. */
  readonly liveHolders: readonly string[];
  readonly holderMacs: readonly MacOnInterface[];
  readonly probe: ProbeResult | null;
  readonly localServicesWithoutBackend: readonly string[];
  /** The agent's enable-l2-announcements is off: set with where it came from (e.g. "cilium-config (cluster …)"). */
  readonly l2Disabled?: string | undefined;
}

export const PRECEDENCE: readonly Verdict[] = [
  "pending-ip", "l2-disabled", "duplicate", "no-policy", "no-lease", "lease-expired", "agent-stale", "responder-missing", "responder-stale", "no-answer", "wrong-mac", "etp-local-no-backend", "ok",
];

export function decideVerdict(f: VerdictFacts): { verdict: Verdict; reason: string } {
  if (f.pending) return { verdict: "pending-ip", reason: "no address assigned yet (status.loadBalancer.ingress is empty): check `lbctl pool` for a pool that selects the Service" };
  const probed = f.probe !== null && f.probe.sent > 0;
  const macs = probed ? (f.probe?.answers ?? []).map((a) => a.mac) : [];
  // Announcements off: no policy or lease matters, the agent answers for no address.
  if (f.l2Disabled !== undefined) {
    const heard = probed ? (macs.length > 0 ? `; yet ${macs.join(", ")} answered (not a Cilium announcement)` : "; nothing answered") : "";
    return { verdict: "l2-disabled", reason: `enable-l2-announcements is false (${f.l2Disabled}): the agent announces no address${heard}` };
  }
  if (macs.length > 1) {
    const holderMacs = new Set(f.holderMacs.map((m) => m.mac));
    const who = macs.map((m) => (holderMacs.has(m) ? `${m} (holder ${f.lease?.holder ?? "?"})` : m));
    return { verdict: "duplicate", reason: `${macs.length} MACs answered: ${who.join(", ")}` };
  }
  if (f.liveHolders.length > 1) {
    return { verdict: "duplicate", reason: `Services sharing the address elected different holders (${f.liveHolders.join(", ")}); both announce it` };
  }
  if (f.policies.length === 0) return { verdict: "no-policy", reason: f.unselectedWhy ?? "no CiliumL2AnnouncementPolicy selects it (serviceSelector, and loadBalancerIPs/externalIPs for this kind of address)" };
  const lease = f.lease;
  if (lease === null) return { verdict: "no-lease", reason: "no lease: no announcer is running for it, or none may take part in the election" };
  if (lease.holder === null) return { verdict: "no-lease", reason: `lease ${lease.name} was released and nobody holds it` };
  if (lease.expired) {
    return { verdict: "lease-expired", reason: `${lease.holder} last renewed ${lease.renewAgeSeconds ?? "?"}s ago, lease duration ${lease.durationSeconds}s: its announcer stopped renewing` };
  }
  const notProbed = f.probe !== null && f.probe.sent === 0 ? `; not probed: ${f.probe.skipped ?? "no request sent"}` : "";
  if (probed && macs.length === 0) return { verdict: "no-answer", reason: `held by ${lease.holder} but nothing answered ${f.probe?.sent ?? 0} request(s) on ${f.probe?.interface ?? "?"}` };
  const answered = macs[0];
  const known = f.holderMacs.map((m) => m.mac);
  if (answered !== undefined && known.length > 0 && !known.includes(answered)) {
    return { verdict: "wrong-mac", reason: `answered by ${answered}, but holder ${lease.holder} announces from ${known.join(", ")}` };
  }
  if (f.localServicesWithoutBackend.length > 0) {
    return { verdict: "etp-local-no-backend", reason: `externalTrafficPolicy=Local and ${lease.holder} has no ready endpoint of ${f.localServicesWithoutBackend.join(", ")}: traffic is dropped` };
  }
  if (answered !== undefined) {
    const rtt = f.probe?.answers[0]?.rttMs;
    const mac = known.length > 0 ? `the holder's MAC ${answered}` : `${answered} (holder MAC not published)`;
    return { verdict: "ok", reason: `held by ${lease.holder}, answered by ${mac}${rtt === null || rtt === undefined ? "" : ` in ${rtt.toFixed(2)}ms`}` };
  }
  return { verdict: "ok", reason: `held by ${lease.holder}${notProbed}` };
}
