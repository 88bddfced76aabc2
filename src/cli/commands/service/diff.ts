// `lbctl service diff`: what Kubernetes says this node should program (the service map model for
// --node) versus what its LB maps hold, read twice an interval apart; only problems seen in both
// reads are reported. Exit 0 in sync, 1 drift found, 2 usage/setup error.
import type { CliContext } from "../../context.ts";
import { render, warn, parseOutputFormat } from "../../output.ts";
import { UsageError } from "../../../errors.ts";
import { checkNamespaceFlags, parseDuration, str } from "../../flags.ts";
import { buildServiceMap } from "../../../core/service/map.ts";
import { decodeLbMaps } from "../../../core/bpf/snapshot.ts";
import { diffDatapath, persistent, type Problem } from "../../../core/bpf/diff.ts";
import { serviceDiffView } from "../../views/bpf-diff.ts";
import { readServiceInputs } from "./list.ts";
import { parseOverrides, resolveAndReport } from "./agent-config.ts";

export async function serviceDiff(ctx: CliContext, raw: Record<string, unknown>): Promise<number> {
  const format = parseOutputFormat(str(raw, "output") ?? "table", ["table", "json", "yaml"]);
  const node = str(raw, "node");
  if (node === undefined || node === "") throw new UsageError("--node: required: the node whose maps are read (this node's name)");
  const intervalMs = parseDuration("--interval", str(raw, "interval") ?? "2s");
  const bpffs = str(raw, "bpffs") ?? "/sys/fs/bpf";
  checkNamespaceFlags(raw);
  if (raw["namespace"] === undefined) raw["allNamespaces"] = true; // the datapath holds every namespace
  const { readLbMaps, lbCapacity, readL2Entries } = await import("../../../adapters/bpf/lb.ts");
  let m = readLbMaps(bpffs, { env: ctx.env }); // the first read: setup errors before the cluster is asked
  let l2 = readL2Entries(bpffs, { env: ctx.env });
  let at = Date.now();
  const overrides = parseOverrides(raw["config"] as string[] | undefined);
  const inputs = await readServiceInputs(ctx, raw, undefined, false);
  // The agent's own settings decide what it programs (NodePort off, ExternalIPs off, …).
  const config = resolveAndReport(ctx, inputs.agentConfig, overrides);
  const map = buildServiceMap(inputs.services, inputs.slices, { node, agent: config.settings, nodeInfo: inputs.nodes.find((n) => n.name === node), pods: inputs.pods });
  for (const w of [...inputs.warnings, ...map.warnings]) warn(ctx, w);
  const expected = map.entries;
  const diff = (): { problems: Problem[]; at: number } => ({ problems: diffDatapath({ expected, actual: decodeLbMaps(m), capacity: lbCapacity(m), ...(l2 ? { l2 } : {}) }), at });
  const read = (): { problems: Problem[]; at: number } => {
    m = readLbMaps(bpffs, { env: ctx.env });
    l2 = readL2Entries(bpffs, { env: ctx.env });
    at = Date.now();
    return diff();
  };
  const first = diff();
  let problems = first.problems;
  if (problems.length > 0 && intervalMs > 0) {
    await new Promise((r) => setTimeout(r, intervalMs));
    const second = read();
    problems = persistent(first.problems, second.problems);
    await render(ctx, serviceDiffView(problems, second.at - first.at, node), format);
  } else await render(ctx, serviceDiffView(problems, 0, node), format);
  return problems.length > 0 ? 1 : 0;
}
