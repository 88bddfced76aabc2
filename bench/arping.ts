// Benchmark of `lbctl arping` on one veth link between two network namespaces (root only;
// nothing leaves the namespaces, documentation addresses only). Run: npm run build && node dist/bench/arping.js
//  1. RTT accuracy: lbctl's printed RTT and iputils' printed RTT against the wire RTT taken from
//     a tcpdump capture (kernel timestamps, ns precision) of the same probes.
//  2. Wall time of `arping -c 1` (lbctl, iputils, iputils -f) against a bare `node -e 0`.
//  3. Where lbctl's time goes (the launcher's LBCTL_TRACE_LAUNCH marks).
import { NetnsLab, netnsUnavailable, twoHosts, type ExecResult } from "../test/helpers/netns.ts";
import { LBCTL_BIN } from "../test/helpers/cli.ts";

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const f3 = (n: number): string => n.toFixed(3);

/** Wire RTTs (ms) from `tcpdump -tt --time-stamp-precision=nano` lines: each request then its reply. */
function wireRtts(capture: string): number[] {
  const out: number[] = [];
  let req: number | undefined;
  for (const line of capture.split("\n")) {
    const m = /^(\d+)\.(\d{9}) ARP, (Request|Reply)/.exec(line);
    if (!m) continue;
    const t = Number(m[1]) * 1000 + Number(m[2]) / 1e6;
    if (m[3] === "Request") req = t;
    else if (req !== undefined) {
      out.push(t - req);
      req = undefined;
    }
  }
  return out;
}

async function captured(lab: NetnsLab, ns: string, run: () => Promise<ExecResult>): Promise<{ r: ExecResult; wire: number[] }> {
  const tcpdump = lab.spawn(ns, ["tcpdump", "-i", "vA", "-n", "-l", "-tt", "--time-stamp-precision=nano", "arp"]);
  let text = "";
  tcpdump.stdout?.setEncoding("utf8").on("data", (d: string) => (text += d));
  await new Promise<void>((res) => {
    tcpdump.stderr?.setEncoding("utf8").on("data", (d: string) => d.includes("listening on") && res());
    setTimeout(res, 3000);
  });
  const r = await run();
  await new Promise((res) => setTimeout(res, 200));
  tcpdump.kill("SIGINT");
  await new Promise((res) => tcpdump.on("close", res));
  return { r, wire: wireRtts(text) };
}

interface Timing {
  median: number;
  min: number;
  /** Median user+sys CPU ms of the command (GNU time): less sensitive to a loaded host than wall time. */
  cpu: number;
  codes: Set<number>;
}

const CPU_MARK = "BENCHCPU";

/** The launcher's trace marks (bin/lbctl), named for the table. */
const PHASES: Record<string, string> = {
  node: "node bootstrap (process start → bin/lbctl)",
  "bundle read": "read dist/lbctl.cjs",
  compiled: "compile, from V8's code cache",
  "top level": "bundle top level (commander, CLI modules)",
  "arguments and interface checked": "CLI parse, arping's arguments, interface facts",
  "addon loaded": "packet addon load (dlopen)",
  "socket open": "AF_PACKET socket open + bind",
  "first reply": "first probe sent, first reply read and printed",
  "probing over (settle window included)": "settle window (listening for a second MAC)",
  "command done": "statistics printed, command returns",
  exit: "event loop drains, exit handlers",
};

/** Runs every command once per round (interleaved, so load swings hit all alike); wall ms per command. */
async function walls(lab: NetnsLab, ns: string, cmds: [string, string[], number][]): Promise<Map<string, Timing>> {
  const ms = new Map<string, number[]>(cmds.map(([n]) => [n, []]));
  const cpu = new Map<string, number[]>(cmds.map(([n]) => [n, []]));
  const codes = new Map<string, Set<number>>(cmds.map(([n]) => [n, new Set()]));
  const rounds = Math.max(...cmds.map(([, , n]) => n));
  for (let i = 0; i < rounds; i++) {
    for (const [name, argv, n] of cmds) {
      if (i >= n) continue;
      const timed = ["/usr/bin/time", "-f", `${CPU_MARK} %U %S`, ...argv];
      const r = await lab.exec(ns, timed, { env: { ...process.env, LBCTL_TEST_NETNS_GUARD: "1", NO_COLOR: "1" } });
      ms.get(name)!.push(r.ms);
      const m = new RegExp(`${CPU_MARK} ([\\d.]+) ([\\d.]+)`).exec(r.stderr);
      if (m) cpu.get(name)!.push((Number(m[1]) + Number(m[2])) * 1000);
      codes.get(name)!.add(r.code);
    }
  }
  return new Map(cmds.map(([n]) => [n, { median: median(ms.get(n)!), min: Math.min(...ms.get(n)!), cpu: median(cpu.get(n)!), codes: codes.get(n)! }]));
}

