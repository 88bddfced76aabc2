// Issue 15 figures: the 100k-Service `pool alloc` of pool-alloc-e2e.ts, side by side with its
// hostile variants — YAML with CRLF line ends or one tab (in a comment) against clean YAML,
// `-o json` into a pipe against into a file, `-o yaml` against `-o json`, and the wide table with
// one non-ASCII cell against an all-ASCII one. Wall time, CPU time and peak RSS of the real process.
//   node dist/bench/hostile-input.js [--quick]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, statSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { generate } from "./gen-services.ts";

const quick = process.argv.includes("--quick");
const n = quick ? 10_000 : 100_000;
const bin = fileURLToPath(new URL("../../bin/lbctl", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "lbctl-bench-hostile-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const list = generate(n, { shape: "mix" });
const yaml = stringify(list, { lineWidth: 0 });
const clean = file("clean.yaml", yaml);
const crlf = file("crlf.yaml", yaml.replace(/\n/g, "\r\n"));
const tab = file("tab.yaml", "# generated\twith one tab\n" + yaml);
const json = file("svc.json", JSON.stringify(list));
// One Service in a namespace named with an accent: one non-ASCII cell in the table.
const accented = structuredClone(list) as { items: { kind: string; metadata: Record<string, unknown> }[] };
const svc = accented.items.find((it) => it.kind === "Service");
if (svc) svc.metadata["namespace"] = "café";
const nonAscii = file("accent.json", JSON.stringify(accented));

/** `into`: null (/dev/null), file (a regular file), pipe (`| cat > /dev/null`, a reader on a pipe). */
function measure(label: string, input: string, output: string, into: "null" | "file" | "pipe"): void {
  const lb = `/usr/bin/time -f '%e %U %S %M' ${process.execPath} ${bin} pool alloc -f ${input} -o ${output}`;
  const sink = into === "pipe" ? ` | cat > /dev/null` : into === "file" ? ` > ${join(dir, "out")}` : " > /dev/null";
  const r = spawnSync("sh", ["-c", lb + sink], { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  const last = r.stderr.trim().split("\n").pop() ?? "";
  const [wall, user, sys, rssKb] = last.split(" ").map(Number);
  console.log(JSON.stringify({ bench: label, output, into, inputMB: +(statSync(input).size / 1e6).toFixed(1), exit: r.status, wallS: wall, cpuS: +((user ?? 0) + (sys ?? 0)).toFixed(2), peakRssMB: Math.round((rssKb ?? 0) / 1024), load1: +loadavg()[0]!.toFixed(1) }));
}

measure(`${n} Services, YAML, clean`, clean, "json", "null");
measure(`${n} Services, YAML, CRLF line ends`, crlf, "json", "null");
measure(`${n} Services, YAML, one tab in a comment`, tab, "json", "null");
measure(`${n} Services, JSON, -o json into a file`, json, "json", "file");
measure(`${n} Services, JSON, -o json into a pipe`, json, "json", "pipe");
measure(`${n} Services, JSON, -o yaml into a file`, json, "yaml", "file");
measure(`${n} Services, JSON, -o wide, ASCII cells`, json, "wide", "file");
measure(`${n} Services, JSON, -o wide, one non-ASCII cell`, nonAscii, "wide", "file");
