// The L2 responder view: entries sorted by address, with interface names, and the agent
// heartbeat's age (spec §5.2: the datapath answers only while now − AgentLiveness < lease duration).
import { compareIpText } from "../ip.ts";
import type { L2Entry } from "./decode.ts";

export interface L2Row {
  address: string;
  family: 4 | 6;
  ifindex: number;
  /** undefined when no interface has this index on this node. */
  interface?: string;
  /** Decimal text: a u64 counter. */
  responses: string;
}

export function l2Rows(entries: readonly L2Entry[], ifname: (ifindex: number) => string | undefined): L2Row[] {
  return [...entries]
    .sort((a, b) => a.family - b.family || compareIpText(a.address, b.address) || a.ifindex - b.ifindex)
    .map((e) => ({ address: e.address, family: e.family, ifindex: e.ifindex, interface: ifname(e.ifindex), responses: e.responses.toString() }));
}

/** Whether the datapath stays silent: heartbeat missing (written 0) or older than the lease duration. */
export function heartbeatStale(ageMs: number | null, present: boolean, leaseMs: number): boolean {
  return present && (ageMs === null || ageMs > leaseMs);
}

/** Age of the heartbeat in ms (monotonic now − heartbeat, both CLOCK_MONOTONIC ns); null when unknown or never written. */
export function heartbeatAgeMs(nowNs: bigint, heartbeatNs: bigint | undefined): number | null {
  if (heartbeatNs === undefined || heartbeatNs === 0n) return null;
  return Number(nowNs - heartbeatNs) / 1e6;
}
