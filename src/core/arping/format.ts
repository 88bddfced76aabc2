// iputils arping's text lines (arping.c printf formats, spec §3.3) with the true round-trip time
// (iputils adds 0.5 ms; lbctl does not), plus lbctl's rtt line and JSON objects.
import type { ArpingSession, ReplyEvent, RttSummary } from "./session.ts";
import { rttSummary } from "./session.ts";

const up = (mac: string): string => mac.toUpperCase();

/** "%ld.%03ld" of microseconds (rounded), like iputils but without its +500 µs. */
export function formatMs(ns: bigint): string {
  const us = (ns + 500n) / 1000n;
  return `${us / 1000n}.${String(us % 1000n).padStart(3, "0")}`;
}

export function headerLine(target: string, source: string, ifname: string): string {
  return `ARPING ${target} from ${source} ${ifname}`;
}

export function replyLine(r: ReplyEvent): string {
  let s = `${r.unicast ? "Unicast" : "Broadcast"} ${r.kind} from ${r.from} [${up(r.mac)}] `;
  if (r.forIp !== undefined) s += `for ${r.forIp} `;
  if (r.forMac !== undefined) s += `${r.forIp !== undefined ? "" : "for "}[${up(r.forMac)}]`;
  return `${s} ${formatMs(r.rttNs)}ms`;
}

export function statsLines(s: ArpingSession): string[] {
  const lines = [`Sent ${s.sent} probes (${s.broadcasts} broadcast(s))`];
  let recv = `Received ${s.received} response(s)`;
  if (s.requests > 0 || s.broadcastsReceived > 0) {
    const parts: string[] = [];
    if (s.requests > 0) parts.push(`${s.requests} request(s)`);
    if (s.broadcastsReceived > 0) parts.push(`${s.broadcastsReceived} broadcast(s)`);
    recv += ` (${parts.join(", ")})`;
  }
  lines.push(recv);
  const rtt = rttSummary(s.rttsNs);
  if (rtt) lines.push(`rtt min/avg/max/mdev = ${[rtt.min, rtt.avg, rtt.max, rtt.mdev].map((n) => n.toFixed(3)).join("/")} ms`);
  return lines;
}

export function duplicateWarning(target: string, macs: readonly string[]): string {
  return `${target} is claimed by ${macs.length} different MACs: ${macs.map(up).join(", ")} (two hosts answer for one address)`;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

export function replyJson(target: string, r: ReplyEvent): Record<string, unknown> {
  const o: Record<string, unknown> = {
    type: "reply",
    target,
    from: r.from,
    mac: r.mac,
    kind: r.kind,
    unicast: r.unicast,
    probe: r.probe,
    rttMs: Number(r.rttNs) / 1e6,
  };
  if (r.forIp !== undefined) o["forIp"] = r.forIp;
  if (r.forMac !== undefined) o["forMac"] = r.forMac;
  return o;
}

export function summaryJson(
  s: ArpingSession,
  run: { target: string; source: string; interface: string; mode: string; exitCode: number },
): Record<string, unknown> {
  const rtt: RttSummary | undefined = rttSummary(s.rttsNs);
  return {
    type: "summary",
    target: run.target,
    source: run.source,
    interface: run.interface,
    mode: run.mode,
    sent: s.sent,
    broadcasts: s.broadcasts,
    received: s.received,
    requests: s.requests,
    broadcastsReceived: s.broadcastsReceived,
    macs: [...s.macs],
    duplicate: s.duplicate,
    rttMs: rtt ? { min: round3(rtt.min), avg: round3(rtt.avg), max: round3(rtt.max), mdev: round3(rtt.mdev) } : null,
    exitCode: run.exitCode,
  };
}
