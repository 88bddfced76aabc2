// The Announcer: the per-interface frame ports, the table of addresses held on which
// interfaces, the gratuitous schedule and duplicate detection. It knows nothing of leases or
// Kubernetes: standalone mode and the cluster controller both just call `setHeld`.
// Frame I/O is behind `FramePort` so tests drive the engine with fake ports.
import { solicitedNodeMulticast } from "../../core/packet/ndp.ts";
import { familyOf } from "../../core/ip.ts";
import { AnnounceSchedule, DuplicateTracker, gratuitousFrames, type BurstConfig } from "../../core/announce/announcements.ts";
import type { Metrics } from "../../core/announce/metrics.ts";
import type { ArpProbe, DadProbe } from "../../core/announce/probe.ts";
import { respond, type DecodedFrame, type Reply } from "../../core/announce/responder.ts";
import type { Logger } from "./logger.ts";

export type OutFrame = Reply | ArpProbe | DadProbe;

export interface FramePort {
  readonly ifname: string;
  readonly mac: string;
  send(frame: OutFrame): void;
  close(): void;
}

/** Opens the frame port of one interface; `onError` reports a dead port (interface deleted). */
export type PortOpener = (link: LinkState, onFrame: (f: DecodedFrame) => void, onError: (err: Error) => void) => Promise<FramePort>;

/** IPv6 solicited-node group membership (MLD) so switches and NIC filters pass the NS. */
export interface GroupJoiner {
  join(group: string, ifname: string): void;
  leave(group: string, ifname: string): void;
  close(): void;
}

export interface LinkState {
  readonly name: string;
  readonly ifindex: number;
  readonly mac: string;
  readonly up: boolean;
}

export interface EngineDeps {
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly burst: BurstConfig;
  readonly now: () => number;
  readonly openPort: PortOpener;
  readonly joiner?: GroupJoiner | undefined;
  /** Extra observer of every received frame (standalone probing). */
  readonly tap?: ((ifname: string, frame: DecodedFrame) => void) | undefined;
}

interface Port {
  readonly link: LinkState;
  readonly port: FramePort;
}

export class Announcer {
  private readonly ports = new Map<string, Port>();
  private readonly opening = new Set<string>();
  private held = new Map<string, Set<string>>();
  private readonly schedule: AnnounceSchedule;
  private readonly dups = new DuplicateTracker();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly counters = new Map<string, { requests: { inc(): void }; replies: { inc(): void } }>();

  constructor(private readonly deps: EngineDeps) {
    this.schedule = new AnnounceSchedule(deps.burst);
  }

  /** Reconciles the open ports with the current links (called on every rescan). */
  async setLinks(links: readonly LinkState[]): Promise<void> {
    const want = new Map(links.map((l) => [l.name, l]));
    for (const [name, p] of this.ports) {
      const l = want.get(name);
      if (!l || l.ifindex !== p.link.ifindex || l.mac !== p.link.mac) {
        this.deps.log.info("interface gone or replaced; closing its responder", { interface: name });
        this.dropPort(name);
      } else if (l.up !== p.link.up) {
        this.ports.set(name, { link: l, port: p.port });
        this.deps.log.info(l.up ? "interface up" : "interface down", { interface: name });
        if (l.up) this.restartBursts(name); // caches may have aged out while it was down
      }
    }
    await Promise.all([...want.values()].filter((l) => !this.ports.has(l.name) && !this.opening.has(l.name)).map((l) => this.openPort(l)));
  }

  /** Desired state: address → interfaces it is answered on. Starts bursts for new pairs. */
  setHeld(next: ReadonlyMap<string, readonly string[]>): void {
    const old = this.held;
    this.held = new Map([...next].map(([ip, ifs]) => [ip, new Set(ifs)]));
    for (const [ip, ifs] of this.held) {
      for (const ifname of ifs) {
        if (old.get(ip)?.has(ifname)) continue;
        this.joinLeave(ip, ifname, true);
        if (this.ports.get(ifname)?.link.up) this.schedule.start(key(ip, ifname), this.deps.now());
      }
    }
    for (const [ip, ifs] of old) {
      for (const ifname of ifs) {
        if (this.held.get(ip)?.has(ifname)) continue;
        this.joinLeave(ip, ifname, false);
        this.schedule.stop(key(ip, ifname));
      }
    }
    this.deps.metrics.set("lbctl_announce_addresses", {}, this.held.size);
    this.arm();
  }

  holds(ip: string, ifname: string): boolean {
    return (this.held.get(ip)?.has(ifname) ?? false) && (this.ports.get(ifname)?.link.up ?? false);
  }

  interfaces(): LinkState[] {
    return [...this.ports.values()].map((p) => p.link);
  }

  macOf(ifname: string): string | undefined {
    return this.ports.get(ifname)?.link.mac;
  }

  send(ifname: string, frame: OutFrame): boolean {
    const p = this.ports.get(ifname);
    if (!p) return false;
    try {
      p.port.send(frame);
      return true;
    } catch (err) {
      this.deps.log.debug("send failed", { interface: ifname, error: (err as Error).message });
      return false;
    }
  }

