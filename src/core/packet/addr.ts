// IPv4/IPv6 text <-> bytes for the packet codecs: a byte-level view over core/ip.ts, which is the
// one parser and RFC 5952 formatter in lbctl, so codecs and the allocator agree on every string.
import { formatIp, parseIp, type Ip } from "../ip.ts";

export function parseIPv4(text: string): Uint8Array | undefined {
  const ip = parseIp(text);
  if (!ip || ip.family !== 4) return undefined;
  const v = ip.w3;
  return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
}

export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset] ?? 0}.${bytes[offset + 1] ?? 0}.${bytes[offset + 2] ?? 0}.${bytes[offset + 3] ?? 0}`;
}

/** Parses IPv6 text (with "::" and an optional trailing dotted IPv4); no zone ids. */
export function parseIPv6(text: string): Uint8Array | undefined {
  const ip = parseIp(text);
  if (!ip || ip.family !== 6) return undefined;
  const out = new Uint8Array(16);
  [ip.w0, ip.w1, ip.w2, ip.w3].forEach((w, i) => {
    out[i * 4] = w >>> 24;
    out[i * 4 + 1] = (w >>> 16) & 255;
    out[i * 4 + 2] = (w >>> 8) & 255;
    out[i * 4 + 3] = w & 255;
  });
  return out;
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (>= 2) of zero groups as "::". */
export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  const word = (i: number): number =>
    (((bytes[offset + i] ?? 0) << 24) | ((bytes[offset + i + 1] ?? 0) << 16) | ((bytes[offset + i + 2] ?? 0) << 8) | (bytes[offset + i + 3] ?? 0)) >>> 0;
  const ip: Ip = { family: 6, w0: word(0), w1: word(4), w2: word(8), w3: word(12) };
  return formatIp(ip);
}
