// Benchmark: `lbctl bpf lb dump` / `lbctl bpf lb list` vs `bpftool map dump` of the same maps, side
// by side in one run: full maps of 65,536 service entries (16,384 frontends × master + 3 slots)
// and 65,536 backends, in a private mount namespace with a throw-away bpffs (test/helpers/bpffs.ts).
// Wall time, CPU time (user + system: steadier than wall on a shared machine) and peak RSS from
// GNU time. Needs root, bpftool, unshare. LBCTL_BIN_OTHER=<path to another checkout's bin/lbctl>
// adds its `bpf lb dump` to the same run (before/after figures under the same load).
//   npm run build && node dist/bench/bpf-dump.js [--runs 3]
import { parseArgs } from "node:util";
import { loadavg } from "node:os";
import { bpffsSkipReason, CILIUM_MAPS as M, inBpffs, updateLine as u } from "../test/helpers/bpffs.ts";
import { LBCTL_BIN } from "../test/helpers/cli.ts";
import { median, parseTimes, timedLoop, timedRounds } from "./_gnu-time.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const runs = Number(values.runs);
const skip = bpffsSkipReason();
if (skip) {
  console.log(`skipped: ${skip}`);
  process.exit(0);
}

const hex = (n: number, bytes: number, le = false): string => {
  const out: string[] = [];
  for (let i = 0; i < bytes; i++) out.push(((n >>> (8 * (le ? i : bytes - 1 - i))) & 255).toString(16).padStart(2, "0"));
  return out.join("");
};
const fill: string[] = [];
const FRONTENDS = 16384;
for (let f = 0; f < FRONTENDS; f++) {
  const ip = hex((10 << 24) | (96 << 16) | f, 4);
  const rev = hex(f + 1, 2);
  for (let slot = 0; slot < 4; slot++) {
    const val = slot === 0 ? `00000000 ${hex(3, 2, true)} ${rev} 00 00 0000` : `${hex(f * 3 + slot, 4, true)} 0000 ${rev} 00 00 0000`;
    fill.push(u("cilium_lb4_services_v2", `${ip} 0050 ${hex(slot, 2, true)} 06 00 0000`, val));
  }
}
for (let b = 1; b <= 65536; b++) fill.push(u("cilium_lb4_backends_v3", hex(b, 4, true), `${hex((10 << 24) | (244 << 16) | b, 4)} 1f90 06 00 0000 00 00`));

const timed = (label: string, cmd: string): string => timedLoop(label, cmd, runs);
const lbctl = `${process.execPath} ${LBCTL_BIN}`;
const t0 = Date.now();
const loadStart = loadavg();
const r = await inBpffs({
  maps: [M.services4!, M.backends4!, M.revnat4!],
  fill,
  timeoutMs: 600_000,
  steps: [
    { sh: `bpftool map show pinned "$G/cilium_lb4_services_v2" | head -1; bpftool map show pinned "$G/cilium_lb4_backends_v3" | head -1` },
    { sh: `${lbctl} bpf lb dump --bpffs "$D" | wc -l; ${lbctl} bpf lb dump --bpffs "$D" | sort -u | wc -l` },
    {
      sh: [
        timed("bpftool", `bpftool map dump pinned "$G/cilium_lb4_services_v2"; bpftool map dump pinned "$G/cilium_lb4_backends_v3"`),
        timed("bpftool-json", `bpftool -j map dump pinned "$G/cilium_lb4_services_v2"; bpftool -j map dump pinned "$G/cilium_lb4_backends_v3"`),
        // taken in turn with the other build's dump, if any (before/after under the same load)
        timedRounds([["lbctl-dump", `${lbctl} bpf lb dump --bpffs "$D"`], ...(process.env["LBCTL_BIN_OTHER"] ? [["other-lbctl-dump", `${process.execPath} ${process.env["LBCTL_BIN_OTHER"]} bpf lb dump --bpffs "$D"`] as [string, string]] : [])], runs),
        timed("lbctl-dump-keybykey", `LBCTL_BPF_NO_BATCH=1 ${lbctl} bpf lb dump --bpffs "$D"`),
        timed("lbctl-list", `${lbctl} bpf lb list --bpffs "$D"`),
        `cat "$D/../times"`,
      ].join("\n"),
    },
  ],
});
const fillS = (Date.now() - t0) / 1000;
console.log(`maps (filled by bpftool batch, ${fill.length} entries, whole run ${fillS.toFixed(1)} s):\n${r[0]!.stdout}`);
console.log(`lbctl bpf lb dump lines / unique: ${r[1]!.stdout.trim().split("\n").join(" / ")}`);
const rows = parseTimes(r[2]!.stdout.trim().split("\n"));
const max = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), 0);
console.log(`\n| command (services 65,536 + backends 65,536) | median wall s (${runs} runs) | median CPU s (user+sys) | peak RSS MB |`);
console.log("|---|---:|---:|---:|");
for (const [label, e] of rows) console.log(`| ${label} | ${median(e.s).toFixed(2)} | ${median(e.cpu).toFixed(2)} | ${(max(e.kb) / 1024).toFixed(0)} |`);
const la = (l: number[]): string => l.map((x) => x.toFixed(2)).join(" ");
console.log(`\nload average at the start: ${la(loadStart)}, at the end: ${la(loadavg())}`);
