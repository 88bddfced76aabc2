// IPv6 Neighbor Discovery (RFC 4861) Neighbor Solicitation / Advertisement inside IPv6 inside
// Ethernet, with link-layer address options, the ICMPv6 checksum and solicited-node groups.
import { formatIPv6, parseIPv6 } from "./addr.ts";
import { decodeEthernet, encodeEthernet, ETHERTYPE_IPV6, formatMac, macToBytes } from "./ethernet.ts";
import { decodeIPv6, encodeIPv6, icmpv6Checksum, ip6, NEXT_HEADER_ICMPV6 } from "./ipv6.ts";
import { fail, ok, type Result } from "./result.ts";

export const ICMPV6_NS = 135;
export const ICMPV6_NA = 136;
export const OPT_SOURCE_LLA = 1;
export const OPT_TARGET_LLA = 2;
export const ALL_NODES = "ff02::1";
export const ALL_NODES_MAC = "33:33:00:00:00:01";
/** RFC 4861 §7.1: NDP messages are only valid with hop limit 255 (proves they are on-link). */
export const NDP_HOP_LIMIT = 255;

export type NdpOption =
  | { kind: "source-lla"; mac: string }
  | { kind: "target-lla"; mac: string }
  /** Anything else, kept verbatim: `data` is length*8-2 bytes. */
  | { kind: "raw"; type: number; data: Uint8Array };

export type NdpMessage =
  | { type: "ns"; target: string; options: NdpOption[] }
  | { type: "na"; router: boolean; solicited: boolean; override: boolean; target: string; options: NdpOption[] };

export interface NdpFrame {
  ethDst: string;
  ethSrc: string;
  ipSrc: string;
  ipDst: string;
  hopLimit: number;
  msg: NdpMessage;
}

/** ff02::1:ffXX:XXXX from the low 24 bits of the address (RFC 4291 §2.7.1). */
export function solicitedNodeMulticast(ip: string): string {
  const b = ip6(ip);
  const out = ip6("ff02::1:ff00:0");
  out.set(b.subarray(13, 16), 13);
  return formatIPv6(out);
}

/** 33:33 + the low 32 bits of an IPv6 multicast address (RFC 2464 §7). */
export function multicastMac(ip: string): string {
  const b = ip6(ip);
  return formatMac(Uint8Array.from([0x33, 0x33, b[12] ?? 0, b[13] ?? 0, b[14] ?? 0, b[15] ?? 0]));
}

export function isIPv6Multicast(ip: string): boolean {
  return (parseIPv6(ip)?.[0] ?? 0) === 0xff;
}

