// Start-up cost of `lbctl --help`, `lbctl pool --help` and a completion against `node -e 0` (issue: within 2x).
//   node dist/bench/help-startup.js [runs]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const runs = Number(process.argv[2] ?? 20);
const bin = fileURLToPath(new URL("../../bin/lbctl", import.meta.url));
const cases: [string, string[]][] = [
  ["node -e 0", ["-e", "0"]],
  ["lbctl --help", [bin, "--help"]],
  ["lbctl pool --help", [bin, "pool", "--help"]],
  ["lbctl pool alloc --help", [bin, "pool", "alloc", "--help"]],
  // What a shell runs on every <TAB> (src/cli/commands/completion/run.ts).
  ["lbctl __complete -- service list -o ''", [bin, "__complete", "--", "service", "list", "-o", ""]],
];
const mean: Record<string, number> = {};
for (let round = 0; round < runs + 2; round++) {
  // Interleave the cases so machine load hits them alike; the first two rounds warm the cache.
  for (const [label, argv] of cases) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, argv, { stdio: "ignore" });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${label} exited ${r.status}`);
    if (round >= 2) mean[label] = (mean[label] ?? 0) + ms / runs;
  }
}
const base = mean["node -e 0"]!;
for (const [label] of cases) console.log(JSON.stringify({ bench: label, meanMs: +mean[label]!.toFixed(1), ratioToNode: +(mean[label]! / base).toFixed(2), runs }));
