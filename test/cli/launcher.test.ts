// bin/lbctl: the bundle with its code cache, the fallback to the ES module graph, and what
// happens when the cache or the build is not what it should be. Each case runs the real
// launcher as a child process, on a copy of the checkout's launch files where it breaks them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LBCTL_BIN } from "../helpers/cli.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DIST = join(ROOT, "dist");

/** Runs a launcher with LBCTL_TRACE_LAUNCH=1; its trace lines come back apart from stderr. */
function launch(bin: string, argv: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string; trace: string } {
  const r = spawnSync(process.execPath, [bin, ...argv], {
    env: { ...process.env, NO_COLOR: "1", LBCTL_TRACE_LAUNCH: "1", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  const lines = r.stderr.split(/(?<=\n)/);
  const isTrace = (l: string): boolean => l.startsWith("lbctl: launch: ");
  return { code: r.status ?? 1, stdout: r.stdout, stderr: lines.filter((l) => !isTrace(l)).join(""), trace: lines.filter(isTrace).join("") };
}

const cacheFiles = (dir: string): string[] => readdirSync(dir).filter((n) => /^lbctl-[0-9a-f]{16}\.v8cache$/.test(n));

/** A throwaway copy of the launcher and the bundle (node_modules linked), to break at will. */
function copyCheckout(withBundle: boolean): { dir: string; bin: string; dist: string } {
  const dir = mkdtempSync(join(tmpdir(), "lbctl-launch-"));
  mkdirSync(join(dir, "bin"));
  mkdirSync(join(dir, "dist"));
  for (const f of ["lbctl", "package.json"]) copyFileSync(join(ROOT, "bin", f), join(dir, "bin", f));
  copyFileSync(join(ROOT, "package.json"), join(dir, "package.json"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  if (withBundle) for (const f of ["lbctl.cjs", ...cacheFiles(DIST)]) copyFileSync(join(DIST, f), join(dir, "dist", f));
  return { dir, bin: join(dir, "bin", "lbctl"), dist: join(dir, "dist") };
}

const VERSION_LINE = /^lbctl \d+\.\d+\.\d+ \(node v\d+/;

test("the build leaves one bundle and exactly one code cache, and the launcher uses both", () => {
  assert.equal(cacheFiles(DIST).length, 1, `cache files in dist: ${cacheFiles(DIST).join(", ")}`);
  const r = launch(LBCTL_BIN, ["version"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, VERSION_LINE);
  assert.match(r.trace, /launch: bundle .*dist\/lbctl\.cjs, code cache used/);
  // the timing line names every step, in order
  assert.match(r.trace, /ms since process start: node [\d.]+, bundle read [\d.]+, compiled [\d.]+, top level [\d.]+, command done [\d.]+, exit [\d.]+\n/);
});

test("the bundle and the module graph give the same answers, exit codes and errors", () => {
  // Every lazily loaded path of the output module: yaml (-o yaml), cli-table3 (a non-ASCII cell
  // in -o wide), chalk (FORCE_COLOR); under the code cache, as a user runs them.
  const dir = mkdtempSync(join(tmpdir(), "lbctl-launch-in-"));
  const shared = join(dir, "shared.yaml");
  writeFileSync(shared, "apiVersion: v1\nkind: Service\nmetadata:\n  name: caf\u00e9\n  namespace: default\n  annotations:\n    lbipam.cilium.io/sharing-key: cl\u00e9\nspec:\n  type: LoadBalancer\n");
  const cases: [string[], NodeJS.ProcessEnv][] = [
    [["version"], {}],
    [["arping", "--help"], {}],
    [["arping", "-c", "0", "192.0.2.1"], {}],
    [["pool", "list", "-f", "/nonexistent.yaml"], {}],
    [["nosuch"], {}],
    [["pool", "alloc", "-f", join(ROOT, "examples/homelab/"), "-o", "yaml"], {}],
    [["pool", "alloc", "-f", join(ROOT, "examples/homelab/"), "-f", shared, "-o", "wide"], {}],
    [["pool", "alloc", "-f", join(ROOT, "examples/homelab/")], { FORCE_COLOR: "1" }],
  ];
  for (const [argv, env] of cases) {
    const bundled = launch(LBCTL_BIN, argv, env);
    const modules = launch(LBCTL_BIN, argv, { ...env, LBCTL_NO_BUNDLE: "1" });
    assert.match(bundled.trace, /launch: bundle .*code cache used/);
    assert.doesNotMatch(modules.trace, /launch: bundle/, "LBCTL_NO_BUNDLE=1 must not load the bundle");
    assert.equal(bundled.code, modules.code, argv.join(" "));
    // The two runs may straddle a second: condition times are the clock's, not the code's.
    const untimed = (out: string): string => out.replace(/lastTransitionTime: \S+/g, "lastTransitionTime: T");
    assert.equal(untimed(bundled.stdout), untimed(modules.stdout), argv.join(" "));
    assert.equal(bundled.stderr, modules.stderr, argv.join(" "));
    assert.doesNotMatch(bundled.stderr, /internal error/, argv.join(" "));
  }
  rmSync(dir, { recursive: true, force: true });
});

test("a cache that does not fit the bundle is rejected by V8 and the run still succeeds", () => {
  const c = copyCheckout(true);
  try {
    const [cache] = cacheFiles(c.dist);
    writeFileSync(join(c.dist, cache!), Buffer.alloc(4096, 0x5a));
    const r = launch(c.bin, ["version"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, VERSION_LINE);
    assert.match(r.trace, /code cache rejected/);
  } finally {
    rmSync(c.dir, { recursive: true, force: true });
  }
});

test("a bundle from another build does not pick up this build's cache (looked up by build hash)", () => {
  const c = copyCheckout(true);
  try {
    const bundle = join(c.dist, "lbctl.cjs");
    // Another build of the same length: V8 on its own checks only the source length and would
    // take the cache. The launcher looks the cache up by the build's hash, so it finds none.
    const text = readFileSync(bundle, "utf8");
    writeFileSync(bundle, text.replace(/^\/\/ lbctl-bundle ([0-9a-f])/, (_m, d: string) => `// lbctl-bundle ${d === "0" ? "1" : "0"}`));
    const r = launch(c.bin, ["version"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.trace, /code cache none/);
  } finally {
    rmSync(c.dir, { recursive: true, force: true });
  }
});

test("LBCTL_CODE_CACHE=off compiles the bundle without its cache", () => {
  const r = launch(LBCTL_BIN, ["version"], { LBCTL_CODE_CACHE: "off" });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.trace, /code cache none/);
});

test("without a build the launcher says how to build, in one line, exit 1", () => {
  const c = copyCheckout(false);
  try {
    const r = launch(c.bin, ["version"]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, "lbctl: not built yet: run `npm install` (or `npm run build`) in the lbctl checkout\n");
  } finally {
    rmSync(c.dir, { recursive: true, force: true });
  }
});
