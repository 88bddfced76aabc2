// RFC 5227 probe-before-claim for standalone mode (and RFC 4862 DAD for IPv6): the frames to
// send for an address we are about to claim, and which received frames show another host
// already using it. A probe that meets an answer must not claim (unless the user forces it).
import { familyOf } from "../ip.ts";
import { BROADCAST_MAC, ZERO_MAC } from "../packet/ethernet.ts";
import { multicastMac, solicitedNodeMulticast } from "../packet/ndp.ts";
import { IPV4_ANY, IPV6_ANY } from "../ip.ts";
import { ARP_REPLY, ARP_REQUEST } from "../packet/arp.ts";
import type { ArpFields } from "../packet/arp-fast.ts";
import type { DecodedFrame, NsFrame } from "./responder.ts";

export interface ProbeSettings {
  /** Probes per address (RFC 5227 PROBE_NUM = 3). */
  readonly count: number;
  /** Spacing between probes, and the wait after the last one, in ms. */
  readonly intervalMs: number;
}

/** Shorter than RFC 5227's 1–2 s spacing: on a LAN answers come back in well under 100 ms. */
export const DEFAULT_PROBE: ProbeSettings = { count: 3, intervalMs: 200 };

/** An RFC 5227 probe to send: an ARP frame like any other. */
export type ArpProbe = ArpFields;

/** An RFC 4862 DAD probe: a Neighbour Solicitation from :: without a Source LLA option. */
export type DadProbe = NsFrame & { readonly hopLimit: 255; readonly sourceLla?: undefined };

export function probeFrame(ip: string, mac: string): ArpProbe | DadProbe {
  if (familyOf(ip) === 6) {
    const group = solicitedNodeMulticast(ip);
    return { kind: "ns", ethSrc: mac, ethDst: multicastMac(group), ipSrc: IPV6_ANY, ipDst: group, hopLimit: 255, target: ip };
  }
  return { kind: "arp", ethSrc: mac, ethDst: BROADCAST_MAC, op: ARP_REQUEST, senderMac: mac, senderIp: IPV4_ANY, targetMac: ZERO_MAC, targetIp: ip };
}

/**
 * The MAC of another host using `ip`, judged from one received frame: an ARP packet with `ip` as
 * sender (reply, announcement or request), another host's simultaneous probe for `ip`
 * (RFC 5227 §2.1.1), an NA for `ip`, or another host's DAD NS for it.
 */
export function probeConflict(frame: DecodedFrame, ip: string, ourMac: string): string | undefined {
  if (frame.ethSrc === ourMac) return undefined;
  switch (frame.kind) {
    case "arp":
      if (frame.senderMac === ourMac) return undefined;
      if (frame.senderIp === ip) return frame.senderMac;
      if (frame.op === ARP_REQUEST && frame.senderIp === IPV4_ANY && frame.targetIp === ip) return frame.senderMac;
      if (frame.op === ARP_REPLY && frame.targetIp === ip && frame.senderIp === IPV4_ANY) return frame.senderMac;
      return undefined;
    case "na":
      return frame.target === ip ? (frame.targetLla ?? frame.ethSrc) : undefined;
    case "ns":
      return frame.target === ip && frame.ipSrc === IPV6_ANY ? frame.ethSrc : undefined;
  }
}
