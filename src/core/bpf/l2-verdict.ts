// `lbctl l2 status --datapath`: on a node, the L2 responder maps refine the verdict of every
// address whose lease is live. Precedence (after lease-expired, before no-answer): agent-stale
// (this node holds the lease or has the entry, and the agent heartbeat is older than the lease
// duration), responder-missing (this node holds the lease, no entry), responder-stale (an entry,
// but another node holds the lease: a second answerer in waiting).
import type { AddressStatus } from "../l2status/model.ts";
import { canonicalIp } from "../ip.ts";

export interface L2DatapathFacts {
  /** This node's name (compared with the lease holder). */
  node: string;
  /** Addresses (canonical text) with a responder entry on this node. */
  entries: ReadonlySet<string>;
  /** The heartbeat is older than the lease duration (or never written). */
  agentStale: boolean;
  heartbeatText: string;
}

/** Verdicts the datapath may replace: the lease is live and nothing worse was found. */
const REFINABLE = new Set(["ok", "no-answer", "wrong-mac", "etp-local-no-backend"]);

export function applyL2Datapath(rows: readonly AddressStatus[], f: L2DatapathFacts): AddressStatus[] {
  return rows.map((r) => {
    if (r.address === null || !REFINABLE.has(r.verdict) || r.lease === null || r.lease.holder === null) return r;
    const has = f.entries.has(canonicalIp(r.address) ?? r.address);
    const holder = r.lease.holder === f.node;
    if ((holder || has) && f.agentStale) return { ...r, verdict: "agent-stale", reason: `${f.heartbeatText} on ${f.node}` };
    if (holder && !has) return { ...r, verdict: "responder-missing", reason: `${f.node} holds lease ${r.lease.name} but has no L2 responder entry for ${r.address}: the agent never programmed it` };
    if (!holder && has) return { ...r, verdict: "responder-stale", reason: `${f.node} has an L2 responder entry for ${r.address} but ${r.lease.holder} holds the lease: a second answerer in waiting` };
    return r;
  });
}
