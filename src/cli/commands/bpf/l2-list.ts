// `lbctl bpf l2 list`: the L2 responder entries and whether the agent heartbeat keeps them live.
import type { CliContext } from "../../context.ts";
import { render, parseOutputFormat } from "../../output.ts";
import { parseDuration, str } from "../../flags.ts";
import { heartbeatAgeMs, heartbeatStale, l2Rows } from "../../../core/bpf/l2.ts";
import { bpfL2View } from "../../views/bpf.ts";
import { interfaceNames, readL2Datapath } from "../../../adapters/bpf/l2.ts";

export async function bpfL2List(ctx: CliContext, raw: Record<string, unknown>): Promise<number> {
  const format = parseOutputFormat(str(raw, "output") ?? "table", ["table", "json", "yaml"]);
  const leaseMs = parseDuration("--lease-duration", str(raw, "leaseDuration") ?? "15s");
  const dp = readL2Datapath(str(raw, "bpffs") ?? "/sys/fs/bpf", { env: ctx.env });
  const names = interfaceNames();
  const ageMs = heartbeatAgeMs(dp.readAtNs, dp.heartbeatNs);
  await render(ctx, bpfL2View(l2Rows(dp.entries, (i) => names.get(i)), { ageMs, present: dp.heartbeatNs !== undefined, stale: heartbeatStale(ageMs, dp.heartbeatNs !== undefined, leaseMs) }), format);
  return 0;
}
