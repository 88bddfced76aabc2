// The responder decision: one decoded ARP or NDP frame in, a reply or a drop reason out (the
// MetalLB layer2 shape, so every path is testable by feeding one frame). It never throws on
// input: hostile frames end as a drop reason. Frames that show another host claiming one of our
// VIPs are returned as drops carrying a `conflict`, which feeds duplicate detection.
import { ARP_REPLY, ARP_REQUEST } from "../packet/arp.ts";
import type { ArpFields } from "../packet/arp-fast.ts";
import { BROADCAST_MAC } from "../packet/ethernet.ts";
import { ALL_NODES, isIPv6Multicast, multicastMac, solicitedNodeMulticast } from "../packet/ndp.ts";
import { IPV4_ANY, IPV6_ANY } from "../ip.ts";

/** A decoded Neighbour Solicitation (ICMPv6 type 135) with its IPv6 and Ethernet headers. */
export interface NsFrame {
  readonly kind: "ns";
  readonly ethSrc: string;
  readonly ethDst: string;
  readonly ipSrc: string;
  readonly ipDst: string;
  readonly hopLimit: number;
  readonly target: string;
  readonly sourceLla?: string | undefined;
}

/** A decoded Neighbour Advertisement (type 136): only looked at for duplicate detection. */
export interface NaFrame {
  readonly kind: "na";
  readonly ethSrc: string;
  readonly ethDst: string;
  readonly ipSrc: string;
  readonly ipDst: string;
  readonly target: string;
  readonly targetLla?: string | undefined;
}

export type DecodedFrame = ArpFields | NsFrame | NaFrame;

/** An ARP frame to send: the same fields as a decoded one. */
export type ArpReply = ArpFields;

export interface NaReply {
  readonly kind: "na";
  readonly ethSrc: string;
  readonly ethDst: string;
  readonly ipSrc: string;
  readonly ipDst: string;
  readonly hopLimit: 255;
  readonly target: string;
  readonly solicited: boolean;
  readonly override: boolean;
  readonly router: false;
  readonly targetLla: string;
}

export type Reply = ArpReply | NaReply;

export type DropReason =
  | "own-frame" // sent by this interface (looped back)
  | "arp-reply" // replies are never answered
  | "arp-opcode" // neither request nor reply
  | "eth-destination" // not broadcast/multicast for us, nor our MAC
  | "not-held" // target is not a VIP we hold
  | "not-on-interface" // VIP held, but not on the interface the frame came in on
  | "bad-hop-limit" // NDP frames must arrive with hop limit 255 (RFC 4861 §7.1.1)
  | "bad-ns" // target multicast, or destination neither target nor its solicited-node group
  | "no-source-ll" // multicast NS from a unicast source without a Source LLA option (as MetalLB)
  | "na-ignored" // an NA for an address we do not hold
  | "conflict"; // another MAC claims one of our VIPs (see `conflict`)

export interface Conflict {
  readonly ip: string;
  readonly theirMac: string;
  readonly how: "arp-reply" | "arp-announce" | "arp-sender" | "na";
}

export type Decision = { readonly reply: Reply } | { readonly drop: DropReason; readonly conflict?: Conflict };

/** What the responder knows about the interface a frame arrived on. */
export interface ResponderView {
  readonly ifname: string;
  readonly mac: string;
  /** The VIP is held (leader, or standalone) on this interface. */
  holds(ip: string, ifname: string): boolean;
  /** The VIP is held on any interface: distinguishes not-on-interface from not-held. */
  holdsAnywhere(ip: string): boolean;
}

export function respond(frame: DecodedFrame, view: ResponderView): Decision {
  if (frame.ethSrc === view.mac) return { drop: "own-frame" };
  switch (frame.kind) {
    case "arp":
      return respondArp(frame, view);
    case "ns":
      return respondNs(frame, view);
    case "na":
      return watchNa(frame, view);
  }
}

