// `lbctl bpf lb list`: read the LB maps (read-only) → core decoders → cilium-dbg's table.
import type { CliContext } from "../../context.ts";
import { render, parseOutputFormat } from "../../output.ts";
import { UsageError } from "../../../errors.ts";
import { str } from "../../flags.ts";
import { backendIndex, decodeLbMaps } from "../../../core/bpf/snapshot.ts";
import { lbBackendRows, lbFrontendRows, lbListRows, lbRevNatRows } from "../../../core/bpf/render.ts";
import { bpfListView } from "../../views/bpf.ts";
import { readLbMaps } from "../../../adapters/bpf/lb.ts";

export async function bpfLbList(ctx: CliContext, raw: Record<string, unknown>): Promise<number> {
  const format = parseOutputFormat(str(raw, "output") ?? "table", ["table", "json", "yaml"]);
  const modes = (["frontends", "backends", "revnat"] as const).filter((m) => raw[m] === true);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} cannot be combined: pick one view`);
  const maps = decodeLbMaps(readLbMaps(str(raw, "bpffs") ?? "/sys/fs/bpf", { env: ctx.env }));
  const mode = modes[0];
  const view =
    mode === "frontends"
      ? bpfListView(["SERVICE ADDRESS", "BACKEND ID"], lbFrontendRows(maps.services))
      : mode === "backends"
        ? bpfListView(["ID", "BACKEND ADDRESS (REVNAT_ID) (SLOT)"], lbBackendRows(maps.backends))
        : mode === "revnat"
          ? bpfListView(["ID", "BACKEND ADDRESS (REVNAT_ID) (SLOT)"], lbRevNatRows(maps.revnat))
          : bpfListView(["SERVICE ADDRESS", "BACKEND ADDRESS (REVNAT_ID) (SLOT)"], lbListRows(maps.services, backendIndex(maps.backends)));
  await render(ctx, view, format);
  return 0;
}
