#!/usr/bin/env node
// Runs every compiled test file under dist/test with node's built-in test runner.
// Node 20's `--test` takes no globs, so the files are collected here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

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
const res = spawnSync(process.execPath, ["--test", `--test-reporter=${reporter}`, "--test-concurrency=2", ...files], {
  stdio: "inherit",
});
process.exit(res.status ?? 1);
