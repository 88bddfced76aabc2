// Runs an ArpingSession in real time: probes at start + k*interval (one timer at a time, the
// deadline folded in so that a probe due exactly at -w is still sent, as iputils does), frames
// from the socket as they arrive, and an AbortSignal (SIGINT/SIGTERM) that ends the run early.
import type { ArpingSession, ReplyEvent } from "../../core/arping/session.ts";
import type { PacketFrame } from "../packet/socket.ts";

/** What the driver needs of a PacketSocket (tests pass a fake). */
export interface FrameSocket {
  send(frame: Uint8Array): { ns: bigint };
  on(event: "frame", listener: (f: PacketFrame) => void): unknown;
  off(event: "frame", listener: (f: PacketFrame) => void): unknown;
}

export interface DriveOptions {
  session: ArpingSession;
  socket: FrameSocket;
  intervalMs: number;
  deadlineMs?: number | undefined;
  signal?: AbortSignal | undefined;
  onReply(reply: ReplyEvent): void;
  /** Monotonic ms; injectable for tests. */
  now?: () => number;
}

export function drive(o: DriveOptions): Promise<void> {
  const now = o.now ?? (() => performance.now());
  const s = o.session;
  return new Promise<void>((resolve, reject) => {
    const t0 = now();
    let k = 0;
    let timer: NodeJS.Timeout | undefined;
    let settleTimer: NodeJS.Timeout | undefined;
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      if (settleTimer) clearTimeout(settleTimer);
      o.socket.off("frame", onFrame);
      o.signal?.removeEventListener("abort", onAbort);
    };
    const done = (): void => {
      cleanup();
      resolve();
    };
    const onFrame = (f: PacketFrame): void => {
      const r = s.frame(f.data, f.pkttype, f.timestampNs);
      if (r) o.onReply(r);
      if (s.finished) done();
      else if (s.settling && !settleTimer) {
        // every wanted answer is in: stop probing, give a duplicate responder settleMs() to show up
        if (timer) clearTimeout(timer);
        timer = undefined;
        settleTimer = setTimeout(onAbort, s.settleMs());
      }
    };
    const onAbort = (): void => {
      s.stop();
      done();
    };
    const step = (): void => {
      timer = undefined;
      try {
        const nominal = k * o.intervalMs;
        if (o.deadlineMs !== undefined && nominal > o.deadlineMs) {
          s.stop(); // woken for the deadline itself
        } else {
          const p = s.tick(nominal);
          if (p) s.sentProbe(p, o.socket.send(p.bytes).ns, nominal);
          k++;
        }
        if (s.finished) return done();
        const next = k * o.intervalMs;
        const due = o.deadlineMs !== undefined && o.deadlineMs < next ? o.deadlineMs : next;
        timer = setTimeout(step, Math.max(0, t0 + due - now()));
      } catch (err) {
        cleanup(); // e.g. ENETDOWN from send: the run fails instead of ending quietly
        reject(err);
      }
    };
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener("abort", onAbort);
    o.socket.on("frame", onFrame);
    step();
  });
}
