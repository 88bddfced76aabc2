// Benchmark: `lbctl service diff` of 10,000 Services (bench/service-fixtures.ts) against LB maps
// that hold exactly what they expect (so the answer is "in sync", exit 0), in a private mount
// namespace with a throw-away bpffs. The maps are programmed by bpftool from the service map model;
// the timed run is the whole CLI: read -f files, build the model, read and decode the maps, diff.
// In sync, service diff reads the maps once and does not wait: the interval between the two reads
// is spent only when the first read finds a problem. A second timed case (one reverse-NAT entry
// deleted, --interval 1s) shows that path; its figure is given with the interval subtracted.
// Wall time, CPU time (user + system) and peak RSS from GNU time. LBCTL_BIN_OTHER=<another
// checkout's bin/lbctl> times that one too, in the same namespace and load (before/after).
//   npm run build && sudo node dist/bench/service-diff.js [--services 10000] [--runs 3]
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { bpffsSkipReason, CILIUM_MAPS as M, inBpffs, updateLine as u } from "../test/helpers/bpffs.ts";
import { LBCTL_BIN } from "../test/helpers/cli.ts";
import { median, parseTimes, timedRounds } from "./_gnu-time.ts";
import { syntheticObjects } from "./service-fixtures.ts";
import { inputsFromFiles } from "../src/adapters/service/inputs.ts";
import { buildServiceMap } from "../src/core/service/map.ts";

const { values } = parseArgs({ options: { services: { type: "string", default: "10000" }, runs: { type: "string", default: "3" } } });
const n = Number(values.services);
const runs = Number(values.runs);
const skip = bpffsSkipReason();
if (skip) {
  console.log(`skipped: ${skip}`);
  process.exit(0);
}
const NODE = "node-0";
const dir = mkdtempSync(join(tmpdir(), "lbctl-bench-diff-"));
const file = join(dir, "cluster.json");
// The synthetic fixture reuses nodePorts across Services, which a real cluster cannot: give each
// port a unique one while the range lasts (30000-32767), then make the Service a ClusterIP.
let nextNodePort = 30000;
const items = [...syntheticObjects(n)].map((o) => {
  const spec = o["spec"] as { type?: string; ports?: { nodePort?: number }[] } | undefined;
  if (o["kind"] !== "Service" || !spec?.ports?.some((p) => p.nodePort !== undefined)) return o;
  if (nextNodePort + spec.ports.length > 32768) {
    return { ...o, spec: { ...spec, type: "ClusterIP", externalTrafficPolicy: undefined, ports: spec.ports.map(({ nodePort: _, ...p }) => p) }, status: { loadBalancer: {} } };
  }
  return { ...o, spec: { ...spec, ports: spec.ports.map((p) => ({ ...p, nodePort: nextNodePort++ })) } };
});
writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items }));
const inputs = await inputsFromFiles([file], { namespace: undefined, labelSelector: undefined, nodes: false }, undefined, { cwd: dir, stdin: Readable.from([]) });
const entries = buildServiceMap(inputs.services, inputs.slices, { node: NODE }).entries;

