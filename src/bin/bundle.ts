// The entry of the single-file bundle dist/lbctl.cjs (scripts/bundle.mjs), loaded by bin/lbctl
// with V8's code cache. One file and precompiled code instead of ~40 ES modules: the start-up
// budget of `lbctl arping -c 1` (docs/arping.md) is spent mostly before any command runs.
export { main } from "./main.ts";
export { warmUp } from "./warm-up.ts";
