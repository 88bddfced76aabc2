// Inclusive address intervals [from, to] of one family: what one pool block becomes.
import { compareIp, formatIp, ipDiff, offsetInc, parseCidr, parseIp, maskIp, type Ip, type Offset } from "./ip.ts";

export interface IpRange {
  readonly from: Ip;
  readonly to: Ip;
}

export type RangeParse = { ok: true; range: IpRange; prefix?: number } | { ok: false; error: string };

/** A CIDR block: host bits masked off silently, `10.0.0.12/24` → 10.0.0.0–10.0.0.255. */
export function rangeFromCidr(s: string): RangeParse {
  const p = parseCidr(s);
  if (!p.ok) return p;
  return { ok: true, range: { from: p.cidr.ip, to: maskIp(p.cidr.ip, p.cidr.prefix, 1) }, prefix: p.cidr.prefix };
}

/** A start/stop block; an empty or missing `stop` means the single address `start`. */
export function rangeFromStartStop(start: string, stop: string | undefined): RangeParse {
  const from = parseIp(start);
  if (!from) return { ok: false, error: `start "${start}" is not an IP address` };
  if (stop === undefined || stop === "") return { ok: true, range: { from, to: from } };
  const to = parseIp(stop);
  if (!to) return { ok: false, error: `stop "${stop}" is not an IP address` };
  if (from.family !== to.family) return { ok: false, error: `start "${start}" and stop "${stop}" are of different IP families` };
  if (compareIp(from, to) > 0) return { ok: false, error: `start "${start}" is after stop "${stop}"` };
  return { ok: true, range: { from, to } };
}

/** Number of addresses in the range (up to 2^128, hence Offset). */
export function rangeSize(r: IpRange): Offset {
  return offsetInc(ipDiff(r.from, r.to));
}

export function rangeContains(r: IpRange, ip: Ip): boolean {
  return ip.family === r.from.family && compareIp(r.from, ip) <= 0 && compareIp(ip, r.to) <= 0;
}

/** Cilium's `intersect`: endpoints included, so touching at one address overlaps. */
export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  return compareIp(a.from, b.to) <= 0 && compareIp(b.from, a.to) <= 0;
}

/** `from - to`, the form used in PoolConflict messages. */
export function formatRange(r: IpRange): string {
  return `${formatIp(r.from)} - ${formatIp(r.to)}`;
}
