// `lbctl bpf lb dump`: every raw LB map entry as one line of Cilium's lb/maps-dump format.
import type { CliContext } from "../../context.ts";
import { writeText } from "../../output.ts";
import { str } from "../../flags.ts";
import { mapsDump } from "../../../core/bpf/dump.ts";
import { readLbMaps } from "../../../adapters/bpf/lb.ts";

export async function bpfLbDump(ctx: CliContext, raw: Record<string, unknown>): Promise<number> {
  const dump = mapsDump(readLbMaps(str(raw, "bpffs") ?? "/sys/fs/bpf", { env: ctx.env }));
  await writeText(ctx, latin1(dump.chunks()));
  return 0;
}

/** The chunks as strings (ASCII): converted before the next chunk reuses the buffer. */
function* latin1(chunks: Iterable<Uint8Array>): Generator<string> {
  for (const c of chunks) yield Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString("latin1");
}