const h = (v: number, bytes: number, le = false): string => {
  let s = "";
  for (let i = 0; i < bytes; i++) s += ((v >>> (8 * (le ? i : bytes - 1 - i))) & 255).toString(16).padStart(2, "0");
  return s;
};
const ip4 = (t: string): string => t.split(".").map((x) => Number(x).toString(16).padStart(2, "0")).join("");
const PROTO: Record<string, number> = { TCP: 6, UDP: 17, SCTP: 132 };
const TYPE_FLAGS: Record<string, number> = { ClusterIP: 0, NodePort: 0x02, LoadBalancer: 0x20 | 0x40, ExternalIPs: 0x01 | 0x40 };
const fill: string[] = [];
const beIds = new Map<string, number>();
let rev = 0;
for (const e of entries) {
  if (e.family !== 4) continue;
  rev++;
  const active = e.backends.filter((b) => b.state === "active");
  const use = active.length > 0 ? active : e.backends.filter((b) => b.state === "terminating");
  let flags = TYPE_FLAGS[e.type] ?? 0;
  if (e.scope === "external" && e.type !== "ClusterIP" && e.policy === "Local") flags |= 0x04;
  const proto = PROTO[e.protocol.toUpperCase()] ?? 0;
  const key = (slot: number): string => `${ip4(e.ip)} ${h(e.port, 2)} ${h(slot, 2, true)} ${h(proto, 1)} ${e.scope === "internal" ? "01" : "00"} 0000`;
  fill.push(u("cilium_lb4_services_v2", key(0), `00000000 ${h(use.length, 2, true)} ${h(rev, 2)} ${h(flags & 255, 1)} ${h(flags >> 8, 1)} 0000`));
  fill.push(u("cilium_lb4_reverse_nat", h(rev, 2), `${ip4(e.ip)} ${h(e.port, 2)}`));
  use.forEach((b, i) => {
    const bk = `${b.ip}:${b.port}/${b.protocol}`;
    let id = beIds.get(bk);
    if (id === undefined) {
      beIds.set(bk, (id = beIds.size + 1));
      fill.push(u("cilium_lb4_backends_v3", h(id, 4, true), `${ip4(b.ip)} ${h(b.port, 2)} ${h(PROTO[b.protocol.toUpperCase()] ?? 0, 1)} 00 0000 00 00`));
    }
    fill.push(u("cilium_lb4_services_v2", key(i + 1), `${h(id, 4, true)} 0000 ${h(rev, 2)} ${h(flags & 255, 1)} ${h(flags >> 8, 1)} 0000`));
  });
}
const big = (m: typeof M.services4) => ({ ...m!, entries: 262144 });
const lbctl = (bin: string, interval: string): string => `${process.execPath} ${bin} service diff --node ${NODE} -f ${file} --bpffs "$D" --interval ${interval} -o json`;
const other = process.env["LBCTL_BIN_OTHER"];
const summary = `${process.execPath} -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);const k={};for(const p of j.problems)k[p.kind]=(k[p.kind]||0)+1;console.log("inSync="+j.inSync+" problems="+j.problems.length+" "+JSON.stringify(k))})'`;
const loadStart = loadavg();
const r = await inBpffs({
  maps: [big(M.services4), big(M.backends4), big(M.revnat4)],
  fill,
  timeoutMs: 900_000,
  steps: [
    { sh: `${lbctl(LBCTL_BIN, "0")} | ${summary}` },
    {
      sh: [
        timedRounds([["in-sync", lbctl(LBCTL_BIN, "0")], ...(other ? [["other-in-sync", lbctl(other, "0")] as [string, string]] : [])], runs),
        // drift: the first frontend's reverse-NAT entry removed; two reads 1 s apart
        `bpftool map delete pinned "$G/cilium_lb4_reverse_nat" key hex 00 01`,
        `${lbctl(LBCTL_BIN, "1s")} | ${summary}`,
        timedRounds([["drift-1s", lbctl(LBCTL_BIN, "1s")], ...(other ? [["other-drift-1s", lbctl(other, "1s")] as [string, string]] : [])], runs),
        `cat "$D/../times"`,
      ].join("\n"),
    },
  ],
});
rmSync(dir, { recursive: true, force: true });
const out = r[1]!.stdout.trim().split("\n");
const rows = parseTimes(out);
console.log(`${n} Services, ${entries.length} frontends, ${fill.length} map entries (bpftool batch)`);
console.log(`in sync: ${r[0]!.stdout.trim()} ${r[0]!.stderr.trim()}`);
console.log(`drift: ${out.find((l) => l.startsWith("inSync=")) ?? "?"}`);
console.log(`\n| lbctl service diff (${runs} runs) | median wall s | wall minus the interval s | median CPU s (user+sys) | peak RSS MB |`);
console.log("|---|---:|---:|---:|---:|");
for (const [label, e] of rows) {
  const wait = label.endsWith("drift-1s") ? 1 : 0;
  console.log(`| ${label} | ${median(e.s).toFixed(2)} | ${(median(e.s) - wait).toFixed(2)} | ${median(e.cpu).toFixed(2)} | ${(Math.max(...e.kb) / 1024).toFixed(0)} |`);
}
const la = (l: number[]): string => l.map((x) => x.toFixed(2)).join(" ");
console.log(`\nload average at the start: ${la(loadStart)}, at the end: ${la(loadavg())} (goal: in sync < 2 s)`);
