// Frame ports over the packet layer: per interface one AF_PACKET socket for ARP and one for
// IPv6 with the NDP filter, decoding with the core/packet codecs into the responder's shapes
// and encoding its replies. Malformed frames are dropped here and counted by the caller.
import { ETHERTYPE_ARP, ETHERTYPE_IPV6, macToBytes } from "../../core/packet/ethernet.ts";
import { ARPHRD_ETHER } from "../../core/packet/arp.ts";
import { decodeArpEthernetFrame } from "../../core/announce/arp-decode.ts";
import { parseIPv4 } from "../../core/packet/addr.ts";
import { decodeNdpFrame, encodeNdpFrame, linkLayerOption } from "../../core/packet/ndp.ts";
import { NDP_FILTER } from "../../core/packet/bpf.ts";
import type { DecodedFrame } from "../../core/announce/responder.ts";
import { PacketSocket, type PacketFrame } from "../packet/socket.ts";
import type { FramePort, OutFrame, PortOpener } from "./announcer.ts";

/** Decodes one raw frame into the responder's shape; undefined for anything else or malformed. */
export function decodeFrame(data: Uint8Array): DecodedFrame | undefined {
  if (data.length < 14) return undefined;
  const ethertype = ((data[12] ?? 0) << 8) | (data[13] ?? 0);
  if (ethertype === ETHERTYPE_ARP) return decodeArpEthernetFrame(data);
  if (ethertype === ETHERTYPE_IPV6) {
    const r = decodeNdpFrame(data);
    if (!r.ok) return undefined;
    const f = r.value;
    if (f.msg.type === "ns") {
      return { kind: "ns", ethSrc: f.ethSrc, ethDst: f.ethDst, ipSrc: f.ipSrc, ipDst: f.ipDst, hopLimit: f.hopLimit, target: f.msg.target, sourceLla: linkLayerOption(f.msg, "source-lla") };
    }
    return { kind: "na", ethSrc: f.ethSrc, ethDst: f.ethDst, ipSrc: f.ipSrc, ipDst: f.ipDst, target: f.msg.target, targetLla: linkLayerOption(f.msg, "target-lla") };
  }
  return undefined;
}

// The ARP answer is the hot path (one per request): the generic codec parses every MAC and IP
// text again, which costs ~20 µs; these bounded caches of their bytes bring it to ~1 µs.
const macCache = new Map<string, Uint8Array>();
const ipCache = new Map<string, Uint8Array>();
function cached(cache: Map<string, Uint8Array>, key: string, make: (k: string) => Uint8Array): Uint8Array {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= 4096) cache.clear();
    v = make(key);
    cache.set(key, v);
  }
  return v;
}

function encodeArpFast(f: Extract<OutFrame, { kind: "arp" }>): Uint8Array {
  const out = new Uint8Array(42);
  out.set(cached(macCache, f.ethDst, macToBytes), 0);
  out.set(cached(macCache, f.ethSrc, macToBytes), 6);
  out[12] = 0x08;
  out[13] = 0x06;
  out[15] = ARPHRD_ETHER;
  out[16] = 0x08;
  out[18] = 6;
  out[19] = 4;
  out[20] = (f.op >> 8) & 0xff;
  out[21] = f.op & 0xff;
  out.set(cached(macCache, f.senderMac, macToBytes), 22);
  out.set(cached(ipCache, f.senderIp, ipv4Bytes), 28);
  out.set(cached(macCache, f.targetMac, macToBytes), 32);
  out.set(cached(ipCache, f.targetIp, ipv4Bytes), 38);
  return out;
}

function ipv4Bytes(ip: string): Uint8Array {
  const b = parseIPv4(ip);
  if (!b) throw new RangeError(`invalid IPv4 address "${ip}"`);
  return b;
}

/** Encodes a reply, announcement or probe into a whole Ethernet frame. */
export function encodeFrame(f: OutFrame): Uint8Array {
  if (f.kind === "arp") return encodeArpFast(f);
  if (f.kind === "na") {
    return encodeNdpFrame({
      ethDst: f.ethDst, ethSrc: f.ethSrc, ipSrc: f.ipSrc, ipDst: f.ipDst, hopLimit: f.hopLimit,
      msg: { type: "na", router: f.router, solicited: f.solicited, override: f.override, target: f.target, options: [{ kind: "target-lla", mac: f.targetLla }] },
    });
  }
  return encodeNdpFrame({ ethDst: f.ethDst, ethSrc: f.ethSrc, ipSrc: f.ipSrc, ipDst: f.ipDst, hopLimit: f.hopLimit, msg: { type: "ns", target: f.target, options: [] } });
}

const RECEIVE_BUFFER_BYTES = 4 << 20;

export const openPacketPort: PortOpener = async (link, onFrame, onError) => {
  const deliver = (fr: PacketFrame): void => {
    let d: DecodedFrame | undefined;
    try {
      d = decodeFrame(fr.data);
    } catch {
      d = undefined; // a codec bug must not take the responder down
    }
    if (d) onFrame(d);
  };
  // Replies need no TX timestamps; a 4 MiB receive queue (≈ 5,000 requests) absorbs GC pauses.
  const opts = { ifname: link.name, ifindex: link.ifindex, txTimestamps: false, receiveBufferBytes: RECEIVE_BUFFER_BYTES };
  const arp = PacketSocket.open({ ...opts, ethertype: ETHERTYPE_ARP });
  let v6: PacketSocket | undefined;
  try {
    v6 = PacketSocket.open({ ...opts, ethertype: ETHERTYPE_IPV6 });
    v6.attachFilter(NDP_FILTER);
  } catch (err) {
    arp.close();
    v6?.close();
    throw err;
  }
  arp.on("frame", deliver);
  v6.on("frame", deliver);
  const port: FramePort = {
    ifname: link.name,
    mac: link.mac,
    send(frame) {
      const bytes = encodeFrame(frame);
      try {
        (frame.kind === "arp" ? arp : (v6 as PacketSocket)).send(bytes);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === "ENODEV" || code === "ENXIO") onError(err as Error);
        throw err;
      }
    },
    close() {
      arp.close();
      v6?.close();
    },
  };
  return port;
};
