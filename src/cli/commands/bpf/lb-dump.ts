// `lbctl bpf lb dump`: every raw LB map entry as one line of Cilium's lb/maps-dump format.
import type { CliContext } from "../../context.ts";
import { writeLine } from "../../output.ts";
import { str } from "../../flags.ts";
import { decodeLbMaps } from "../../../core/bpf/snapshot.ts";
import { mapsDumpLines } from "../../../core/bpf/render.ts";
import { readLbMaps } from "../../../adapters/bpf/lb.ts";

export async function bpfLbDump(ctx: CliContext, raw: Record<string, unknown>): Promise<number> {
  const lines = mapsDumpLines(decodeLbMaps(readLbMaps(str(raw, "bpffs") ?? "/sys/fs/bpf", { env: ctx.env })));
  if (lines.length > 0) writeLine(ctx, lines.join("\n"));
  return 0;
}
