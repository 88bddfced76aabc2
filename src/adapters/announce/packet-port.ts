// Frame ports over the packet layer: per interface one AF_PACKET socket for ARP and one for
// IPv6 with the NDP filter, decoding with the core/packet codecs into the responder's shapes
// and encoding its replies. Malformed frames are dropped here and counted by the caller.
import { ETHERTYPE_ARP, ETHERTYPE_IPV6 } from "../../core/packet/ethernet.ts";
import { ArpFastCodec } from "../../core/packet/arp-fast.ts";
import { decodeNdpFrame, encodeNdpFrame, linkLayerOption } from "../../core/packet/ndp.ts";
import { NDP_FILTER } from "../../core/packet/bpf.ts";
import type { DecodedFrame } from "../../core/announce/responder.ts";
import { PacketSocket, type PacketFrame } from "../packet/socket.ts";
import type { FramePort, OutFrame, PortOpener } from "./announcer.ts";

/** The ARP hot path's codec, its caches shared by every port of this process. */
const arpCodec = new ArpFastCodec();

/** Decodes one raw frame into the responder's shape; undefined for anything else or malformed. */
export function decodeFrame(data: Uint8Array): DecodedFrame | undefined {
  if (data.length < 14) return undefined;
  const ethertype = ((data[12] ?? 0) << 8) | (data[13] ?? 0);
  if (ethertype === ETHERTYPE_ARP) return arpCodec.decode(data);
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

/** Encodes a reply, announcement or probe into a whole Ethernet frame. */
export function encodeFrame(f: OutFrame): Uint8Array {
  if (f.kind === "arp") return arpCodec.encode(f);
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
