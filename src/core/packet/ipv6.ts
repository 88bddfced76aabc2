// IPv6 fixed header (RFC 8200) and the ICMPv6 checksum over the pseudo-header (RFC 4443 §2.3).
// Extension headers are not parsed: NDP messages are sent without them (RFC 4861 §6.1 checks).
import { formatIPv6, parseIPv6 } from "./addr.ts";
import { fail, ok, type Result } from "./result.ts";

export const IPV6_HEADER_LEN = 40;
export const NEXT_HEADER_ICMPV6 = 58;

export interface IPv6Packet {
  trafficClass: number;
  flowLabel: number;
  nextHeader: number;
  hopLimit: number;
  src: string;
  dst: string;
  /** Exactly payloadLength bytes: link padding after it is cut off. */
  payload: Uint8Array;
}

export function ip6(text: string): Uint8Array {
  const b = parseIPv6(text);
  if (!b) throw new RangeError(`invalid IPv6 address "${text}"`);
  return b;
}

export function encodeIPv6(p: IPv6Packet): Uint8Array {
  if (p.payload.length > 0xffff) throw new RangeError("ipv6: payload larger than 65535 bytes");
  const out = new Uint8Array(IPV6_HEADER_LEN + p.payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, ((6 << 28) | ((p.trafficClass & 0xff) << 20) | (p.flowLabel & 0xfffff)) >>> 0);
  dv.setUint16(4, p.payload.length);
  out[6] = p.nextHeader;
  out[7] = p.hopLimit;
  out.set(ip6(p.src), 8);
  out.set(ip6(p.dst), 24);
  out.set(p.payload, IPV6_HEADER_LEN);
  return out;
}

export function decodeIPv6(bytes: Uint8Array): Result<IPv6Packet> {
  if (bytes.length < IPV6_HEADER_LEN) return fail(`ipv6: packet too short (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = dv.getUint32(0);
  if (word >>> 28 !== 6) return fail(`ipv6: version ${word >>> 28} is not 6`);
  const len = dv.getUint16(4);
  if (bytes.length < IPV6_HEADER_LEN + len) return fail(`ipv6: payload truncated (${bytes.length - IPV6_HEADER_LEN} of ${len} bytes)`);
  return ok({
    trafficClass: (word >>> 20) & 0xff,
    flowLabel: word & 0xfffff,
    nextHeader: bytes[6] ?? 0,
    hopLimit: bytes[7] ?? 0,
    src: formatIPv6(bytes, 8),
    dst: formatIPv6(bytes, 24),
    payload: bytes.subarray(IPV6_HEADER_LEN, IPV6_HEADER_LEN + len),
  });
}

/** Internet checksum of the ICMPv6 message with its checksum field taken as zero. */
export function icmpv6Checksum(src: string, dst: string, message: Uint8Array): number {
  let sum = 0;
  const add16 = (b: Uint8Array, skipAt = -1): void => {
    for (let i = 0; i < b.length; i += 2) {
      if (i === skipAt) continue;
      sum += ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
    }
  };
  add16(ip6(src));
  add16(ip6(dst));
  sum += (message.length >>> 16) + (message.length & 0xffff) + NEXT_HEADER_ICMPV6;
  add16(message, 2);
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}
