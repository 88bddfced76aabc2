#!/usr/bin/env node
// Runs every compiled test file under dist/test with node's built-in test runner.
// Node 20's `--test` takes no globs, so the files are collected here.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

// The native addon is built by `npm install`, not by `npm run build`: rebuild it here when its
// source is newer than the binary, so a pulled change to native/ cannot test against a stale one.
const addonBin = new URL("../build/Release/lbctl_packet.node", import.meta.url).pathname;
const bpfBin = new URL("../build/Release/lbctl_bpf.node", import.meta.url).pathname;
const stale = [["packet.c", addonBin], ["bpf.c", bpfBin]].find(([src, bin]) => {
  const p = new URL(`../native/${src}`, import.meta.url).pathname;
  return existsSync(p) && existsSync(addonBin) && (!existsSync(bin) || statSync(p).mtimeMs > statSync(bin).mtimeMs);
});
if (stale) {
  console.error(`native/${stale[0]} changed since the addon was built: rebuilding it`);
  spawnSync("npm", ["run", "build:addon"], { stdio: ["ignore", "ignore", "inherit"] });
}

const root = new URL("../dist/test/", import.meta.url).pathname;
const filter = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith(".test.js") && (filter.length === 0 || filter.some((f) => full.includes(f)))) files.push(full);
  }
})(root);
if (files.length === 0) {
  console.error("no test files found under dist/test (did the build run?)");
  process.exit(1);
}
const reporter = process.stdout.isTTY ? "spec" : "tap";
// Watchdogs: a test that hangs fails after TEST_TIMEOUT_MS instead of blocking CI, and the whole
// run is killed after RUN_TIMEOUT_MS (the suite takes about one minute).
const TEST_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 20 * 60_000;
const res = spawnSync(
  process.execPath,
  ["--test", `--test-reporter=${reporter}`, "--test-concurrency=2", `--test-timeout=${TEST_TIMEOUT_MS}`, ...files],
  { stdio: "inherit", timeout: RUN_TIMEOUT_MS, killSignal: "SIGKILL" },
);
if (res.error) console.error(`test run stopped: ${res.error.message}`);
process.exit(res.status ?? 1);
