// Gratuitous announcements and duplicate detection, as pure state over time (ms).
// Burst: on every takeover, `rounds` rounds `intervalMs` apart (MetalLB: 5 × 1100 ms; 1.1 s is
// above Linux's default arp locktime of 1 s, so every round can update a neighbour entry,
// MetalLB #172). Each IPv4 round sends an ARP request and an ARP reply announcement (some
// stacks accept only one of the two); each IPv6 round one unsolicited NA, O=1, Target LLA.
// Optional refresh: one round every `refreshMs` while held (switch FDB ageing, MetalLB #2910).
import { BROADCAST_MAC, ZERO_MAC } from "../packet/ethernet.ts";
import { ALL_NODES, multicastMac } from "../packet/ndp.ts";
import { familyOf } from "../ip.ts";
import { ARP_REPLY, ARP_REQUEST } from "../packet/arp.ts";
import type { ArpReply, NaReply, Reply } from "./responder.ts";

export interface BurstConfig {
  readonly rounds: number;
  readonly intervalMs: number;
  /** 0 = no periodic refresh. */
  readonly refreshMs: number;
}

export const DEFAULT_BURST: BurstConfig = { rounds: 5, intervalMs: 1100, refreshMs: 0 };

/** The frames of one announcement round for `ip` from `mac`. */
export function gratuitousFrames(ip: string, mac: string): Reply[] {
  if (familyOf(ip) === 6) {
    const na: NaReply = {
      kind: "na", ethSrc: mac, ethDst: multicastMac(ALL_NODES), ipSrc: ip, ipDst: ALL_NODES, hopLimit: 255, target: ip,
      solicited: false, override: true, router: false, targetLla: mac,
    };
    return [na];
  }
  // Request form per RFC 5227 §2.3 (THA zero); reply form with THA broadcast as MetalLB sends it.
  const req: ArpReply = { kind: "arp", ethSrc: mac, ethDst: BROADCAST_MAC, op: ARP_REQUEST, senderMac: mac, senderIp: ip, targetMac: ZERO_MAC, targetIp: ip };
  const rep: ArpReply = { kind: "arp", ethSrc: mac, ethDst: BROADCAST_MAC, op: ARP_REPLY, senderMac: mac, senderIp: ip, targetMac: BROADCAST_MAC, targetIp: ip };
  return [req, rep];
}

interface Entry {
  remaining: number;
  next: number;
}

/** Which held addresses are due for an announcement round. Keys are "ip%ifname". */
export class AnnounceSchedule {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly cfg: BurstConfig) {}

  /** Takeover (or re-claim): start a fresh burst now. */
  start(key: string, now: number): void {
    this.entries.set(key, { remaining: this.cfg.rounds, next: now });
  }

  stop(key: string): void {
    this.entries.delete(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Keys due at `now`; advances their schedule. */
  due(now: number): string[] {
    const out: string[] = [];
    for (const [key, e] of this.entries) {
      if (e.next > now) continue;
      out.push(key);
      if (e.remaining > 1) {
        e.remaining -= 1;
        e.next = now + this.cfg.intervalMs;
      } else if (this.cfg.refreshMs > 0) {
        e.remaining = 0;
        e.next = now + this.cfg.refreshMs;
      } else {
        e.remaining = 0;
        e.next = Number.POSITIVE_INFINITY;
      }
    }
    return out;
  }

  /** When the next round is due, or undefined when nothing is scheduled. */
  nextDue(): number | undefined {
    let min = Number.POSITIVE_INFINITY;
    for (const e of this.entries.values()) min = Math.min(min, e.next);
    return Number.isFinite(min) ? min : undefined;
  }
}

export interface DuplicateEvent {
  readonly ip: string;
  readonly ourMac: string;
  readonly theirMac: string;
}

/**
 * Duplicate episodes: the first foreign claim for an (ip, their MAC) opens an episode and is
 * reported; further claims within `quietMs` of the previous one belong to the same episode and
 * are only counted. After `quietMs` without claims the episode closes.
 */
export class DuplicateTracker {
  private readonly open = new Map<string, number>();
  constructor(private readonly quietMs = 60_000) {}

  /** Returns the event to log when this claim opens a new episode. */
  observe(ip: string, ourMac: string, theirMac: string, now: number): DuplicateEvent | undefined {
    const key = `${ip} ${theirMac}`;
    const last = this.open.get(key);
    this.open.set(key, now);
    if (last !== undefined && now - last < this.quietMs) return undefined;
    return { ip, ourMac, theirMac };
  }

  /** Episodes currently open (for the gauge), closing those quiet for `quietMs`. */
  openEpisodes(now: number): number {
    for (const [k, t] of this.open) if (now - t >= this.quietMs) this.open.delete(k);
    return this.open.size;
  }
}
