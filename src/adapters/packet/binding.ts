// Loads the native packet addon (native/packet.c) on first use only: commands that never send
// frames must work where it could not be built, and `lbctl --help` must not pay for it.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SetupError } from "../../errors.ts";
import { traceMark } from "../../trace.ts";

/** Opaque native handle of one open socket. */
export type PacketHandle = { readonly __packetHandle: unique symbol };

export interface SendStamp {
  /** CLOCK_REALTIME ns at which the frame left: the kernel's TX stamp when `kernel`, else just before sendto. */
  ns: bigint;
  kernel: boolean;
}

/** open() flag (native/packet.c): no TX stamping on send. */
export const OPEN_NO_TX_STAMP = 1;

/** The addon's exports (see native/packet.c for the contract of each). */
export interface PacketBinding {
  /**
   * One callback per wake-up with every frame read (recvmmsg): `records` holds `count` records of
   * u32 length, u32 pkttype, u64 timestamp ns (little-endian), the frame, zero padding to 8 bytes.
   * `flags` may hold OPEN_NO_TX_STAMP; `rcvbuf` > 0 enlarges the receive queue.
   */
  open(ifindex: number, ethertype: number, onBatch: (records: Buffer, count: number) => void, flags?: number, rcvbuf?: number): PacketHandle;
  send(handle: PacketHandle, frame: Buffer): SendStamp;
  close(handle: PacketHandle): void;
  setRef(handle: PacketHandle, ref: boolean): void;
  attachFilter(handle: PacketHandle, program: Buffer): void;
  realtimeNs(): bigint;
  timestampMode(handle: PacketHandle): "timestamping" | "timestampns" | "none";
}

const ADDON_PATHS = ["build/Release/lbctl_packet.node", "build/Debug/lbctl_packet.node"];

/**
 * The checkout (or installed package) root: the nearest directory above this code that holds
 * binding.gyp. This module runs at dist/src/adapters/packet/ and, bundled, at dist/lbctl.cjs.
 */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "binding.gyp"))) return dir;
    if (dirname(dir) === dir) return here;
  }
}

/** Where the addon may be, most likely first. */
export function addonCandidates(): string[] {
  const root = packageRoot();
  return ADDON_PATHS.map((p) => join(root, p));
}

let cached: PacketBinding | undefined;

/** The addon, loaded once; LBCTL_PACKET_ADDON overrides the path. Throws a one-line SetupError if missing. */
export function loadBinding(env: Readonly<Record<string, string | undefined>> = process.env): PacketBinding {
  if (cached) return cached;
  const override = env["LBCTL_PACKET_ADDON"];
  const candidates = addonCandidates();
  const path = override ?? candidates.find((p) => existsSync(p));
  if (path === undefined || !existsSync(path)) {
    throw new SetupError(
      `the packet addon is not built (looked for ${override ?? candidates[0]}): run \`npm run build:addon\` in the lbctl checkout (needs a C compiler, make, python3 and the Node headers)`,
      { code: "E_ADDON_MISSING" },
    );
  }
  try {
    cached = createRequire(import.meta.url)(path) as PacketBinding;
    traceMark("addon loaded");
  } catch (err) {
    throw new SetupError(`the packet addon ${path} could not be loaded: ${(err as Error).message} (rebuild it: npm run build:addon)`, {
      code: "E_ADDON_MISSING",
      cause: err,
    });
  }
  return cached;
}
