// The ARP decode of the reply hot path (one per request): the same result as the generic codec
// (core/packet/arp.ts, which formats every MAC and IPv4 address anew, ≈ 1.5 µs per frame) for
// Ethernet/IPv4 ARP frames, with the address strings taken from bounded caches keyed by their
// bytes as a number: a flood of requests comes from a few senders for a few hundred targets.
import type { ArpFrame } from "./responder.ts";

const ETH_HEADER = 14;
const ARP_LEN = 28;
const CACHE_MAX = 4096;
const macs = new Map<number, string>();
const ipv4s = new Map<number, string>();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function mac(b: Uint8Array, o: number): string {
  // 48 bits fit a double exactly.
  const key = ((b[o] ?? 0) * 0x10000 + (((b[o + 1] ?? 0) << 8) | (b[o + 2] ?? 0))) * 0x1000000 + (((b[o + 3] ?? 0) << 16) | ((b[o + 4] ?? 0) << 8) | (b[o + 5] ?? 0));
  let s = macs.get(key);
  if (s === undefined) {
    if (macs.size >= CACHE_MAX) macs.clear();
    s = `${HEX[b[o] ?? 0]}:${HEX[b[o + 1] ?? 0]}:${HEX[b[o + 2] ?? 0]}:${HEX[b[o + 3] ?? 0]}:${HEX[b[o + 4] ?? 0]}:${HEX[b[o + 5] ?? 0]}`;
    macs.set(key, s);
  }
  return s;
}

function ipv4(b: Uint8Array, o: number): string {
  const key = (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;
  let s = ipv4s.get(key);
  if (s === undefined) {
    if (ipv4s.size >= CACHE_MAX) ipv4s.clear();
    s = `${b[o] ?? 0}.${b[o + 1] ?? 0}.${b[o + 2] ?? 0}.${b[o + 3] ?? 0}`;
    ipv4s.set(key, s);
  }
  return s;
}

/**
 * An Ethernet frame carrying ARP for Ethernet/IPv4 (htype 1, ptype 0x0800, hlen 6, plen 4) in
 * the responder's shape; undefined for any other or truncated frame. Trailing padding is ignored.
 */
export function decodeArpEthernetFrame(b: Uint8Array): ArpFrame | undefined {
  if (b.length < ETH_HEADER + ARP_LEN) return undefined;
  if (b[12] !== 0x08 || b[13] !== 0x06) return undefined;
  if (b[14] !== 0 || b[15] !== 1 || b[16] !== 0x08 || b[17] !== 0 || b[18] !== 6 || b[19] !== 4) return undefined;
  return {
    kind: "arp",
    ethSrc: mac(b, 6),
    ethDst: mac(b, 0),
    op: ((b[20] ?? 0) << 8) | (b[21] ?? 0),
    senderMac: mac(b, 22),
    senderIp: ipv4(b, 28),
    targetMac: mac(b, 32),
    targetIp: ipv4(b, 38),
  };
}
