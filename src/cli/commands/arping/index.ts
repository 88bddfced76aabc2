// `lbctl arping`: declaration only; the implementation (and the packet addon) load on use.
import { Option, type Command } from "commander";
import type { Runner } from "../../program.ts";

export interface ArpingFlags {
  interface?: string;
  I?: string;
  count?: string;
  deadline?: string;
  interval?: string;
  source?: string;
  first?: boolean;
  quiet?: boolean;
  dad?: boolean;
  unsolicited?: boolean;
  answer?: boolean;
  broadcast?: boolean;
  output?: string;
}

export function registerArping(program: Command, runner: Runner): void {
  program
    .command("arping")
    .description("Ask who answers for an IPv4 (ARP) or IPv6 (Neighbor Solicitation) address, iputils-style")
    .argument("<destination>", "IPv4 or IPv6 address (fe80::1%IFACE for link-local)")
    .option("-i, --interface <IFACE>", "interface to use (default: the one whose connected subnet holds the destination)")
    .addOption(new Option("-I <IFACE>", "same as -i (iputils spelling)").hideHelp())
    .option("-c, --count <N>", "number of probes to send (with -w: replies to wait for)")
    .option("-w, --deadline <SECONDS>", "stop after this many seconds")
    .option("--interval <SECONDS>", "time between probes (default 1; decimals allowed)")
    .option("-s, --source <IP>", "source address of the probes (must be local)")
    .option("-f, --first", "stop at the first reply")
    .option("-q, --quiet", "print nothing on stdout")
    .option("-D, --dad", "duplicate address detection: exit 0 if nobody answers, 1 if someone does")
    .option("-U, --unsolicited", "send unsolicited (gratuitous) ARP requests / IPv6 advertisements to update neighbours")
    .option("-A, --answer", "send unsolicited (gratuitous) ARP replies / IPv6 advertisements to update neighbours")
    .option("-b, --broadcast", "keep broadcasting; do not switch to unicast after the first reply")
    .addOption(new Option("-o, --output <FORMAT>", "output format").choices(["text", "json"]).default("text"))
    .addHelpText(
      "after",
      `
Exit status: 0 replies received (-D: address free; -U/-A: always), 1 no reply (-D: address in use;
-c N -w S: fewer than N replies), 2 usage or setup error, 3 more than one MAC answered.
Round-trip times are kernel receive stamp minus kernel send stamp; iputils prints 0.5 ms more.

Examples:
  # Who answers for a LoadBalancer IP on eth1, and with which MAC
  lbctl arping -i eth1 -c 3 198.51.100.50
  # Is the address free? (exit 0 = free)
  lbctl arping -D -i eth1 -c 2 198.51.100.50
  # IPv6, for scripts
  lbctl arping -o json -c 1 2001:db8::50`,
    )
    .action(
      runner.action(async (destination: string, flags: ArpingFlags) => {
        const { runArping } = await import("./run.ts");
        return runArping(runner.ctx, destination, flags);
      }),
    );
}
