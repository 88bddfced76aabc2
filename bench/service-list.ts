// Benchmark: `lbctl service list -A` vs `kubectl get services,endpointslices -A -o json` against
// the test API server, side by side in one run, with peak RSS (GNU time) and growth over sizes.
//   npm run build && node dist/bench/service-list.js [--sizes 1000,10000,50000] [--runs 3] [--kubectl-max 50000] [--agent]
// --agent (issue 14): the cluster also holds cilium-config, zone-labelled Nodes, zone hints and
// hostPort Pods, and a third command is measured: `service list -A --node node-0` (topology
// filtering, the Node GET and the field-selected Pod list on).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { startTestApiServer } from "../test/kube-server/server.ts";
import { syntheticObjects } from "./service-fixtures.ts";

const { values } = parseArgs({ options: { agent: { type: "boolean", default: false }, sizes: { type: "string", default: "1000,10000,50000" }, runs: { type: "string", default: "3" }, "kubectl-max": { type: "string", default: "50000" } } });
const sizes = values.sizes.split(",").map(Number);
const runs = Number(values.runs);
const TMP = mkdtempSync(join(tmpdir(), "lbctl-bench-"));
const LBCTL = fileURLToPath(new URL("../../bin/lbctl", import.meta.url));

interface Sample {
  ms: number;
  rssMb: number;
  bytes: number;
  code: number;
}

function measure(argv: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    // GNU time writes "%M" (peak RSS, KiB); -o keeps it apart from the program's stderr.
    const out = join(TMP, "rss");
    const child = spawn("/usr/bin/time", ["-f", "%M", "-o", out, ...argv], { env, stdio: ["ignore", "pipe", "inherit"] });
    let bytes = 0;
    child.stdout.on("data", (d: Buffer) => (bytes += d.length));
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const rss = readFileSync(out, "utf8");
      resolve({ ms, rssMb: Number(rss.trim().split("\n").pop()) / 1024, bytes, code: code ?? -1 });
    });
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function series(argv: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; rssMb: number; bytes: number }> {
  const s: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await measure(argv, env);
    if (r.code !== 0) throw new Error(`${argv.join(" ")} exited ${r.code}`);
    s.push(r);
  }
  return { ms: median(s.map((x) => x.ms)), rssMb: Math.max(...s.map((x) => x.rssMb)), bytes: s[0]!.bytes };
}

const rows: string[] = [];
const agent = values.agent === true;
const head = `| Services + EndpointSlices | lbctl service list -A | peak RSS |${agent ? " lbctl service list -A --node node-0 | peak RSS |" : ""} kubectl get services,endpointslices -A -o json | peak RSS | lbctl / kubectl |${agent ? " --node / kubectl |" : ""}`;
console.log(head);
console.log(`|---|---|---|${agent ? "---|---|" : ""}---|---|---|${agent ? "---|" : ""}`);
for (const n of sizes) {
  const srv = await startTestApiServer({ historySize: 1000 });
  for (const o of syntheticObjects(n, agent)) srv.store.put(o);
  const env = { ...process.env, KUBECONFIG: srv.kubeconfigPath(), NO_COLOR: "1" };
  // Warm-up (file cache, server JIT) for both tools.
  await measure([process.execPath, LBCTL, "service", "list", "-A"], env);
  const lb = await series([process.execPath, LBCTL, "service", "list", "-A"], env);
  const onNode = agent ? await series([process.execPath, LBCTL, "service", "list", "-A", "--node", "node-0"], env) : undefined;
  let kube: { ms: number; rssMb: number } | undefined;
  if (n <= Number(values["kubectl-max"])) {
    await measure(["kubectl", "get", "services,endpointslices", "-A", "-o", "json"], env);
    kube = await series(["kubectl", "get", "services,endpointslices", "-A", "-o", "json", "--request-timeout=0"], env);
  }
  const nodeCells = onNode ? ` ${(onNode.ms / 1000).toFixed(2)} s | ${onNode.rssMb.toFixed(0)} MB |` : "";
  const nodeRatio = onNode ? ` ${kube ? (onNode.ms / kube.ms).toFixed(2) : "–"} |` : "";
  const line = `| ${n.toLocaleString("en")} + ${n.toLocaleString("en")} | ${(lb.ms / 1000).toFixed(2)} s | ${lb.rssMb.toFixed(0)} MB |${nodeCells} ${kube ? (kube.ms / 1000).toFixed(2) + " s" : "–"} | ${kube ? kube.rssMb.toFixed(0) + " MB" : "–"} | ${kube ? (lb.ms / kube.ms).toFixed(2) : "–"} |${nodeRatio}`;
  rows.push(line);
  console.log(line);
  await srv.close();
}
console.log(`\nmedian of ${runs} runs after one warm-up; node ${process.version}; the server runs in the benchmark process.`);
