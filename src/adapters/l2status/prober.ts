// ARP/NDP probes for many addresses at once: one packet socket per (interface, family), never
// one per address. Requests leave at a bounded rate; addresses still unanswered halfway to the
// deadline get a second request; everything stops at the deadline. Every MAC that answers is
// kept with the round-trip time from kernel timestamps.
import { NDP_FILTER } from "../../core/packet/bpf.ts";
import { ETHERTYPE_ARP, ETHERTYPE_IPV6 } from "../../core/packet/ethernet.ts";
import { answerOf, requestFrame } from "../../core/l2status/probe-frames.ts";
import type { ProbeAnswer, ProbeResult } from "../../core/l2status/model.ts";
import type { LinkFacts } from "../../core/link-facts.ts";
import type { PacketFrame } from "../packet/socket.ts";

export interface ProbeTarget {
  readonly ip: string;
  readonly link: LinkFacts;
  /** Our source address on the link for this family (undefined: 0.0.0.0 / ::). */
  readonly source?: string | undefined;
}

/** The part of PacketSocket the prober uses (tests pass fakes). */
export interface ProbeSocket {
  on(event: "frame", listener: (f: PacketFrame) => void): unknown;
  send(frame: Uint8Array): { ns: bigint };
  attachFilter?(program: typeof NDP_FILTER): void;
  close(): void;
}

export type SocketOpener = (link: LinkFacts, ethertype: number) => ProbeSocket;

export interface ProbeOptions {
  /** Requests per second over all interfaces. */
  readonly ratePerSecond: number;
  /** Deadline for the whole probe, from the first request. */
  readonly timeoutMs: number;
  /** Requests per unanswered address (the second halfway to the deadline). */
  readonly attempts: number;
  readonly open: SocketOpener;
  /** Once every address has answered, wait this long for late (duplicate) answers, then stop. */
  readonly settleMs?: number | undefined;
}

interface State {
  readonly target: ProbeTarget;
  readonly sends: bigint[];
  readonly answers: Map<string, { firstNs: bigint; count: number; rttMs: number | null }>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function probeAddresses(targets: readonly ProbeTarget[], o: ProbeOptions): Promise<Map<string, ProbeResult>> {
  const states = new Map<string, State>();
  for (const t of targets) states.set(t.ip, { target: t, sends: [], answers: new Map() });
  const sockets = new Map<string, ProbeSocket>();
  const settle = o.settleMs ?? 100;
  const start = performance.now();
  const deadline = start + o.timeoutMs;
  let lastAnswerAt = start;
  try {
    for (const t of targets) {
      const family = t.ip.includes(":") ? 6 : 4;
      const key = `${t.link.name}/${family}`;
      if (sockets.has(key)) continue;
      const sock = o.open(t.link, family === 4 ? ETHERTYPE_ARP : ETHERTYPE_IPV6);
      if (family === 6) sock.attachFilter?.(NDP_FILTER);
      sock.on("frame", (f) => {
        const a = answerOf(f.data, family);
        const st = a && states.get(a.ip);
        if (!a || !st || st.target.link.name !== t.link.name || st.sends.length === 0) return;
        if (a.mac === t.link.mac) return; // our own frame looped back
        const prev = st.answers.get(a.mac);
        if (prev) prev.count++;
        else {
          const tx = [...st.sends].reverse().find((s) => s <= f.timestampNs);
          st.answers.set(a.mac, { firstNs: f.timestampNs, count: 1, rttMs: tx === undefined || f.timestampNs === 0n ? null : Number(f.timestampNs - tx) / 1e6 });
        }
        lastAnswerAt = performance.now();
      });
      sockets.set(key, sock);
    }
    const send = (st: State): void => {
      const sock = sockets.get(`${st.target.link.name}/${st.target.ip.includes(":") ? 6 : 4}`);
      if (!sock) return;
      st.sends.push(sock.send(requestFrame(st.target.ip, { mac: st.target.link.mac, ip: st.target.source })).ns);
    };
    const all = [...states.values()];
    for (let attempt = 0; attempt < o.attempts; attempt++) {
      if (attempt > 0) {
        const retryAt = start + (o.timeoutMs * attempt) / o.attempts;
        while (performance.now() < retryAt && !allAnswered(all)) await sleep(Math.min(10, retryAt - performance.now()));
      }
      const round = all.filter((s) => s.answers.size === 0);
      await paced(round, o.ratePerSecond, deadline, send);
    }
    while (performance.now() < deadline) {
      if (allAnswered(all) && performance.now() - Math.max(lastAnswerAt, start) >= settle) break;
      await sleep(Math.min(10, deadline - performance.now()));
    }
  } finally {
    for (const s of sockets.values()) s.close();
  }
  const out = new Map<string, ProbeResult>();
  for (const st of states.values()) {
    const answers: ProbeAnswer[] = [...st.answers].sort((a, b) => (a[1].firstNs < b[1].firstNs ? -1 : 1)).map(([mac, v]) => ({ mac, rttMs: v.rttMs === null ? null : Math.round(v.rttMs * 1000) / 1000, count: v.count }));
    out.set(st.target.ip, { interface: st.target.link.name, sent: st.sends.length, answers, skipped: st.sends.length === 0 ? "the deadline passed before a request could be sent (raise --probe-timeout or --probe-rate)" : undefined });
  }
  return out;
}

function allAnswered(all: readonly State[]): boolean {
  return all.every((s) => s.answers.size > 0);
}

/** Sends to each state at most `rate` per second, in 10 ms slices, and never after the deadline. */
async function paced(states: readonly State[], rate: number, deadline: number, send: (s: State) => void): Promise<void> {
  const t0 = performance.now();
  let i = 0;
  while (i < states.length && performance.now() < deadline) {
    const due = Math.min(states.length, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    for (; i < due; i++) send(states[i] as State);
    if (i < states.length) await sleep(10);
  }
}
