// Benchmark of `lbctl arping` on one veth link between two network namespaces (root only;
// nothing leaves the namespaces, documentation addresses only). Run: npm run build && node dist/bench/arping.js
//  1. RTT accuracy: lbctl's printed RTT and iputils' printed RTT against the wire RTT taken from
//     a tcpdump capture (kernel timestamps, ns precision) of the same probes.
//  2. Wall time of `arping -c 1` (lbctl, iputils, iputils -f) against a bare `node -e 0`.
//  3. Where lbctl's time goes (bench/arping-phases.ts).
import { fileURLToPath } from "node:url";
import { NetnsLab, twoHosts, type ExecResult } from "../test/helpers/netns.ts";
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

async function wall(lab: NetnsLab, ns: string, argv: string[], n: number): Promise<{ median: number; codes: number[] }> {
  const ms: number[] = [];
  const codes: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await lab.exec(ns, argv, { env: { ...process.env, LBCTL_TEST_NETNS_GUARD: "1", NO_COLOR: "1" } });
    ms.push(r.ms);
    codes.push(r.code);
  }
  return { median: median(ms), codes };
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
  const rows: [string, { median: number; codes: number[] }][] = [
    ["node -e 0", await wall(lab, a, [node, "-e", "0"], N)],
    ["lbctl version", await wall(lab, a, [node, LBCTL_BIN, "version"], N)],
    ["lbctl arping -i vA -c 1", await wall(lab, a, [node, LBCTL_BIN, "arping", "-i", "vA", "-c", "1", target], N)],
    ["lbctl arping -c 1 (interface chosen by subnet)", await wall(lab, a, [node, LBCTL_BIN, "arping", "-c", "1", target], N)],
    ["iputils arping -I vA -c 1", await wall(lab, a, ["arping", "-I", "vA", "-c", "1", target], Math.min(N, 3))],
    ["iputils arping -I vA -f -c 1", await wall(lab, a, ["arping", "-I", "vA", "-f", "-c", "1", target], N)],
  ];
  const base = rows[0]![1].median;
  console.log(`\n## Wall time, median of ${N} runs (iputils without -f: 3), each under ip netns exec + timeout\n`);
  console.log("| command | wall | vs node -e 0 | exit codes |");
  console.log("|---|---|---|---|");
  for (const [name, r] of rows) console.log(`| ${name} | ${r.median.toFixed(1)} ms | ${r.median - base >= 0 ? "+" : ""}${(r.median - base).toFixed(1)} ms | ${[...new Set(r.codes)].join(",")} |`);

  // 3. Phases
  const phases = fileURLToPath(new URL("./arping-phases.js", import.meta.url));
  const samples: [string, number][][] = [];
  for (let i = 0; i < N; i++) {
    const r = await lab.exec(a, [node, phases, "arping", "-i", "vA", "-c", "1", target], { env: { ...process.env, LBCTL_TEST_NETNS_GUARD: "1" } });
    const last = r.stderr.trim().split("\n").pop() ?? "{}";
    samples.push((JSON.parse(last) as { marks: [string, number][] }).marks);
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
