// `lbctl l2 status`: who answers for every VIP, checked on the wire. Declarations only; the
// implementation is imported when the command runs.
import { Option, type Command } from "commander";
import type { Runner } from "../../program.ts";
import { collect, nodeName, nonEmptyPath, namespaceOption } from "../../flags.ts";

export function registerL2(program: Command, runner: Runner): void {
  const l2 = program.command("l2").description("L2 (ARP/NDP) announcement diagnostics");
  l2.command("status")
    .description("For every announced address: Services, pool, L2 policies, lease holder, holder MAC, and (with --probe) who really answers; one verdict each")
    .option("-n, --namespace <ns>", "Services of this namespace only (default: the context's namespace; with -f: all)", namespaceOption)
    .option("-A, --all-namespaces", "Services of every namespace")
    .option("--vip <ip[,ip…]>", "Only these addresses (repeatable)", collect)
    .option("-f, --filename <path>", "Read objects from files, directories or - (Services, pools, policies, Leases, Nodes, EndpointSlices; repeatable) instead of the cluster", collect)
    .option("--config <key=value>", "Override a cilium-config setting, e.g. enable-l2-announcements=false (repeatable)", collect)
    .option("--lease-namespace <ns>", "Namespace of the announcement Leases", "kube-system")
    .option("--datapath", "On a node, as root: check this node's Cilium L2 responder maps too (verdicts agent-stale, responder-missing, responder-stale)")
    .option("--node <name>", "With --datapath: this node's name as lease holders spell it (default: the hostname)", (v: string) => nodeName("--node", v))
    .option("--bpffs <dir>", "With --datapath: the BPF file system Cilium pins its maps in", nonEmptyPath("--bpffs"), "/sys/fs/bpf")
    .option("--lease-duration <duration>", "With --datapath: the L2 lease duration (a heartbeat older than this silences the responder)", "15s")
    .option("--probe", "ARP/NDP every address from this host and show which MACs answer (needs CAP_NET_RAW and a link on the VIPs' segment)")
    .option("-i, --interface <name>", "Probe on this interface (default: the one whose connected subnet holds the address)")
    .option("--probe-timeout <duration>", "Deadline of the whole probe (e.g. 1s, 500ms)", "1s")
    .option("--probe-rate <n>", "Requests per second, all addresses together", "5000")
    .option("-w, --watch", "Keep running: re-read and re-evaluate every --watch-interval and print when anything changed")
    .option("--watch-interval <duration>", "Re-evaluation period with --watch", "2s")
    .addOption(new Option("-o, --output <format>", "Output format").choices(["table", "wide", "json", "yaml"]).default("table"))
    .addHelpText("after", `
Verdicts (first failing check wins): pending-ip, l2-disabled, duplicate, no-policy, no-lease, lease-expired,
no-answer, wrong-mac, etp-local-no-backend, ok.
Exit status: 0 every address ok, 3 at least one is not ok, 1 error, 2 usage.

Examples:
  lbctl l2 status -A
  lbctl l2 status -A --probe -i eth0 --vip 192.0.2.10
  lbctl l2 status -f cluster-dump.yaml -o wide`)
    .action(
      runner.action(async (_opts: unknown, cmd: Command) => {
        const { runL2Status } = await import("./status.ts");
        return runL2Status(runner.ctx, cmd.optsWithGlobals());
      }),
    );
}
