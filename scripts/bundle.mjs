#!/usr/bin/env node
// Builds dist/lbctl.cjs, the single-file CommonJS bundle bin/lbctl starts, and its V8 code cache.
// Why (docs/decisions.md, "Start-up: one bundle and a code cache"): Node 20 resolves, reads and
// compiles ~40 ES modules one by one for `lbctl arping`, and keeps no compiled code between runs;
// one file with precompiled functions starts 30-40 ms sooner. The module graph under dist/src
// stays as the tests' import target and the fallback.
//
// The bundle's first line carries the SHA-256 of the rest; the cache file is named after it, so a
// cache can only ever meet the bundle it was made from. The cache is made by running the warm-up
// (src/bin/warm-up.ts) through bin/lbctl itself, which compiles the bundle exactly as later runs do.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";

const root = new URL("../", import.meta.url);
const dist = new URL("dist/", root);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));

for (const name of readdirSync(dist)) if (name.startsWith("lbctl")) rmSync(new URL(name, dist));

// Node 20 loses a vm.Script's importModuleDynamically for functions that come from a code cache
// ("A dynamic import callback was not specified"), so the bundle must contain no import(): a
// dynamic import of an external package becomes a deferred require() of it instead.
const EXTERNAL = ["@kubernetes/client-node", "yaml", "cli-table3", "prom-client"];
const dynamicImportAsRequire = {
  name: "dynamic-import-as-require",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      args.kind === "dynamic-import" && EXTERNAL.includes(args.path) ? { path: args.path, namespace: "lbctl-require" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lbctl-require" }, (args) => ({ loader: "js", contents: `module.exports = require(${JSON.stringify(args.path)});` }));
  },
};

const result = await build({
  entryPoints: [new URL("dist/src/bin/bundle.js", root).pathname],
  bundle: true,
  write: false,
  format: "cjs",
  platform: "node",
  target: "node20",
  // Loaded from node_modules by the commands that need them: client-node (ES modules only, heavy;
  // require() of ES modules needs Node >= 20.19) for a cluster, yaml and cli-table3 for output and
  // manifests. Bundled they would make every start read and deserialize more (docs/decisions.md).
  external: EXTERNAL,
  plugins: [dynamicImportAsRequire],
  // binding.ts finds the addon from its own location; in the bundle that is dist/lbctl.cjs.
  define: { "import.meta.url": "__lbctl_module_url", __LBCTL_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: 'var __lbctl_module_url = require("node:url").pathToFileURL(__filename).href;' },
  legalComments: "none",
  // 463 KB -> 300 KB: ~2 ms less to read and compile at every start. Names are kept; for stack
  // traces with readable lines run the module graph (LBCTL_NO_BUNDLE=1 LBCTL_DEBUG=1).
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});
const body = result.outputFiles[0].text;
if (/\bimport\(/.test(body)) throw new Error("dist/lbctl.cjs contains import(): it would fail under the code cache (see dynamicImportAsRequire)");
const hash = createHash("sha256").update(body).digest("hex");
writeFileSync(new URL("lbctl.cjs", dist), `// lbctl-bundle ${hash}\n${body}`);

const warm = spawnSync(process.execPath, [new URL("bin/lbctl", root).pathname], {
  env: { ...process.env, LBCTL_CODE_CACHE: "write" },
  encoding: "utf8",
});
if (warm.status !== 0) {
  // Not fatal: without a cache the bundle still runs, only compiling as it goes.
  process.stderr.write(`lbctl: warning: the code cache was not written: ${(warm.stderr || warm.error?.message || "").trim()}\n`);
}