const why = netnsUnavailable();
if (why) {
  console.log(`skipped: ${why}`);
  process.exit(0);
}
const lab = NetnsLab.create("bench");
try {
  const { a } = await twoHosts(lab);
  const node = process.execPath;
  const target = "198.51.100.2";
  await lab.exec(a, ["arping", "-I", "vA", "-f", "-c", "1", target]); // warm caches once

  // 1. RTT accuracy
  const mine = await captured(lab, a, () => lab.lbctl(a, ["arping", "-i", "vA", "-o", "json", "-c", "50", "--interval", "0.02", target]));
  const lrtt = mine.r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; rttMs?: number }).filter((o) => o.type === "reply").map((o) => o.rttMs!);
  const theirs = await captured(lab, a, () => lab.exec(a, ["arping", "-I", "vA", "-c", "3", target]));
  const irtt = [...theirs.r.stdout.matchAll(/ (\d+\.\d{3})ms$/gm)].map((m) => Number(m[1]));
  const ldiff = lrtt.map((x, i) => (x - (mine.wire[i] ?? NaN)) * 1000);
  const idiff = irtt.map((x, i) => (x - (theirs.wire[i] ?? NaN)) * 1000);
  console.log("## RTT accuracy (one veth link, kernel responder)\n");
  console.log("| tool | probes | median printed RTT | median wire RTT | median (printed − wire) | max abs(printed − wire) |");
  console.log("|---|---|---|---|---|---|");
  console.log(`| lbctl arping | ${lrtt.length} | ${f3(median(lrtt))} ms | ${f3(median(mine.wire))} ms | ${median(ldiff).toFixed(1)} µs | ${Math.max(...ldiff.map(Math.abs)).toFixed(1)} µs |`);
  console.log(`| iputils arping | ${irtt.length} | ${f3(median(irtt))} ms | ${f3(median(theirs.wire))} ms | ${median(idiff).toFixed(1)} µs | ${Math.max(...idiff.map(Math.abs)).toFixed(1)} µs |`);

  // 2. Wall time
  const N = Number(process.env["BENCH_RUNS"] ?? 10);
  const cmds: [string, string[], number][] = [
    ["node -e 0", [node, "-e", "0"], N],
    ["lbctl version", [node, LBCTL_BIN, "version"], N],
    ["lbctl arping -i vA -c 1", [node, LBCTL_BIN, "arping", "-i", "vA", "-c", "1", target], N],
    ["lbctl arping -c 1 (interface chosen by subnet)", [node, LBCTL_BIN, "arping", "-c", "1", target], N],
    ["lbctl arping -i vA -c 1, module graph (env LBCTL_NO_BUNDLE=1)", ["env", "LBCTL_NO_BUNDLE=1", node, LBCTL_BIN, "arping", "-i", "vA", "-c", "1", target], N],
    ["iputils arping -I vA -c 1", ["arping", "-I", "vA", "-c", "1", target], Math.min(N, 3)],
    ["iputils arping -I vA -f -c 1", ["arping", "-I", "vA", "-f", "-c", "1", target], N],
  ];
  const t = await walls(lab, a, cmds);
  const base = t.get("node -e 0")!;
  const sign = (x: number): string => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(1)}`;
  console.log(`\n## Wall time, ${N} interleaved rounds (iputils without -f: 3), each under ip netns exec + timeout\n`);
  console.log("| command | wall median | vs node -e 0 | wall min | vs node -e 0 | CPU median | vs node -e 0 | exit codes |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const [name] of cmds) {
    const r = t.get(name)!;
    console.log(
      `| ${name} | ${r.median.toFixed(1)} ms | ${sign(r.median - base.median)} ms | ${r.min.toFixed(1)} ms | ${sign(r.min - base.min)} ms | ${r.cpu.toFixed(0)} ms | ${sign(r.cpu - base.cpu)} ms | ${[...r.codes].join(",")} |`,
    );
  }

  // 3. Phases, from the launcher's own trace (LBCTL_TRACE_LAUNCH=1: ms since process start)
  const samples: [string, number][][] = [];
  for (let i = 0; i < N; i++) {
    const r = await lab.exec(a, [node, LBCTL_BIN, "arping", "-i", "vA", "-c", "1", target], {
      env: { ...process.env, LBCTL_TEST_NETNS_GUARD: "1", LBCTL_TRACE_LAUNCH: "1" },
    });
    const line = /ms since process start: (.*)$/m.exec(r.stderr)?.[1] ?? "";
    const marks = line.split(", ").map((m): [string, number] => [PHASES[m.replace(/ [\d.]+$/, "")] ?? m, Number(m.split(" ").pop())]);
    // what the parent saw beyond the last mark: Node's teardown and the process exit, plus
    // ip netns exec + timeout (the socket's RCU grace period runs on a thread meanwhile)
    marks.push(["process exit + ip netns exec/timeout", r.ms]);
    samples.push(marks);
  }
  console.log(`\n## Where lbctl arping -c 1 spends its time (median of ${N}, ms since process start)\n`);
  console.log("| phase | duration | cumulative |");
  console.log("|---|---|---|");
  const names = samples[0]!.map(([n]) => n);
  names.forEach((name, i) => {
    const cum = median(samples.map((s) => s[i]![1]));
    const dur = median(samples.map((s) => s[i]![1] - (i > 0 ? s[i - 1]![1] : 0)));
    console.log(`| ${name} | ${dur.toFixed(1)} ms | ${cum.toFixed(1)} ms |`);
  });
  console.log(`\nlbctl RTT median ${f3(median(lrtt))} ms (first reply arrives within the last phase).`);
} finally {
  lab.teardownSync();
}
