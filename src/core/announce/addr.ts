// Address helpers for the announcer: canonical text forms so that VIPs from flags, Services and
// decoded packets compare equal as strings, and the IPv6 multicast addresses NDP needs.
import { Address4, Address6 } from "ip-address";

export type Family = 4 | 6;

/** Canonical text form (RFC 5952 for IPv6), or undefined when `s` is not a plain address. */
export function canonicalIp(s: string): string | undefined {
  const t = s.trim();
  if (t === "" || t.includes("/") || t.includes("%")) return undefined;
  if (!t.includes(":")) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(t) || !Address4.isValid(t)) return undefined;
    // Leading zeros are refused: "010.0.0.1" is octal to some tools and decimal to others.
    if (t.split(".").some((o) => o.length > 1 && o.startsWith("0"))) return undefined;
    return new Address4(t).correctForm();
  }
  if (!Address6.isValid(t)) return undefined;
  const a = new Address6(t);
  // Mapped forms (::ffff:1.2.3.4) are not announced as IPv6; refuse rather than guess.
  if (a.is4()) return undefined;
  return a.correctForm();
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
  const bytes = new Address6(ip).toByteArray();
  const b = (i: number): number => bytes[bytes.length - 16 + i] ?? 0;
  const hex = (n: number): string => n.toString(16);
  return canonicalIp(`ff02::1:ff${hex(b(13)).padStart(2, "0")}:${hex((b(14) << 8) | b(15))}`) ?? "";
}

/** The Ethernet multicast MAC an IPv6 multicast address maps to (33:33 + low 32 bits). */
export function ipv6MulticastMac(ip: string): string {
  const bytes = new Address6(ip).toByteArray();
  const low = [0, 0, 0, 0, ...bytes].slice(-4);
  return ["33", "33", ...low.map((n) => n.toString(16).padStart(2, "0"))].join(":");
}

export function isIpv6Multicast(ip: string): boolean {
  return ip.toLowerCase().startsWith("ff");
}

/** Lower-case colon form; undefined when not a 6-byte MAC. */
export function canonicalMac(s: string): string | undefined {
  const parts = s.trim().toLowerCase().split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-f]{1,2}$/.test(p))) return undefined;
  return parts.map((p) => p.padStart(2, "0")).join(":");
}
