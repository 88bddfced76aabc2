// Ethernet II framing and MAC text. MACs are canonical lowercase "02:00:00:00:00:0b" strings in
// decoded values (so values compare with ===); iputils prints them uppercase via formatMacUpper.
import { fail, ok, type Result } from "./result.ts";

export const ETH_HEADER_LEN = 14;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const BROADCAST_MAC = "ff:ff:ff:ff:ff:ff";
export const ZERO_MAC = "00:00:00:00:00:00";

/** How a received frame was addressed to us (Linux sll_pkttype, linux/if_packet.h). */
export const PACKET_HOST = 0;
export const PACKET_BROADCAST = 1;
export const PACKET_MULTICAST = 2;
export const PACKET_OTHERHOST = 3;

export interface EthernetFrame {
  dst: string;
  src: string;
  ethertype: number;
  payload: Uint8Array;
}

/** Accepts "02:00:00:00:00:0B" or "02-00-..." with 1-2 hex digits per octet; canonical output. */
export function parseMac(text: string): string | undefined {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  return parts.map((p) => p.toLowerCase().padStart(2, "0")).join(":");
}

export function macToBytes(mac: string): Uint8Array {
  const canon = parseMac(mac);
  if (canon === undefined) throw new RangeError(`invalid MAC address "${mac}"`);
  return Uint8Array.from(canon.split(":").map((p) => parseInt(p, 16)));
}

export function formatMac(bytes: Uint8Array, offset = 0): string {
  const out: string[] = [];
  for (let i = 0; i < 6; i++) out.push((bytes[offset + i] ?? 0).toString(16).padStart(2, "0"));
  return out.join(":");
}

export function formatMacUpper(mac: string): string {
  return mac.toUpperCase();
}

/** Group bit set: broadcast and multicast destinations. */
export function isMulticastMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

export function encodeEthernet(frame: EthernetFrame): Uint8Array {
  const out = new Uint8Array(ETH_HEADER_LEN + frame.payload.length);
  out.set(macToBytes(frame.dst), 0);
  out.set(macToBytes(frame.src), 6);
  out[12] = (frame.ethertype >> 8) & 0xff;
  out[13] = frame.ethertype & 0xff;
  out.set(frame.payload, ETH_HEADER_LEN);
  return out;
}

/** The payload is everything after the header, trailing pad bytes included (upper layers know their length). */
export function decodeEthernet(bytes: Uint8Array): Result<EthernetFrame> {
  if (bytes.length < ETH_HEADER_LEN) return fail(`ethernet: frame too short (${bytes.length} bytes)`);
  const ethertype = ((bytes[12] ?? 0) << 8) | (bytes[13] ?? 0);
  if (ethertype < 0x0600) return fail(`ethernet: not an Ethernet II frame (length field ${ethertype})`);
  return ok({ dst: formatMac(bytes, 0), src: formatMac(bytes, 6), ethertype, payload: bytes.subarray(ETH_HEADER_LEN) });
}
