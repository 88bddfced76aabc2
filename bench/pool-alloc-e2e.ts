// End-to-end `lbctl pool alloc` on generated workloads (issue 2): wall time, CPU time and peak
// RSS of the real process, from JSON and from YAML, and the cost curve over Services and pool size.
//   node dist/bench/pool-alloc-e2e.js [--quick] [--taskset 0]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, statSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { generate, type GenOptions } from "./gen-services.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const cpu = args.includes("--taskset") ? args[args.indexOf("--taskset") + 1] : undefined;
const bin = fileURLToPath(new URL("../../bin/lbctl", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "lbctl-bench-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

// "yaml-kubectl" lays sequences out as `kubectl get -o yaml` does: `- ` at the parent key's column.
function write(n: number, fmt: "json" | "yaml" | "yaml-kubectl", shape: GenOptions["shape"]): string {
  const file = join(dir, `svc-${n}-${shape}-${fmt}.${fmt === "json" ? "json" : "yaml"}`);
  const list = generate(n, { shape });
  writeFileSync(file, fmt === "json" ? JSON.stringify(list) : stringify(list, { lineWidth: 0, indentSeq: fmt === "yaml" }));
  return file;
}

function measure(label: string, file: string, output: string): void {
  const cmd = [...(cpu !== undefined ? ["taskset", "-c", cpu] : []), "/usr/bin/time", "-f", "%e %U %S %M", process.execPath, bin, "pool", "alloc", "-f", file, "-o", output];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "ignore", "pipe"] });
  const last = r.stderr.trim().split("\n").pop() ?? "";
  const [wall, user, sys, rssKb] = last.split(" ").map(Number);
  console.log(JSON.stringify({ bench: label, output, inputMB: +(statSync(file).size / 1e6).toFixed(1), exit: r.status, wallS: wall, cpuS: +((user ?? 0) + (sys ?? 0)).toFixed(2), peakRssMB: Math.round((rssKb ?? 0) / 1024), load1: +loadavg()[0]!.toFixed(1) }));
}

const sizes = quick ? [1000, 10000] : [1000, 10000, 100000];
for (const n of sizes) {
  const json = write(n, "json", "mix");
  measure(`${n} Services, 20 mixed pools, JSON`, json, "json");
  if (n === sizes[sizes.length - 1]) measure(`${n} Services, 20 mixed pools, JSON, table output`, json, "table");
}
for (const n of sizes) {
  for (const shape of ["v4-24", "v6-64"] as const) measure(`${n} Services, 20 pools of one ${shape === "v4-24" ? "/24" : "/64"}, JSON`, write(n, "json", shape), "json");
}
const yamlN = quick ? 10000 : 100000;
measure(`${yamlN} Services, 20 mixed pools, YAML`, write(yamlN, "yaml", "mix"), "json");
measure(`${yamlN} Services, 20 mixed pools, YAML in kubectl's layout`, write(yamlN, "yaml-kubectl", "mix"), "json");
