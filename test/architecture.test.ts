// The layering rules of docs/decisions.md ("Layout"), checked on every import of every src file:
// core is pure (imports only core/ and src/errors.ts, no node: or npm modules), adapters never
// reach the CLI, and nothing below bin/ imports bin/. Type-only imports count: a core type that
// names a CLI type still ties core to the CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SRC = join(ROOT, "src");

/** Every module specifier a TypeScript file imports or re-exports, static or dynamic. */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^"'`;]*?\bfrom\s*["']([^"']+)["']/g, // import x from "m", export { y } from "m"
    /\bimport\s*["']([^"']+)["']/g, // import "m" (side effects)
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, // import("m")
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1]!);
  return found;
}

type Layer = "core" | "adapters" | "cli" | "bin" | "root";

function layerOf(srcRelative: string): Layer {
  const top = srcRelative.split("/")[0];
  return top === "core" || top === "adapters" || top === "cli" || top === "bin" ? top : "root";
}

/** Why `spec`, imported by `file` (relative to src/), breaks a rule; undefined when it does not. */
export function violation(file: string, spec: string): string | undefined {
  const from = layerOf(file);
  if (!spec.startsWith(".")) {
    if (from === "core") return spec.startsWith("node:") ? "core imports a node: module" : "core imports an npm package";
    if (from === "root") return "src/errors.ts and src/trace.ts import nothing outside src/";
    return undefined;
  }
  const target = relative(SRC, resolve(SRC, dirname(file), spec)).split(sep).join("/");
  if (target.startsWith("../")) {
    const outside = target.replace(/^(\.\.\/)+/, "");
    return outside.startsWith("native/") && from === "core" ? "core imports native/" : from === "core" || from === "root" ? `imports ${outside} from outside src/` : undefined;
  }
  const to = layerOf(target);
  if (to === "bin" && from !== "bin") return `${from} imports bin/`;
  if (from === "core" && (to === "adapters" || to === "cli")) return `core imports ${to}/`;
  if (from === "adapters" && to === "cli") return "adapters import cli/";
  if (from === "root" && to !== "root") return `a root module (below every layer) imports ${to}/`;
  return undefined;
}

export function violations(file: string, text: string): string[] {
  return importsOf(text).flatMap((spec) => {
    const why = violation(file, spec);
    return why === undefined ? [] : [`src/${file}: import "${spec}": ${why}`];
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

test("architecture: no src file imports across a forbidden layer boundary", () => {
  const files = sourceFiles(SRC);
  assert.ok(files.length > 100, `found only ${files.length} files under ${SRC}`);
  const found = files.flatMap((f) => violations(relative(SRC, f).split(sep).join("/"), readFileSync(f, "utf8")));
  assert.deepEqual(found, [], `\n${found.join("\n")}`);
});

test("architecture checker: catches each forbidden import, names file and import, ignores comments", () => {
  const synthetic = [
    'import type { View } from "../cli/output.ts";',
    'import { Kube } from "../adapters/kube/types.ts";',
    'export { x } from "./ok.ts";',
    'import { readFile } from "node:fs/promises";',
    'import chalk from "chalk";',
    'const b = await import("../../native/packet.node");',
    'import { main } from "../bin/main.ts";',
    '// import { no } from "../cli/program.ts";',
    'import { LbctlError } from "../errors.ts";',
  ].join("\n");
  assert.deepEqual(violations("core/synthetic.ts", synthetic), [
    'src/core/synthetic.ts: import "../cli/output.ts": core imports cli/',
    'src/core/synthetic.ts: import "../adapters/kube/types.ts": core imports adapters/',
    'src/core/synthetic.ts: import "node:fs/promises": core imports a node: module',
    'src/core/synthetic.ts: import "chalk": core imports an npm package',
    'src/core/synthetic.ts: import "../bin/main.ts": core imports bin/',
    'src/core/synthetic.ts: import "../../native/packet.node": core imports native/',
  ]);
  assert.deepEqual(violations("adapters/x/y.ts", 'import type { CliContext } from "../../cli/context.ts";\nimport { readFile } from "node:fs";'), [
    'src/adapters/x/y.ts: import "../../cli/context.ts": adapters import cli/',
  ]);
  assert.deepEqual(violations("cli/commands/x/y.ts", 'import { a } from "../../../adapters/a.ts";\nimport { b } from "../../../core/b.ts";'), []);
  assert.deepEqual(violations("errors.ts", 'import { x } from "./cli/errors.ts";'), ['src/errors.ts: import "./cli/errors.ts": a root module (below every layer) imports cli/']);
  assert.equal(violations("core/announce/other.ts", 'import type { View } from "../../cli/output.ts";').length, 1);
});