function encodeOptions(options: NdpOption[]): Uint8Array {
  const parts = options.map((o) => {
    if (o.kind === "raw") {
      if ((o.data.length + 2) % 8 !== 0 || o.data.length + 2 > 255 * 8) throw new RangeError(`ndp: option ${o.type} data must be 8n-2 bytes`);
      const b = new Uint8Array(o.data.length + 2);
      b[0] = o.type;
      b[1] = (o.data.length + 2) / 8;
      b.set(o.data, 2);
      return b;
    }
    const b = new Uint8Array(8);
    b[0] = o.kind === "source-lla" ? OPT_SOURCE_LLA : OPT_TARGET_LLA;
    b[1] = 1;
    b.set(macToBytes(o.mac), 2);
    return b;
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function decodeOptions(b: Uint8Array): Result<NdpOption[]> {
  const out: NdpOption[] = [];
  for (let at = 0; at < b.length; ) {
    if (b.length - at < 2) return fail("ndp: truncated option header");
    const type = b[at] ?? 0;
    const len = (b[at + 1] ?? 0) * 8;
    if (len === 0) return fail(`ndp: option ${type} has length 0`);
    if (at + len > b.length) return fail(`ndp: option ${type} truncated`);
    if ((type === OPT_SOURCE_LLA || type === OPT_TARGET_LLA) && len === 8) {
      out.push({ kind: type === OPT_SOURCE_LLA ? "source-lla" : "target-lla", mac: formatMac(b, at + 2) });
    } else {
      out.push({ kind: "raw", type, data: b.slice(at + 2, at + len) });
    }
    at += len;
  }
  return ok(out);
}

/** The ICMPv6 message with its checksum filled in for the given IPv6 addresses. */
export function encodeNdp(msg: NdpMessage, src: string, dst: string): Uint8Array {
  const opts = encodeOptions(msg.options);
  const out = new Uint8Array(24 + opts.length);
  out[0] = msg.type === "ns" ? ICMPV6_NS : ICMPV6_NA;
  if (msg.type === "na") out[4] = (msg.router ? 0x80 : 0) | (msg.solicited ? 0x40 : 0) | (msg.override ? 0x20 : 0);
  out.set(ip6(msg.target), 8);
  out.set(opts, 24);
  const sum = icmpv6Checksum(src, dst, out);
  out[2] = sum >> 8;
  out[3] = sum & 0xff;
  return out;
}

export function decodeNdp(b: Uint8Array, src: string, dst: string): Result<NdpMessage> {
  if (b.length < 4) return fail(`icmpv6: message too short (${b.length} bytes)`);
  const type = b[0] ?? 0;
  if (type !== ICMPV6_NS && type !== ICMPV6_NA) return fail(`icmpv6: type ${type} is not NS/NA`);
  if ((b[1] ?? 0) !== 0) return fail(`ndp: code ${b[1] ?? 0} is not 0`);
  if (b.length < 24) return fail(`ndp: message truncated (${b.length} of 24 bytes)`);
  const sum = ((b[2] ?? 0) << 8) | (b[3] ?? 0);
  if (icmpv6Checksum(src, dst, b) !== sum) return fail("icmpv6: bad checksum");
  const options = decodeOptions(b.subarray(24));
  if (!options.ok) return options;
  const target = formatIPv6(b, 8);
  if (type === ICMPV6_NS) return ok({ type: "ns", target, options: options.value });
  const f = b[4] ?? 0;
  return ok({ type: "na", router: (f & 0x80) !== 0, solicited: (f & 0x40) !== 0, override: (f & 0x20) !== 0, target, options: options.value });
}

export function encodeNdpFrame(f: NdpFrame): Uint8Array {
  const payload = encodeNdp(f.msg, f.ipSrc, f.ipDst);
  const ip = encodeIPv6({ trafficClass: 0, flowLabel: 0, nextHeader: NEXT_HEADER_ICMPV6, hopLimit: f.hopLimit, src: f.ipSrc, dst: f.ipDst, payload });
  return encodeEthernet({ dst: f.ethDst, src: f.ethSrc, ethertype: ETHERTYPE_IPV6, payload: ip });
}

export function decodeNdpFrame(bytes: Uint8Array): Result<NdpFrame> {
  const eth = decodeEthernet(bytes);
  if (!eth.ok) return eth;
  if (eth.value.ethertype !== ETHERTYPE_IPV6) return fail(`ndp: ethertype 0x${eth.value.ethertype.toString(16)} is not IPv6`);
  const ip = decodeIPv6(eth.value.payload);
  if (!ip.ok) return ip;
  if (ip.value.nextHeader !== NEXT_HEADER_ICMPV6) return fail(`ndp: next header ${ip.value.nextHeader} is not ICMPv6`);
  const msg = decodeNdp(ip.value.payload, ip.value.src, ip.value.dst);
  if (!msg.ok) return msg;
  return ok({ ethDst: eth.value.dst, ethSrc: eth.value.src, ipSrc: ip.value.src, ipDst: ip.value.dst, hopLimit: ip.value.hopLimit, msg: msg.value });
}

export function linkLayerOption(msg: NdpMessage, kind: "source-lla" | "target-lla"): string | undefined {
  for (const o of msg.options) if (o.kind === kind) return o.mac;
  return undefined;
}

/**
 * Neighbor Solicitation for `target`: to its solicited-node group, or unicast to a known MAC (the
 * kernel's NUD re-probe shape). From "::" it is a DAD probe and must carry no source LLA option.
 */
export function newSolicitation(o: { mac: string; src: string; target: string; unicastMac?: string }): NdpFrame {
  const group = solicitedNodeMulticast(o.target);
  const dad = o.src === "::";
  return {
    ethDst: o.unicastMac ?? multicastMac(group),
    ethSrc: o.mac,
    ipSrc: o.src,
    ipDst: o.unicastMac !== undefined ? o.target : group,
    hopLimit: NDP_HOP_LIMIT,
    msg: { type: "ns", target: o.target, options: dad ? [] : [{ kind: "source-lla", mac: o.mac }] },
  };
}

/** Solicited answer to an NS, sourced from the target itself (ndisc6 accepts nothing else). */
export function newAdvertisement(o: { mac: string; target: string; dstIp: string; dstMac: string; solicited: boolean; override: boolean }): NdpFrame {
  return {
    ethDst: o.dstMac,
    ethSrc: o.mac,
    ipSrc: o.target,
    ipDst: o.dstIp,
    hopLimit: NDP_HOP_LIMIT,
    msg: { type: "na", router: false, solicited: o.solicited, override: o.override, target: o.target, options: [{ kind: "target-lla", mac: o.mac }] },
  };
}

/** Unsolicited NA to all nodes with Override: moves existing neighbour entries (RFC 4861 §7.2.6). */
export function newUnsolicitedAdvertisement(mac: string, ip: string): NdpFrame {
  return newAdvertisement({ mac, target: ip, dstIp: ALL_NODES, dstMac: ALL_NODES_MAC, solicited: false, override: true });
}
