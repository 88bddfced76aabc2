// ARP for Ethernet/IPv4 (RFC 826), shaped like mdlayher/arp packet.go: a plain value, an encoder,
// a decoder that returns an error value, and builders for the frames arping and announce send.
import { formatIPv4, parseIPv4 } from "./addr.ts";
import {
  BROADCAST_MAC,
  decodeEthernet,
  encodeEthernet,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  formatMac,
  macToBytes,
  type EthernetFrame,
} from "./ethernet.ts";
import { fail, ok, type Result } from "./result.ts";

export const ARP_LEN = 28;
export const ARPHRD_ETHER = 1;
export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;

export interface ArpPacket {
  htype: number;
  ptype: number;
  /** Hardware and protocol address lengths; only 6 and 4 (Ethernet, IPv4) are representable. */
  hlen: number;
  plen: number;
  op: number;
  sha: string;
  spa: string;
  tha: string;
  tpa: string;
}

export interface ArpFrame {
  eth: EthernetFrame;
  arp: ArpPacket;
}

/** IPv4 text → its 4 bytes; throws RangeError when it is not an address. */
export function ipv4Bytes(text: string): Uint8Array {
  const b = parseIPv4(text);
  if (!b) throw new RangeError(`invalid IPv4 address "${text}"`);
  return b;
}

export function encodeArp(p: ArpPacket): Uint8Array {
  if (p.hlen !== 6 || p.plen !== 4) throw new RangeError(`arp: only hlen 6 / plen 4 can be encoded (got ${p.hlen}/${p.plen})`);
  const out = new Uint8Array(ARP_LEN);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, p.htype);
  dv.setUint16(2, p.ptype);
  out[4] = p.hlen;
  out[5] = p.plen;
  dv.setUint16(6, p.op);
  out.set(macToBytes(p.sha), 8);
  out.set(ipv4Bytes(p.spa), 14);
  out.set(macToBytes(p.tha), 18);
  out.set(ipv4Bytes(p.tpa), 24);
  return out;
}

/** Trailing bytes (Ethernet padding) are ignored. */
export function decodeArp(bytes: Uint8Array): Result<ArpPacket> {
  if (bytes.length < 8) return fail(`arp: packet too short (${bytes.length} bytes)`);
  const htype = ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
  const ptype = ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  const hlen = bytes[4] ?? 0;
  const plen = bytes[5] ?? 0;
  const op = ((bytes[6] ?? 0) << 8) | (bytes[7] ?? 0);
  if (hlen !== 6 || plen !== 4) return fail(`arp: unsupported address lengths hlen=${hlen} plen=${plen}`);
  if (bytes.length < ARP_LEN) return fail(`arp: packet truncated (${bytes.length} of ${ARP_LEN} bytes)`);
  return ok({
    htype,
    ptype,
    hlen,
    plen,
    op,
    sha: formatMac(bytes, 8),
    spa: formatIPv4(bytes, 14),
    tha: formatMac(bytes, 18),
    tpa: formatIPv4(bytes, 24),
  });
}

export function decodeArpFrame(bytes: Uint8Array): Result<ArpFrame> {
  const eth = decodeEthernet(bytes);
  if (!eth.ok) return eth;
  if (eth.value.ethertype !== ETHERTYPE_ARP) return fail(`arp: ethertype 0x${eth.value.ethertype.toString(16)} is not ARP`);
  const arp = decodeArp(eth.value.payload);
  if (!arp.ok) return arp;
  return ok({ eth: eth.value, arp: arp.value });
}

/** A ready-to-send frame: Ethernet destination plus the ARP body (source MAC = sha). */
export interface ArpMessage {
  ethDst: string;
  arp: ArpPacket;
}

export function arpMessageBytes(m: ArpMessage): Uint8Array {
  return encodeEthernet({ dst: m.ethDst, src: m.arp.sha, ethertype: ETHERTYPE_ARP, payload: encodeArp(m.arp) });
}

function packet(op: number, sha: string, spa: string, tha: string, tpa: string): ArpPacket {
  return { htype: ARPHRD_ETHER, ptype: ETHERTYPE_IPV4, hlen: 6, plen: 4, op, sha, spa, tha, tpa };
}

/**
 * "Who has tpa? tell spa". iputils copies the Ethernet destination into tha (broadcast first,
 * the learned MAC afterwards); the kernel and RFC 826 put zeros there: pass tha explicitly then.
 */
export function newRequest(o: { sha: string; spa: string; tpa: string; ethDst?: string; tha?: string }): ArpMessage {
  const ethDst = o.ethDst ?? BROADCAST_MAC;
  return { ethDst, arp: packet(ARP_REQUEST, o.sha, o.spa, o.tha ?? ethDst, o.tpa) };
}

/** Answer to a request: unicast back to the asker, tha/tpa taken from its sha/spa. */
export function newReply(request: ArpPacket, myMac: string, ethDst: string = request.sha): ArpMessage {
  return { ethDst, arp: packet(ARP_REPLY, myMac, request.tpa, request.sha, request.spa) };
}

/**
 * Gratuitous ARP for `ip` owned by `mac`, broadcast. "request" is iputils -U (tha = broadcast);
 * "reply" is iputils -A (tha = sha, which the kernel treats as gratuitous too).
 */
export function newGratuitous(kind: "request" | "reply", mac: string, ip: string): ArpMessage {
  if (kind === "request") return { ethDst: BROADCAST_MAC, arp: packet(ARP_REQUEST, mac, ip, BROADCAST_MAC, ip) };
  return { ethDst: BROADCAST_MAC, arp: packet(ARP_REPLY, mac, ip, mac, ip) };
}
