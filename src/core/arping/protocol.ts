// The two wire dialects of arping behind one shape: ARP for IPv4 (iputils framing and reply
// filter), Neighbor Solicitation/Advertisement for IPv6. The session does the rest.
import { arpMessageBytes, ARP_REPLY, ARP_REQUEST, ARPHRD_ETHER, decodeArpFrame, newGratuitous, newRequest, type ArpMessage } from "../packet/arp.ts";
import { BROADCAST_MAC, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, isMulticastMac, PACKET_HOST, PACKET_OTHERHOST } from "../packet/ethernet.ts";
import { decodeNdpFrame, encodeNdpFrame, linkLayerOption, NDP_HOP_LIMIT, newSolicitation, newUnsolicitedAdvertisement } from "../packet/ndp.ts";

export type Mode = "probe" | "dad" | "unsolicited-request" | "unsolicited-reply";


export interface ProtocolConfig {
  mode: Mode;
  target: string;
  /** Our address for the probes: "0.0.0.0" / "::" in DAD mode unless -s was given. */
  source: string;
  sourceGiven: boolean;
  mac: string;
}

/** One accepted frame, in the terms iputils prints. */
export interface Answer {
  from: string;
  mac: string;
  kind: "reply" | "request";
  /** pkttype HOST: "Unicast"; anything else: "Broadcast". */
  unicast: boolean;
  /** iputils prints "for IP" when the answer's target address is not our source (ARP only). */
  forIp?: string;
  /** …and "for [MAC]" when its target MAC is not ours (ARP only). */
  forMac?: string;
}

export interface Protocol {
  ethertype: number;
  /** Probe bytes; `unicastMac` is the learned destination (undefined = broadcast/multicast). */
  probe(unicastMac: string | undefined): { bytes: Uint8Array; broadcast: boolean };
  match(frame: Uint8Array, pkttype: number): Answer | undefined;
}

export function protocolFor(family: 4 | 6, c: ProtocolConfig): Protocol {
  return family === 4 ? arpProtocol(c) : ndpProtocol(c);
}

function arpProtocol(c: ProtocolConfig): Protocol {
  return {
    ethertype: ETHERTYPE_ARP,
    probe(unicastMac) {
      let m: ArpMessage;
      if (c.mode === "unsolicited-request" || c.mode === "unsolicited-reply") {
        m = newGratuitous(c.mode === "unsolicited-request" ? "request" : "reply", c.mac, c.target);
        if (c.sourceGiven) m = { ...m, arp: { ...m.arp, spa: c.source } };
      } else {
        // iputils: tha is a copy of the Ethernet destination, broadcast until a reply is learned
        m = newRequest({ sha: c.mac, spa: c.source, tpa: c.target, ethDst: unicastMac ?? BROADCAST_MAC });
      }
      return { bytes: arpMessageBytes(m), broadcast: isMulticastMac(m.ethDst) };
    },
    match(frame, pkttype) {
      if (pkttype === PACKET_OTHERHOST) return undefined;
      const f = decodeArpFrame(frame);
      if (!f.ok) return undefined;
      const a = f.value.arp;
      if ((a.op !== ARP_REQUEST && a.op !== ARP_REPLY) || a.htype !== ARPHRD_ETHER || a.ptype !== ETHERTYPE_IPV4) return undefined;
      if (a.spa !== c.target) return undefined;
      if (c.mode === "dad") {
        if (a.sha === c.mac) return undefined;
        if (c.sourceGiven && a.tpa !== c.source) return undefined;
      } else if (a.tpa !== c.source || a.tha !== c.mac) return undefined;
      const answer: Answer = { from: a.spa, mac: a.sha, kind: a.op === ARP_REPLY ? "reply" : "request", unicast: pkttype === PACKET_HOST };
      if (a.tpa !== c.source) answer.forIp = a.tpa;
      if (a.tha !== c.mac) answer.forMac = a.tha;
      return answer;
    },
  };
}

function ndpProtocol(c: ProtocolConfig): Protocol {
  return {
    ethertype: ETHERTYPE_IPV6,
    probe(unicastMac) {
      const f =
        c.mode === "unsolicited-request" || c.mode === "unsolicited-reply"
          ? newUnsolicitedAdvertisement(c.mac, c.target)
          : newSolicitation({ mac: c.mac, src: c.source, target: c.target, ...(unicastMac !== undefined ? { unicastMac } : {}) });
      return { bytes: encodeNdpFrame(f), broadcast: isMulticastMac(f.ethDst) };
    },
    match(frame, pkttype) {
      if (pkttype === PACKET_OTHERHOST) return undefined;
      const f = decodeNdpFrame(frame);
      if (!f.ok || f.value.hopLimit !== NDP_HOP_LIMIT || f.value.ethSrc === c.mac) return undefined;
      const msg = f.value.msg;
      if (msg.target !== c.target) return undefined;
      const unicast = pkttype === PACKET_HOST;
      if (msg.type === "na") {
        // a probe wants the answer to its solicitation; DAD takes any advertisement (RFC 4862 §5.4.4)
        if (c.mode !== "dad" && !msg.solicited) return undefined;
        const mac = linkLayerOption(msg, "target-lla") ?? f.value.ethSrc;
        return { from: msg.target, mac, kind: "reply", unicast };
      }
      // Another node's DAD probe for the same address: it is claiming it too (RFC 4862 §5.4.3).
      if (c.mode === "dad" && f.value.ipSrc === "::") return { from: msg.target, mac: f.value.ethSrc, kind: "request", unicast };
      return undefined;
    },
  };
}
