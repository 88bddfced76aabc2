// `lbctl bpf …`: read Cilium's pinned BPF maps on this node (read-only). Declarations only.
import { Command, Option } from "commander";
import type { Runner } from "../../program.ts";
import { nonEmptyPath } from "../../flags.ts";

const bpffsOption = (): Option => new Option("--bpffs <dir>", "The BPF file system Cilium pins its maps in (the agent's --bpf-root)").default("/sys/fs/bpf").argParser(nonEmptyPath("--bpffs"));

export function registerBpf(program: Command, runner: Runner): void {
  const bpf = program.command("bpf").description("Read Cilium's BPF maps on this node (root; works while the agent is down)");
  const lb = bpf.command("lb").description("The load-balancer maps: services, backends, reverse NAT");
  lb.command("list")
    .alias("ls")
    .description("Print the LB maps as cilium-dbg bpf lb list does (one row per map entry, sorted)")
    .option("--frontends", "The raw services-map values")
    .option("--backends", "The backends map")
    .option("--revnat", "The reverse-NAT map")
    .addOption(bpffsOption())
    .addOption(new Option("-o, --output <format>", "Output format").choices(["table", "json", "yaml"]).default("table"))
    .addHelpText(
      "after",
      `
Examples:
  # On a node, as root: every frontend slot and the backend it points to
  sudo lbctl bpf lb list

  # The backends map, as JSON
  sudo lbctl bpf lb list --backends -o json`,
    )
    .action(
      runner.action(async (_opts: Record<string, unknown>, cmd: Command) => {
        const { bpfLbList } = await import("./lb-list.ts");
        return bpfLbList(runner.ctx, cmd.optsWithGlobals());
      }),
    );
  lb.command("dump")
    .description("One line per raw map entry in Cilium's lb/maps-dump format, sorted: diff it against cilium-dbg shell -- lb/maps-dump")
    .addOption(bpffsOption())
    .action(
      runner.action(async (_opts: Record<string, unknown>, cmd: Command) => {
        const { bpfLbDump } = await import("./lb-dump.ts");
        return bpfLbDump(runner.ctx, cmd.optsWithGlobals());
      }),
    );
  const l2 = bpf.command("l2").description("The L2 announcement responder maps");
  l2.command("list")
    .alias("ls")
    .description("The ARP/NDP responder entries (address, interface, replies sent) and the agent heartbeat's age")
    .addOption(bpffsOption())
    .option("--lease-duration <duration>", "The L2 lease duration: a heartbeat older than this silences the responder", "15s")
    .addOption(new Option("-o, --output <format>", "Output format").choices(["table", "json", "yaml"]).default("table"))
    .action(
      runner.action(async (_opts: Record<string, unknown>, cmd: Command) => {
        const { bpfL2List } = await import("./l2-list.ts");
        return bpfL2List(runner.ctx, cmd.optsWithGlobals());
      }),
    );
}
