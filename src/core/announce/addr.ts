// Address helpers for the announcer, on top of the packet codecs' parsers: canonical text forms
// so that VIPs from flags, Services and decoded packets compare equal as strings.
import { canonicalIP, parseIPv6 } from "../packet/addr.ts";
import { multicastMac, solicitedNodeMulticast } from "../packet/ndp.ts";

export type Family = 4 | 6;

/** Canonical text form (RFC 5952 for IPv6), or undefined when `s` is not a plain address. */
export function canonicalIp(s: string): string | undefined {
  const c = canonicalIP(s.trim());
  if (c === undefined) return undefined;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is not announced as IPv6; refuse rather than guess.
  // (core/ip.ts prints them with the dotted tail, RFC 5952 §5.)
  if (c.family === 6 && /^::ffff:\d{1,3}(\.\d{1,3}){3}$/.test(c.ip)) return undefined;
  return c.ip;
}

export function familyOf(ip: string): Family {
  return ip.includes(":") ? 6 : 4;
}

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
