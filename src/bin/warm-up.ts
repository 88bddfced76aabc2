// The build runs these command lines once inside the bundle, with output discarded, before it
// saves V8's code cache (scripts/bundle.mjs): functions compiled here start precompiled in every
// later run. Only lines that cannot touch the network or the system: help texts, and arping
// lines that fail on their arguments or on the loopback interface before any socket opens.
import type { CliContext, OutStream } from "../cli/context.ts";
import { run } from "../cli/program.ts";

export const WARM_UP_LINES: readonly (readonly string[])[] = [
  ["--help"],
  ["version"],
  ["arping", "--help"],
  ["arping", "-c", "0", "192.0.2.1"],
  ["arping", "-i", "lo", "-c", "1", "-w", "1", "--interval", "0.2", "-s", "127.0.0.1", "192.0.2.1"],
  ["arping", "-i", "lo", "-c", "1", "2001:db8::1"],
  ["pool", "--help"],
  ["service", "--help"],
  ["announce", "--help"],
  ["l2", "--help"],
];

export async function warmUp(): Promise<void> {
  const sink: OutStream = { write: () => true, isTTY: false };
  const ctx: CliContext = {
    stdout: sink,
    stderr: sink,
    get stdin(): NodeJS.ReadableStream {
      throw new Error("the warm-up reads no input");
    },
    // No addon: even a line that got past its checks could not open a packet socket.
    env: { ...process.env, NO_COLOR: "1", LBCTL_PACKET_ADDON: "/nonexistent/lbctl-warm-up.node" },
    cwd: process.cwd(),
    colorOut: false,
    colorErr: false,
    now: () => Date.now(),
    trapSignals: () => new AbortController().signal,
  };
  for (const argv of WARM_UP_LINES) await run(ctx, argv);
}
