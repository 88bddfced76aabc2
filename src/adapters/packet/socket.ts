// PacketSocket: one AF_PACKET socket on one interface and ethertype, as an EventEmitter of
// whole frames. The binding is injectable (serialport poller.ts style) so tests need no addon.
import { EventEmitter } from "node:events";
import { endianness } from "node:os";
import { LbctlError, SetupError } from "../../errors.ts";
import { encodeBpf, type BpfInstruction } from "../../core/packet/bpf.ts";
import { loadBinding, OPEN_NO_TX_STAMP, type PacketBinding, type PacketHandle, type SendStamp } from "./binding.ts";
import { assertTestNetns } from "./netns-guard.ts";

export { PACKET_BROADCAST, PACKET_HOST, PACKET_MULTICAST, PACKET_OTHERHOST } from "../../core/packet/ethernet.ts";

export interface PacketFrame {
  data: Buffer;
  /** PACKET_HOST / BROADCAST / MULTICAST / OTHERHOST: how the frame was addressed to us. */
  pkttype: number;
  /** Kernel receive timestamp, CLOCK_REALTIME ns. */
  timestampNs: bigint;
}

export interface PacketSocketOptions {
  ifname: string;
  ifindex: number;
  ethertype: number;
  /**
   * Read the kernel's TX timestamp of every send (default true): two extra error-queue reads per
   * send, which only RTT measurements (arping) need. Without it send() stamps just before sendto.
   */
  txTimestamps?: boolean;
  /** Receive queue size in bytes (SO_RCVBUFFORCE, else SO_RCVBUF capped by rmem_max); default the kernel's. */
  receiveBufferBytes?: number;
  binding?: PacketBinding;
  env?: Readonly<Record<string, string | undefined>>;
}

export class PacketSocket extends EventEmitter<{ frame: [PacketFrame] }> {
  readonly ifname: string;
  private readonly binding: PacketBinding;
  private handle: PacketHandle | undefined;

  private constructor(ifname: string, binding: PacketBinding) {
    super();
    this.ifname = ifname;
    this.binding = binding;
  }

  /** Opens and starts receiving at once; frames are emitted as 'frame' events. */
  static open(o: PacketSocketOptions): PacketSocket {
    assertTestNetns(o.env ?? process.env);
    const binding = o.binding ?? loadBinding(o.env);
    const sock = new PacketSocket(o.ifname, binding);
    const flags = o.txTimestamps === false ? OPEN_NO_TX_STAMP : 0;
    const rcvbuf = o.receiveBufferBytes ?? 0;
    try {
      // One native callback per wake-up, not per frame.
      sock.handle = binding.open(o.ifindex, o.ethertype, (records, count) => sock.emitBatch(records, count), flags, rcvbuf);
    } catch (err) {
      throw explain(err, `opening a packet socket on ${o.ifname}`);
    }
    return sock;
  }

  /** Splits a batch (layout: PacketBinding.open) into 'frame' events; frames share its memory. */
  private emitBatch(records: Buffer, count: number): void {
    let off = 0;
    for (let i = 0; i < count && off + 16 <= records.length; i++) {
      const len = records.readUInt32LE(off);
      const pkttype = records.readUInt32LE(off + 4);
      const timestampNs = records.readBigUInt64LE(off + 8);
      const data = records.subarray(off + 16, off + 16 + len);
      off += (16 + len + 7) & ~7;
      this.emit("frame", { data, pkttype, timestampNs });
    }
  }

  get closed(): boolean {
    return this.handle === undefined;
  }

  /** Sends one whole Ethernet frame; returns when it left (kernel TX stamp when available). */
  send(frame: Uint8Array): SendStamp {
    try {
      return this.binding.send(this.live(), Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
    } catch (err) {
      throw explain(err, `sending on ${this.ifname}`);
    }
  }

  /** The clock of the timestamps (CLOCK_REALTIME ns). */
  now(): bigint {
    return this.binding.realtimeNs();
  }

  get timestampMode(): string {
    return this.binding.timestampMode(this.live());
  }

  attachFilter(program: readonly BpfInstruction[]): void {
    const bytes = encodeBpf(program, endianness() === "LE");
    try {
      this.binding.attachFilter(this.live(), Buffer.from(bytes));
    } catch (err) {
      throw explain(err, `attaching a filter on ${this.ifname}`);
    }
  }

  /** An unref'd socket does not keep the process alive. */
  unref(): this {
    if (this.handle) this.binding.setRef(this.handle, false);
    return this;
  }

  ref(): this {
    if (this.handle) this.binding.setRef(this.handle, true);
    return this;
  }

  close(): void {
    if (!this.handle) return;
    const h = this.handle;
    this.handle = undefined;
    this.binding.close(h);
  }


  private live(): PacketHandle {
    if (!this.handle) throw new LbctlError(`packet socket on ${this.ifname} is closed`, { code: "E_CLOSED" });
    return this.handle;
  }
}

/** errno from the addon → one-line LbctlError ("doing X on IF: reason"), exit 2 for setup errors. */
export function explain(err: unknown, doing: string): LbctlError {
  if (err instanceof LbctlError) return err;
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === "EPERM" || code === "EACCES") {
    return new SetupError(`${doing}: ${message}: CAP_NET_RAW is needed (run as root, or: setcap cap_net_raw+ep "$(command -v node)")`, {
      code: "E_PERMISSION",
      cause: err,
    });
  }
  if (code === "ENODEV" || code === "ENXIO") return new SetupError(`${doing}: no such interface (${message})`, { code: String(code), cause: err });
  if (code === "ENETDOWN") return new SetupError(`${doing}: the interface is down (${message})`, { code: "ENETDOWN", cause: err });
  return new LbctlError(`${doing}: ${message}`, { code: typeof code === "string" ? code : "E_PACKET", cause: err });
}