  /** One received frame: decide, answer, count. Never throws (it runs in a socket callback). */
  handleFrame(ifname: string, frame: DecodedFrame): void {
    try {
      this.handle(ifname, frame);
    } catch (err) {
      this.deps.metrics.inc("lbctl_announce_drops_total", { reason: "internal-error" });
      this.deps.log.debug("frame handling failed", { interface: ifname, error: (err as Error).message });
    }
  }

  private handle(ifname: string, frame: DecodedFrame): void {
    const p = this.ports.get(ifname);
    if (!p || this.closed) return;
    this.deps.tap?.(ifname, frame);
    const family = frame.kind === "arp" ? "ipv4" : "ipv6";
    const c = this.countersFor(ifname, family);
    if ((frame.kind === "arp" && frame.op === 1) || frame.kind === "ns") c.requests.inc();
    const d = respond(frame, {
      ifname,
      mac: p.link.mac,
      holds: (ip, ifn) => this.holds(ip, ifn),
      holdsAnywhere: (ip) => this.held.has(ip),
    });
    if ("reply" in d) {
      if (this.send(ifname, d.reply)) c.replies.inc();
      return;
    }
    if (d.drop !== "not-held" && d.drop !== "arp-reply" && d.drop !== "na-ignored" && d.drop !== "own-frame") {
      this.deps.metrics.inc("lbctl_announce_drops_total", { reason: d.drop });
    }
    if (d.conflict) {
      const ev = this.dups.observe(d.conflict.ip, p.link.mac, d.conflict.theirMac, this.deps.now());
      if (ev) {
        this.deps.metrics.inc("lbctl_announce_duplicates_total", { ip: ev.ip });
        this.deps.log.warn("duplicate: another host claims an address we announce", {
          ip: ev.ip, interface: ifname, our_mac: ev.ourMac, their_mac: ev.theirMac, via: d.conflict.how,
        });
      }
    }
  }

  private countersFor(ifname: string, family: string): { requests: { inc(): void }; replies: { inc(): void } } {
    const k = `${ifname}|${family}`;
    let c = this.counters.get(k);
    if (!c) {
      const labels = { interface: ifname, family };
      c = { requests: this.deps.metrics.handle("lbctl_announce_requests_total", labels), replies: this.deps.metrics.handle("lbctl_announce_replies_total", labels) };
      this.counters.set(k, c);
    }
    return c;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const name of [...this.ports.keys()]) this.dropPort(name);
    this.deps.joiner?.close();
  }

  private async openPort(link: LinkState): Promise<void> {
    this.opening.add(link.name);
    try {
      const port = await this.deps.openPort(link, (f) => this.handleFrame(link.name, f), (err) => {
        this.deps.log.warn("responder socket failed; will reopen on the next interface scan", { interface: link.name, error: err.message });
        if (this.ports.get(link.name)?.port === port) this.dropPort(link.name);
      });
      if (this.closed) return port.close();
      this.ports.set(link.name, { link, port });
      this.deps.log.info("responder listening", { interface: link.name, mac: link.mac, up: link.up });
      if (link.up) this.restartBursts(link.name);
    } catch (err) {
      this.deps.log.warn("cannot open responder socket", { interface: link.name, error: (err as Error).message });
    } finally {
      this.opening.delete(link.name);
    }
  }

  private dropPort(name: string): void {
    const p = this.ports.get(name);
    this.ports.delete(name);
    try {
      p?.port.close();
    } catch {
      // already dead
    }
  }

  private restartBursts(ifname: string): void {
    for (const [ip, ifs] of this.held) if (ifs.has(ifname)) this.schedule.start(key(ip, ifname), this.deps.now());
    this.arm();
  }

  private joinLeave(ip: string, ifname: string, join: boolean): void {
    if (familyOf(ip) !== 6 || !this.deps.joiner) return;
    const group = solicitedNodeMulticast(ip);
    try {
      if (join) this.deps.joiner.join(group, ifname);
      else this.deps.joiner.leave(group, ifname);
    } catch (err) {
      this.deps.log.warn("joining solicited-node multicast group failed", { group, interface: ifname, error: (err as Error).message });
    }
  }

  /** Sends what is due and re-arms the one timer for the next round. */
  private arm(): void {
    if (this.closed) return;
    const now = this.deps.now();
    for (const k of this.schedule.due(now)) {
      const [ip = "", ifname = ""] = k.split("%");
      const p = this.ports.get(ifname);
      if (!p || !this.holds(ip, ifname)) continue;
      for (const frame of gratuitousFrames(ip, p.link.mac)) {
        if (this.send(ifname, frame)) this.deps.metrics.inc("lbctl_announce_gratuitous_total", { interface: ifname, family: familyOf(ip) === 4 ? "ipv4" : "ipv6" });
      }
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.schedule.nextDue();
    if (next !== undefined) {
      this.timer = setTimeout(() => this.arm(), Math.max(0, next - this.deps.now()));
      this.timer.unref?.();
    }
  }
}

function key(ip: string, ifname: string): string {
  return `${ip}%${ifname}`;
}
