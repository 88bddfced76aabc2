#!/usr/bin/env node
// Builds the packet addon (binding.gyp) with node-gyp. Offline-friendly: when npm has no
// `nodedir` setting but the running Node ships its headers (<prefix>/include/node/node_api.h,
// as Debian's and NodeSource's packages do), it points node-gyp there instead of letting it
// download them. With --tolerant (npm install) a failed build only warns: the addon is needed by
// `lbctl arping` and `lbctl announce` alone, and every other command works without it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

const tolerant = process.argv.includes("--tolerant");
const args = ["rebuild"];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, "include", "node", "node_api.h"))) args.push(`--nodedir=${prefix}`);

const gypJs = process.env.npm_config_node_gyp;
const res = gypJs && existsSync(gypJs)
  ? spawnSync(process.execPath, [gypJs, ...args], { stdio: "inherit" })
  : spawnSync("node-gyp", args, { stdio: "inherit" });
if (res.status === 0) process.exit(0);

process.stderr.write(
  [
    "",
    "lbctl: WARNING: the packet addon (build/Release/lbctl_packet.node) could not be built" + (res.error ? ` (${res.error.message})` : "") + ".",
    "lbctl: `lbctl arping` and `lbctl announce` will not work; every other command does.",
    "lbctl: It needs a C compiler, make, python3 and the Node headers (npm's `nodedir`, headers",
    "lbctl: under <node prefix>/include/node, or network access for node-gyp to fetch them).",
    "lbctl: Then run: npm run build:addon",
    "",
  ].join("\n"),
);
process.exit(tolerant ? 0 : 1);
