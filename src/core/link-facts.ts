// Plain facts about a network interface (filled in by adapters/links.ts) and the pure choices
// made from them: which interface's connected subnet holds a target, and whether ARP/NDP can
// run on an interface at all (iputils' "is down" / "is not ARPable" checks).
import { inCidr, maskIp, parseIp, type Family, type Ip } from "./ip.ts";

export interface LinkAddress {
  family: Family;
  /** Canonical text (RFC 5952 for IPv6). */
  address: string;
  prefix: number;
}

export interface LinkFacts {
  name: string;
  index: number;
  /** Lowercase colon MAC; "00:00:00:00:00:00" for loopback. */
  mac: string;
  mtu: number;
  up: boolean;
  broadcast: boolean;
  noarp: boolean;
  loopback: boolean;
  /** Controlling device (bridge or bond) if any. */
  master?: string | undefined;
  bondSlave: boolean;
  addresses: LinkAddress[];
}

/** IFF_* bits of /sys/class/net/<if>/flags (linux/if.h). */
export const IFF_UP = 0x1;
export const IFF_BROADCAST = 0x2;
export const IFF_LOOPBACK = 0x8;
export const IFF_NOARP = 0x80;

export type LinkProblem = "down" | "not-arpable" | "bond-slave";

/** Why ARP/NDP cannot run on the link, or undefined when it can. */
export function linkProblem(link: LinkFacts): LinkProblem | undefined {
  if (link.loopback || link.noarp) return "not-arpable";
  if (!link.up) return "down";
  if (link.bondSlave) return "bond-slave";
  return undefined;
}

/** The one wording of each problem, after the interface's name: arping and `l2 status --probe` print it. */
export function linkProblemText(problem: LinkProblem, link: LinkFacts): string {
  if (problem === "down") return "is down";
  if (problem === "not-arpable") return "is not ARPable (loopback or NOARP)";
  return `is a slave of bond ${link.master ?? "?"}: use the bond`;
}

/** Error code of each problem (errno-style, as arping reports it). */
export const LINK_PROBLEM_CODE: Readonly<Record<LinkProblem, string>> = { down: "ENETDOWN", "not-arpable": "E_NOARP", "bond-slave": "E_BOND_SLAVE" };

/**
 * Whether the announcer may answer on the link, as MetalLB's speaker filters: broadcast-capable,
 * not NOARP, not loopback, not a bond or bridge member, and with a real MAC. Stricter than
 * linkProblem (any master, not only a bond, excludes it); being down does not: it may come up.
 */
export function announceCandidate(link: LinkFacts): boolean {
  return !link.loopback && link.broadcast && !link.noarp && link.master === undefined && link.mac !== "00:00:00:00:00:00";
}

export interface LinkChoice {
  link: LinkFacts;
  /** The connected address whose subnet holds the target. */
  via: LinkAddress;
}

/**
 * The up, ARP-capable interface whose connected subnet holds `target`, longest prefix first;
 * undefined when none does (the caller asks for -i). Ties keep the lowest ifindex.
 */
export function pickLinkFor(target: string, links: readonly LinkFacts[]): LinkChoice | undefined {
  const t = parseIp(target);
  if (!t) return undefined;
  let best: LinkChoice | undefined;
  for (const link of [...links].sort((a, b) => a.index - b.index)) {
    if (linkProblem(link) !== undefined) continue;
    for (const a of link.addresses) {
      if (!onSubnet(t, a)) continue;
      if (t.family === 6 && a.prefix === 128) continue; // a /128 is no connected subnet
      if (!best || a.prefix > best.via.prefix) best = { link, via: a };
    }
  }
  return best;
}

/** The source address for a probe to `target` on `link`: same subnet first, then any of the family. */
export function pickSourceFor(target: string, link: LinkFacts): LinkAddress | undefined {
  const t = parseIp(target);
  if (!t) return undefined;
  const same = link.addresses.filter((a) => a.family === t.family);
  const onLink = same.filter((a) => onSubnet(t, a)).sort((a, b) => b.prefix - a.prefix);
  if (onLink[0]) return onLink[0];
  if (t.family === 6) return same.find((a) => a.address.startsWith("fe80:")) ?? same[0];
  return same[0];
}

/** Every local address of every interface (for checking that -s names one of ours). */
export function localAddresses(links: readonly LinkFacts[]): Set<string> {
  return new Set(links.flatMap((l) => l.addresses.map((a) => a.address)));
}

/** Whether `ip` lies in the subnet of the interface address `a` (its network, not a's host bits). */
function onSubnet(ip: Ip, a: LinkAddress): boolean {
  const net = parseIp(a.address);
  return net !== undefined && a.family === ip.family && inCidr(ip, { ip: maskIp(net, a.prefix, 0), prefix: a.prefix });
}
