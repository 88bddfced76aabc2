// The frames `l2 status --probe` sends and the answers it accepts: an ARP request (RFC 826, tha
// zero as the kernel sends it) or a Neighbor Solicitation to the solicited-node group, and back
// an ARP reply or a Neighbor Advertisement naming the target. Every MAC that answers counts,
// which is how duplicates show up.
import { arpMessageBytes, ARP_REPLY, decodeArpFrame, newRequest } from "../packet/arp.ts";
import { ZERO_MAC } from "../packet/ethernet.ts";
import { decodeNdpFrame, encodeNdpFrame, linkLayerOption, newSolicitation } from "../packet/ndp.ts";

export interface ProbeSource {
  /** Our interface MAC. */
  readonly mac: string;
  /** Our address on that link (same family), or undefined: then 0.0.0.0 (ARP probe) / :: (DAD). */
  readonly ip?: string | undefined;
}

export function requestFrame(target: string, from: ProbeSource): Uint8Array {
  if (!target.includes(":")) return arpMessageBytes(newRequest({ sha: from.mac, spa: from.ip ?? "0.0.0.0", tpa: target, tha: ZERO_MAC }));
  return encodeNdpFrame(newSolicitation({ mac: from.mac, src: from.ip ?? "::", target }));
}

/** The address and MAC an answer vouches for, or undefined for anything else. */
export function answerOf(frame: Uint8Array, family: 4 | 6): { ip: string; mac: string } | undefined {
  if (family === 4) {
    const d = decodeArpFrame(frame);
    if (!d.ok || d.value.arp.op !== ARP_REPLY) return undefined;
    return { ip: d.value.arp.spa, mac: d.value.arp.sha };
  }
  const d = decodeNdpFrame(frame);
  if (!d.ok || d.value.msg.type !== "na") return undefined;
  // RFC 4861 §7.1.2: without a Target LLA option the answer names the frame's source MAC.
  return { ip: d.value.msg.target, mac: linkLayerOption(d.value.msg, "target-lla") ?? d.value.ethSrc };
}
