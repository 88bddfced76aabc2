// The shapes of `lbctl l2 status`: what is known about one announced address (from the API
// objects and, with --probe, from the wire) and the verdict drawn from it. Plain data so that
// -o json/yaml print them as they are.

import type { LeaseFacts, MacOnInterface } from "../announce/lease-record.ts";

export const VERDICTS = [
  "ok", "pending-ip", "l2-disabled", "no-policy", "no-lease", "lease-expired", "no-answer", "wrong-mac", "duplicate", "etp-local-no-backend",
  "agent-stale", "responder-missing", "responder-stale",
] as const;
export type Verdict = (typeof VERDICTS)[number];
/** Verdicts only `l2 status --datapath` gives, on a node, from its BPF maps (core/bpf/l2-verdict.ts), not decideVerdict. */
export const DATAPATH_VERDICTS: readonly Verdict[] = ["agent-stale", "responder-missing", "responder-stale"];

export interface ProbeAnswer {
  readonly mac: string;
  /** Time from our request leaving to the first answer from this MAC; null without timestamps. */
  readonly rttMs: number | null;
  /** How many answers came from this MAC (several probes are sent to unanswered addresses). */
  readonly count: number;
}

export interface ProbeResult {
  readonly interface: string;
  /** Requests sent for this address. 0 when it could not be probed (see `skipped`). */
  readonly sent: number;
  readonly answers: readonly ProbeAnswer[];
  readonly skipped?: string | undefined;
}

export interface AddressStatus {
  /** null for a LoadBalancer Service still waiting for an address (`pending-ip`). */
  readonly address: string | null;
  /** "namespace/name" of every Service behind the address, sorted. */
  readonly services: readonly string[];
  /** How the Services use it: LoadBalancer ingress IP, ExternalIP, or both. */
  readonly sources: readonly ("loadBalancer" | "externalIP")[];
  readonly pool: string | null;
  readonly policies: readonly string[];
  /** The lease that decides who announces (lbctl's per-IP lease first, else Cilium's). */
  readonly lease: LeaseFacts | null;
  /** Other Cilium per-Service leases for Services sharing this address, with their holders. */
  readonly otherLeases: readonly LeaseFacts[];
  /** Interfaces/MACs the holder announces from, and where that came from. */
  readonly holderMacs: readonly MacOnInterface[];
  readonly holderMacSource: "lease-annotation" | "node-annotation" | null;
  /** Services with externalTrafficPolicy=Local behind the address that have no ready endpoint on the holder. */
  readonly localServicesWithoutBackend: readonly string[];
  readonly probe: ProbeResult | null;
  readonly verdict: Verdict;
  readonly reason: string;
}

export interface StatusSummary {
  readonly addresses: number;
  readonly ok: number;
  readonly notOk: number;
  readonly byVerdict: Readonly<Partial<Record<Verdict, number>>>;
  readonly probed: boolean;
}
