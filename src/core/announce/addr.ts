// Link-layer constants and multicast helpers for the announcer, on top of the packet codecs.
import { parseIPv6 } from "../packet/addr.ts";
import { multicastMac, solicitedNodeMulticast } from "../packet/ndp.ts";

export const IPV4_ANY = "0.0.0.0";
export const IPV6_ANY = "::";
export const ALL_NODES = "ff02::1";
export const BROADCAST_MAC = "ff:ff:ff:ff:ff:ff";
export const ZERO_MAC = "00:00:00:00:00:00";

/** ff02::1:ffXX:XXXX for an IPv6 address (RFC 4291 §2.7.1). */
export function solicitedNodeAddress(ip: string): string {
  return solicitedNodeMulticast(ip);
}

/** The Ethernet multicast MAC an IPv6 multicast address maps to (33:33 + low 32 bits). */
export function ipv6MulticastMac(ip: string): string {
  return multicastMac(ip);
}

export function isIpv6Multicast(ip: string): boolean {
  return (parseIPv6(ip)?.[0] ?? 0) === 0xff;
}
