// `lbctl announce` (the L2 announcer) and `lbctl announce status`. Declarations only; the
// implementations are imported when the command runs.
import { Option, type Command } from "commander";
import type { Runner } from "../../program.ts";
import { collect, nodeName } from "../../flags.ts";

export function registerAnnounce(program: Command, runner: Runner): void {
  const announce = program
    .command("announce")
    .description("Answer ARP/NDP for service VIPs (standalone, or elected per address with Kubernetes Leases)")
    .option("-i, --interfaces <regex>", "Interfaces to answer on (required with --vip/-f; in cluster mode limits the policies' interfaces)")
    .option("--vip <ip[,ip…]>", "Standalone mode: addresses to answer for (repeatable)", collect)
    .option("-f, --file <file>", "Standalone mode: file with addresses, one or more per line, # comments (repeatable)", collect)
    .option("--force", "Standalone mode: claim addresses even when another host answers for them")
    .option("--no-probe", "Standalone mode: skip the RFC 5227 probe before claiming")
    .option("--probe-count <n>", "Probes per address before claiming (default 3)")
    .option("--probe-interval <duration>", "Spacing of probes (default 200ms)")
    .option("--node-name <name>", "Cluster mode: this node's name and Lease holder identity (default: $NODE_NAME, then the hostname)", (v: string) => nodeName("--node-name", v))
    .option("--lease-namespace <ns>", "Cluster mode: namespace of the Leases (default kube-system)")
    .addOption(new Option("--election <mode>", "Cluster mode: membership (one Lease per node, owners hashed) or per-address (one Lease per address)").choices(["membership", "per-address"]).default("membership"))
    .option("--lease-duration <duration>", "Lease duration (default 15s)")
    .option("--lease-renew-deadline <duration>", "Stop answering when no renew succeeded for this long (default 5s)")
    .option("--lease-retry-period <duration>", "Interval between election attempts (default 2s)")
    .option("--gratuitous-count <n>", "Rounds of gratuitous ARP / unsolicited NA on takeover (default 5)")
    .option("--gratuitous-interval <duration>", "Spacing of those rounds (default 1.1s)")
    .option("--refresh-interval <duration>", "Re-announce held addresses this often, 0 = never (default 0)")
    .addOption(new Option("--log-format <format>", "Log format on stderr").choices(["text", "json"]).default("text"))
    .addOption(new Option("--log-level <level>", "Least severe level logged").choices(["debug", "info", "warn", "error"]).default("info"))
    .option("--metrics-addr <host:port>", "Serve Prometheus metrics on http://host:port/metrics")
    .addHelpText("after", `
Examples:
  # Standalone: answer for two VIPs on eth0, after checking that nobody else does
  lbctl announce -i '^eth0$' --vip 192.0.2.10,2001:db8::10

  # Cluster mode (in a DaemonSet, see docs/deploy/)
  lbctl announce --node-name "$NODE_NAME" --lease-namespace kube-system --metrics-addr :9473`)
    .action(
      runner.action(async (_opts: unknown, cmd: Command) => {
        const { runAnnounce } = await import("./run.ts");
        return runAnnounce(runner.ctx, cmd.optsWithGlobals());
      }),
    );

  announce
    .command("status")
    .description("List announced address groups from the cluster: Services, lease holder, renew time, interface")
    .option("--lease-namespace <ns>", "Namespace of the Leases (default kube-system)")
    .addOption(new Option("-o, --output <format>", "Output format").choices(["table", "wide", "json", "yaml"]).default("table"))
    .action(
      runner.action(async (_opts: unknown, cmd: Command) => {
        const { runAnnounceStatus } = await import("./status.ts");
        return runAnnounceStatus(runner.ctx, cmd.optsWithGlobals());
      }),
    );
}
