// `lbctl pool …`: declarations only. Implementations load lazily so `lbctl --help` stays fast.
import { Option, type Command } from "commander";
import { UsageError } from "../../../errors.ts";

/** true|false flags: checked as commander reads them, so `--ipv4 -f x` names --ipv4 and "-f". */
const boolValue = (flag: string) => (v: string): string => {
  if (v !== "true" && v !== "false") throw new UsageError(`${flag}: expected true or false, got "${v}"`);
  return v;
};
import type { Runner } from "../../program.ts";

function planOptions(cmd: Command, outputs: string): Command {
  return cmd
    .option("-f, --filename <path...>", "Files or directories (searched recursively for .yaml/.yml/.json) with pools and Services; - for stdin")
    .option("--cluster", "Read pools and Services from the cluster (read-only); -f files are layered on top, replacing objects of the same name")
    .addOption(new Option("-o, --output <format>", `Output format: ${outputs}`).default("table"))
    .addOption(new Option("--ipv4 <bool>", "Operator enable-ipv4: true|false").default("true").argParser(boolValue("--ipv4")))
    .addOption(new Option("--ipv6 <bool>", "Operator enable-ipv6: true|false").default("true").argParser(boolValue("--ipv6")))
    .addOption(new Option("--default-lb-service-ipam <mode>", "Who handles Services without loadBalancerClass: lbipam|nodeipam|none").default("lbipam"))
    .addOption(
      new Option("--lb-classes <list>", 'loadBalancerClass values LB-IPAM accepts, comma-separated ("" for none)').default(
        "io.cilium/bgp-control-plane,io.cilium/l2-announcer",
      ),
    )
    .option("--cilium-restart-quirks", "Drop existing IPs in disabled/conflicting pools and on reserved addresses, as an operator restart does");
}

export function registerPool(program: Command, runner: Runner): void {
  const pool = program
    .command("pool")
    .description("Plan Cilium LB-IPAM offline: which EXTERNAL-IP each LoadBalancer Service gets from CiliumLoadBalancerIPPools");

  planOptions(pool.command("alloc"), "table|wide|json|yaml")
    .description("Show the IP LB-IPAM would give every LoadBalancer Service")
    .addHelpText("after", "\nExamples:\n  # Plan the shipped home-lab example\n  lbctl pool alloc -f examples/homelab/\n\n  # Write the objects with status, as LB-IPAM would, for review or re-input\n  lbctl pool alloc -f pools/ -f services.yaml -o yaml")
    .action(runner.action(async (_opts: unknown, cmd: Command) => (await import("./alloc.ts")).poolAlloc(runner.ctx, cmd.optsWithGlobals())));

  planOptions(pool.command("list"), "table|json|yaml")
    .description("List pools like `kubectl get lbippool`, with IP counts after allocation")
    .action(runner.action(async (_opts: unknown, cmd: Command) => (await import("./list.ts")).poolList(runner.ctx, cmd.optsWithGlobals())));

  // [name]: -f is variadic, so in kubectl's order (`show -f x NAME`) the name lands in -f; show.ts
  // takes it back from there.
  planOptions(pool.command("show").argument("[name]", "Pool name"), "table|json|yaml")
    .description("Show one pool: blocks, per-block usage, which Service holds which IP, free runs, conflicts")
    .action(
      runner.action(async (name: string | undefined, _opts: unknown, cmd: Command) =>
        (await import("./show.ts")).poolShow(runner.ctx, name, cmd.optsWithGlobals()),
      ),
    );

  planOptions(pool.command("check"), "table|json|yaml")
    .description("Exit 1 with one line per problem if a pool conflicts or is invalid, or a handled Service would stay pending")
    .action(runner.action(async (_opts: unknown, cmd: Command) => (await import("./check.ts")).poolCheck(runner.ctx, cmd.optsWithGlobals())));

  pool
    .command("controller")
    .description("Live LB-IPAM: assign EXTERNAL-IPs from CiliumLoadBalancerIPPools and write them to Services (leader-elected)")
    .option("--lb-class <class>", "Serve only Services of this loadBalancerClass, from pools labelled lbctl.io/lb-class=<class> (required when Cilium's LB-IPAM is active)")
    .addOption(new Option("--ipv4 <bool>", "Operator enable-ipv4: true|false").default("true").argParser(boolValue("--ipv4")))
    .addOption(new Option("--ipv6 <bool>", "Operator enable-ipv6: true|false").default("true").argParser(boolValue("--ipv6")))
    .option("--identity <name>", "Lease holder identity (default: $POD_NAME, then the hostname)")
    .option("--lease-namespace <ns>", "Namespace of the controller Lease (default: $POD_NAMESPACE, then kube-system)")
    .option("--lease-duration <duration>", "Lease duration (default 15s)")
    .option("--lease-renew-deadline <duration>", "Stop writing when no renew succeeded for this long (default 5s)")
    .option("--lease-retry-period <duration>", "Interval between election attempts (default 2s)")
    .option("--cilium-namespace <ns>", "Where to look for Cilium's operator and cilium-config (default kube-system)")
    .option("--write-concurrency <n>", "Status writes in flight at once (default 16)")
    .option("--no-events", "Do not record Kubernetes Events on Services")
    .addOption(new Option("--log-format <format>", "Log format on stderr").choices(["text", "json"]).default("text"))
    .addOption(new Option("--log-level <level>", "Least severe level logged").choices(["debug", "info", "warn", "error"]).default("info"))
    .option("--metrics-addr <host:port>", "Serve Prometheus metrics on http://host:port/metrics")
    .addHelpText("after", "\nExamples:\n  # In the cluster (docs/deploy/pool-controller.yaml): two replicas, one leader\n  lbctl pool controller --metrics-addr :9474\n\n  # Next to a running Cilium: serve only Services of your own class\n  lbctl pool controller --lb-class lbctl.io/l2")
    .action(
      runner.action(async (_opts: unknown, cmd: Command) => (await import("./controller.ts")).runPoolController(runner.ctx, cmd.optsWithGlobals())),
    );
}
