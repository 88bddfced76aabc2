#!/usr/bin/env node
// `npm run bench`: runs every compiled benchmark dist/bench/*.js in turn (files starting with "_"
// are helpers they start themselves). Benchmarks that need root and namespaces say so and exit.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";

const dir = new URL("../dist/bench/", import.meta.url).pathname;
const only = process.argv.slice(2);
let failed = 0;
for (const name of readdirSync(dir).sort()) {
  if (!name.endsWith(".js") || name.startsWith("_")) continue;
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  process.stdout.write(`\n# bench/${name.replace(/\.js$/, ".ts")}\n\n`);
  const r = spawnSync(process.execPath, [dir + name], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
