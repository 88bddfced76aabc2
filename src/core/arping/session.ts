// The decisions of one arping run, free of clocks and sockets: when to probe and to whom, which
// frames count as answers, when to stop, the statistics and the exit code. The driver calls
// tick() at the nominal probe times 0, interval, 2*interval... and frame() for every frame.
import type { Answer, Mode, Protocol } from "./protocol.ts";

export interface SessionConfig {
  protocol: Protocol;
  mode: Mode;
  /** -c; undefined = no limit. */
  count?: number | undefined;
  /** -w in ms; undefined = none. */
  deadlineMs?: number | undefined;
  intervalMs: number;
  /** -f (implied by DAD). */
  stopAtFirst: boolean;
  /** -b: never switch to unicast probes. */
  keepBroadcast: boolean;
}

export interface Probe {
  bytes: Uint8Array;
  broadcast: boolean;
}

export interface ReplyEvent extends Answer {
  /** Kernel receive stamp minus the send stamp of the latest probe. */
  rttNs: bigint;
  /** 1-based number of the latest probe sent before this answer. */
  probe: number;
}

/** Exit codes (iputils upstream >= 20240905 rules, plus 3 for a duplicate MAC; docs/arping.md). */
export const EXIT_REPLIED = 0;
export const EXIT_NO_REPLY = 1;
export const EXIT_DUPLICATE = 3;

export class ArpingSession {
  sent = 0;
  broadcasts = 0;
  received = 0;
  requests = 0;
  broadcastsReceived = 0;
  /** Distinct MACs that answered, in order of first answer. */
  readonly macs: string[] = [];
  readonly rttsNs: bigint[] = [];
  finished = false;
  /**
   * All wanted answers are in; the run lingers for settleMs() so that a second host answering
   * the same probe (a duplicate claim) is still seen, then ends.
   */
  settling = false;
  private lastSendNs: bigint | undefined;
  private unicastMac: string | undefined;
  private readonly c: SessionConfig;

  constructor(config: SessionConfig) {
    this.c = config;
  }

  get unsolicited(): boolean {
    return this.c.mode === "unsolicited-request" || this.c.mode === "unsolicited-reply";
  }

  /** With -w and -c (and no -f) iputils counts replies, not probes: probing goes on until then. */
  private get countsReplies(): boolean {
    return this.c.deadlineMs !== undefined && this.c.count !== undefined && !this.c.stopAtFirst && !this.unsolicited;
  }

  /** At nominal time `atMs` since start: the probe to send now, or undefined (check `finished`). */
  tick(atMs: number): Probe | undefined {
    if (this.finished) return undefined;
    if (this.settling) return this.finish();
    if (this.c.deadlineMs !== undefined && atMs > this.c.deadlineMs) return this.finish();
    if (this.c.count !== undefined && this.sent >= this.c.count && !this.countsReplies) return this.finish();
    const dst = this.c.keepBroadcast || this.unsolicited ? undefined : this.unicastMac;
    return this.c.protocol.probe(dst);
  }

  /** Records a probe as sent at `txNs` (kernel stamp), at nominal time `atMs`. */
  sentProbe(p: Probe, txNs: bigint, atMs: number): void {
    this.sent++;
    if (p.broadcast) this.broadcasts++;
    this.lastSendNs = txNs;
    // upstream iputils: -U/-A end right after their last send; the probe at t = -w is the last
    if (this.unsolicited && this.c.count !== undefined && this.sent >= this.c.count) this.finish();
    if (this.c.deadlineMs !== undefined && atMs >= this.c.deadlineMs) this.finish();
  }

  /** The deadline (or a signal) ends the run. */
  stop(): void {
    this.finish();
  }

  /** Offers one received frame; returns the answer it is, if it is one. */
  frame(bytes: Uint8Array, pkttype: number, rxNs: bigint): ReplyEvent | undefined {
    if (this.finished || this.lastSendNs === undefined) return undefined;
    const a = this.c.protocol.match(bytes, pkttype);
    if (!a) return undefined;
    this.received++;
    if (a.kind === "request") this.requests++;
    if (!a.unicast) this.broadcastsReceived++;
    if (!this.macs.includes(a.mac)) this.macs.push(a.mac);
    const rtt = rxNs > this.lastSendNs ? rxNs - this.lastSendNs : 0n;
    this.rttsNs.push(rtt);
    if (!this.c.keepBroadcast) this.unicastMac = a.mac; // iputils: the last MAC to answer wins
    if (this.c.stopAtFirst || this.c.mode === "dad") this.finish();
    else if (this.c.count !== undefined) {
      if (this.countsReplies ? this.received >= this.c.count : this.sent >= this.c.count) this.settling = true;
    }
    return { ...a, rttNs: rtt, probe: this.sent };
  }

  /** Whether the driver should stop probing: finished, or only waiting out the settle window. */
  get done(): boolean {
    return this.finished || this.settling;
  }

  /** Settle window: 4x the latest RTT, at least 2 ms, at most 20 ms and never beyond the interval. */
  settleMs(): number {
    const last = this.rttsNs[this.rttsNs.length - 1] ?? 0n;
    return Math.min(this.c.intervalMs, Math.max(2, Math.min(20, (Number(last) / 1e6) * 4)));
  }

  get duplicate(): boolean {
    return this.macs.length > 1;
  }

  exitCode(): number {
    if (this.c.mode === "dad") return this.received > 0 ? 1 : 0;
    if (this.unsolicited) return 0;
    if (this.duplicate) return EXIT_DUPLICATE;
    if (this.countsReplies) return this.received < (this.c.count ?? 0) ? EXIT_NO_REPLY : EXIT_REPLIED;
    return this.received === 0 ? EXIT_NO_REPLY : EXIT_REPLIED;
  }

  private finish(): undefined {
    this.finished = true;
    return undefined;
  }
}

export interface RttSummary {
  min: number;
  avg: number;
  max: number;
  mdev: number;
}

/** ping's rtt line figures in ms; mdev = sqrt(mean(x^2) - mean(x)^2). */
export function rttSummary(rttsNs: readonly bigint[]): RttSummary | undefined {
  if (rttsNs.length === 0) return undefined;
  const ms = rttsNs.map((n) => Number(n) / 1e6);
  const avg = ms.reduce((a, b) => a + b, 0) / ms.length;
  const sq = ms.reduce((a, b) => a + b * b, 0) / ms.length;
  return { min: Math.min(...ms), avg, max: Math.max(...ms), mdev: Math.sqrt(Math.max(0, sq - avg * avg)) };
}
