// `lbctl service …`: declarations only; the implementation is imported when the command runs.
import { Command, Option } from "commander";
import type { Runner } from "../../program.ts";
import { collect, nodeName, nonEmptyPath, namespaceOption } from "../../flags.ts";

export function registerService(program: Command, runner: Runner): void {
  const service = program.command("service").alias("svc").description("Show how Services map frontends to backends (cilium-dbg service list, from the API)");
  service
    .command("list")
    .alias("ls")
    .description("List every frontend (ClusterIP, NodePort, LoadBalancer, ExternalIPs, HostPort) with its backends, as the agent configured by cilium-config programs them")
    .option("-n, --namespace <ns>", "Only Services in this namespace (default: the context's namespace; all namespaces with -f)", namespaceOption)
    .option("-A, --all-namespaces", "Services in all namespaces")
    .option("-l, --selector <selector>", "Only Services matching this label selector (e.g. app=web,tier!=db)")
    .option("--type <types>", "Only these frontend types: ClusterIP, NodePort, LoadBalancer, ExternalIPs, HostPort (repeat or comma-separate)", collect)
    .option("--frontend <ip[:port]>", "Only frontends with this address (and port): which Service owns this IP?")
    .option("--node <name>", "Show this node's datapath view: traffic-policy Local filtering, /i internal frontends, topology-aware backends (its zone), node exposure annotations, its HostPort Pods", (v: string) => nodeName("--node", v))
    .option("--node-ips", "List NodePort frontends per node address too, as Cilium <= 1.17 did (reads Node objects)")
    .option("--config <key=value>", "Override a cilium-config setting, e.g. enable-node-port=false (repeatable; see --show-config for the keys)", collect)
    .option("--show-config", "Print the agent settings used (value and where it came from: --config, cilium-config, agent default, assumed) instead of the list")
    .option("-f, --filename <path>", "Read Services/EndpointSlices/Nodes from files, directories or - (stdin) instead of the cluster", collect)
    .option("--datapath", "Build the table from this node's Cilium LB maps instead of from Kubernetes (root, on the node)")
    .option("--bpffs <dir>", "With --datapath: the BPF file system Cilium pins its maps in", nonEmptyPath("--bpffs"), "/sys/fs/bpf")
    .addOption(new Option("-o, --output <format>", "Output format").choices(["table", "wide", "json", "yaml"]).default("table"))
    .addHelpText(
      "after",
      `
Examples:
  # The whole cluster, as cilium-dbg service list prints it
  lbctl service list -A

  # Which Service owns this LoadBalancer IP?
  lbctl service list -A --frontend 192.0.2.10

  # What node worker-1 would do with externalTrafficPolicy: Local Services
  lbctl service list -A --node worker-1 -o wide

  # Which agent settings were used, and from where (cilium-config, --config, defaults)
  lbctl service list -A --show-config

  # As if NodePort were off in the agent
  lbctl service list -A --config enable-node-port=false

  # Offline, from a support bundle
  kubectl get svc,endpointslices,nodes -A -o yaml > dump.yaml
  lbctl service list -f dump.yaml`,
    )
    .action(
      runner.action(async (opts: Record<string, unknown>, cmd: Command) => {
        const { serviceList } = await import("./list.ts");
        return serviceList(runner.ctx, cmd.optsWithGlobals());
      }),
    );
  service
    .command("diff")
    .description("Compare what Kubernetes says this node should program with its Cilium LB maps (root, on the node)")
    .requiredOption("--node <name>", "This node's name: traffic-policy Local filtering and /i internal frontends", (v: string) => nodeName("--node", v))
    .option("-n, --namespace <ns>", "Only Services in this namespace (default: all)", namespaceOption)
    .option("-f, --filename <path>", "Read Services/EndpointSlices from files, directories or - (stdin) instead of the cluster", collect)
    .option("--bpffs <dir>", "The BPF file system Cilium pins its maps in", nonEmptyPath("--bpffs"), "/sys/fs/bpf")
    .option("--interval <duration>", "Re-read the maps after this long and report only problems seen both times (0: one read)", "2s")
    .option("--config <key=value>", "Override a cilium-config setting, e.g. enable-node-port=false (repeatable)", collect)
    .addOption(new Option("-o, --output <format>", "Output format").choices(["table", "json", "yaml"]).default("table"))
    .addHelpText(
      "after",
      `
Exit status: 0 in sync, 1 drift found, 2 usage or setup error.

Examples:
  # On node worker-1, as root
  sudo lbctl service diff --node worker-1

  # From a support bundle, for scripts
  sudo lbctl service diff --node worker-1 -f dump.yaml -o json`,
    )
    .action(
      runner.action(async (_opts: Record<string, unknown>, cmd: Command) => {
        const { serviceDiff } = await import("./diff.ts");
        return serviceDiff(runner.ctx, cmd.optsWithGlobals());
      }),
    );
}