function respondArp(f: ArpFields, view: ResponderView): Decision {
  if (f.senderMac === view.mac) return { drop: "own-frame" };
  // Someone else using one of our VIPs as its sender address is a conflict whatever the opcode:
  // a reply for it, a gratuitous announcement (SPA = TPA), or a request sourced from it.
  if (f.senderIp !== IPV4_ANY && view.holds(f.senderIp, view.ifname)) {
    const how = f.op === ARP_REPLY ? "arp-reply" : f.senderIp === f.targetIp ? "arp-announce" : "arp-sender";
    return { drop: "conflict", conflict: { ip: f.senderIp, theirMac: f.senderMac, how } };
  }
  if (f.op === ARP_REPLY) return { drop: "arp-reply" };
  if (f.op !== ARP_REQUEST) return { drop: "arp-opcode" };
  if (f.ethDst !== BROADCAST_MAC && f.ethDst !== view.mac) return { drop: "eth-destination" };
  if (!view.holds(f.targetIp, view.ifname)) return { drop: view.holdsAnywhere(f.targetIp) ? "not-on-interface" : "not-held" };
  // THA is ignored (zero, ones, or anything): RFC 826 says it is meaningless in a request.
  // Probes (SPA 0.0.0.0) are answered: that is RFC 5227 defence; the reply goes to the prober's MAC.
  return {
    reply: {
      kind: "arp",
      ethSrc: view.mac,
      ethDst: f.senderMac,
      op: ARP_REPLY,
      senderMac: view.mac,
      senderIp: f.targetIp,
      targetMac: f.senderMac,
      targetIp: f.senderIp,
    },
  };
}

function respondNs(f: NsFrame, view: ResponderView): Decision {
  if (f.sourceLla !== undefined && f.sourceLla === view.mac) return { drop: "own-frame" };
  if (f.hopLimit !== 255) return { drop: "bad-hop-limit" };
  if (isIPv6Multicast(f.target)) return { drop: "bad-ns" };
  const multicastDst = isIPv6Multicast(f.ipDst);
  if (multicastDst ? f.ipDst !== solicitedNodeMulticast(f.target) : f.ipDst !== f.target) return { drop: "bad-ns" };
  const dad = f.ipSrc === IPV6_ANY;
  if (dad && multicastDst === false) return { drop: "bad-ns" };
  if (dad && f.sourceLla !== undefined) return { drop: "bad-ns" }; // RFC 4861 §7.1.1
  if (!multicastDst && f.ethDst !== view.mac) return { drop: "eth-destination" };
  if (multicastDst && f.ethDst !== multicastMac(f.ipDst) && f.ethDst !== view.mac) return { drop: "eth-destination" };
  if (!view.holds(f.target, view.ifname)) return { drop: view.holdsAnywhere(f.target) ? "not-on-interface" : "not-held" };
  // Multicast resolution without SLLA is dropped as MetalLB does; a unicast NUD probe without it
  // is answered to the Ethernet source (MetalLB #2920 leaves those unanswered).
  if (!dad && multicastDst && f.sourceLla === undefined) return { drop: "no-source-ll" };
  // DAD from :: is defended to all-nodes with S=0 (RFC 4861 §7.2.4), so the prober sees the owner.
  const ethDst = dad ? multicastMac(ALL_NODES) : (f.sourceLla ?? f.ethSrc);
  return {
    reply: {
      kind: "na",
      ethSrc: view.mac,
      ethDst,
      ipSrc: f.target,
      ipDst: dad ? ALL_NODES : f.ipSrc,
      hopLimit: 255,
      target: f.target,
      solicited: !dad,
      override: true,
      router: false,
      targetLla: view.mac,
    },
  };
}

function watchNa(f: NaFrame, view: ResponderView): Decision {
  const theirMac = f.targetLla ?? f.ethSrc;
  if (theirMac !== view.mac && view.holds(f.target, view.ifname)) {
    return { drop: "conflict", conflict: { ip: f.target, theirMac, how: "na" } };
  }
  return { drop: "na-ignored" };
}
