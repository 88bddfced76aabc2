// Manifest structure kubectl rejects or reads differently: duplicate keys (YAML and JSON), merge
// keys, a List whose items is a mapping, absurd names, absurd depth; and the fast reader's
// tolerance of CRLF and of tabs on comment lines (same objects as the library path).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";
import { parseText } from "../../src/adapters/manifests/load.ts";

const dir = mkdtempSync(join(tmpdir(), "lbt-structure-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const POOL = `apiVersion: cilium.io/v2
kind: CiliumLoadBalancerIPPool
metadata:
  name: lab
spec:
  blocks:
  - cidr: 192.0.2.0/28
`;

/** One stderr line naming file (and line), no stack, exit 1. */
async function rejects(path: string, pattern: RegExp): Promise<void> {
  const r = await runCli(["pool", "check", "-f", path]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test("a duplicate key is rejected as kubectl does, in YAML and in JSON, with file:line", async () => {
  await rejects(file("dup.yaml", POOL + "  blocks:\n  - cidr: 198.51.100.0/28\n"), /dup\.yaml:8: invalid YAML: mapping key "blocks" already defined/);
  await rejects(file("dup-flow.yaml", POOL.replace("name: lab", "{name: lab, name: x}").replace("metadata:\n  ", "metadata: ")), /mapping key "name" already defined/);
  await rejects(
    file("dup.json", '{"apiVersion":"cilium.io/v2","kind":"CiliumLoadBalancerIPPool",\n"metadata":{"name":"p"},\n"metadata":{"name":"q"},"spec":{"blocks":[{"cidr":"192.0.2.0/28"}]}}'),
    /dup\.json:3: invalid JSON: mapping key "metadata" already defined/,
  );
});

test("a <<: merge key is honoured", async () => {
  const p = file("merge.yaml", `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: m}\nspec:\n  <<: {blocks: [{cidr: 192.0.2.0/28}]}\n`);
  const r = await runCli(["pool", "list", "-f", p, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { items: { spec: unknown }[] }).items[0]!.spec, { blocks: [{ cidr: "192.0.2.0/28" }] });
});

test("kind: List with items as a mapping is an error, not an empty list", async () => {
  await rejects(file("listmap.yaml", "apiVersion: v1\nkind: List\nitems:\n  a: 1\n"), /listmap\.yaml:4: List: items: expected a list, got a mapping/);
});

test("a 1,000,000-character name is refused, naming the length", async () => {
  await rejects(file("long.yaml", POOL.replace("name: lab", "name: " + "a".repeat(1_000_000))), /long\.yaml:4: CiliumLoadBalancerIPPool "a{40}\.\.\.": metadata\.name: 1000000 characters, more than 253/);
});

test("input nested deeper than 200 levels is one problem at load time; -o json prints nothing half-written", async () => {
  const n = 10_000;
  const deep = file("deep.json", `{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","labels":` + '{"a":'.repeat(n) + "1" + "}".repeat(n) + "}}");
  const deepYaml = file("deep.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels: " + "[".repeat(3000) + "]".repeat(3000) + "\n");
  const pool = file("ok.yaml", POOL);
  for (const [input, pattern] of [[deep, /deep\.json: metadata\.labels\.a\.a.*: nested deeper than 200 levels/], [deepYaml, /deep\.yaml:\d+: .*(nested deeper than 200 levels|nested too deep)/]] as const) {
    const r = await runCli(["pool", "alloc", "-f", input, "-f", pool, "-o", "json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, pattern);
    assert.doesNotThrow(() => JSON.parse(r.stdout), "stdout is complete JSON");
  }
});

test("CRLF line ends and tabs on comment lines read the same objects on the fast path as the library", () => {
  const svc = (i: number): string => `- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s${i}\n  spec:\n    type: LoadBalancer\n    ports:\n    - port: 80\n`;
  const text = "# a comment\twith a tab\napiVersion: v1\nkind: List\nitems:\n" + [0, 1, 2].map(svc).join("\t# tabbed comment\n");
  for (const variant of [text, text.replace(/\n/g, "\r\n")]) {
    const fast = { objects: [] as { obj: unknown; source: { line: number | undefined } }[], problems: [] as unknown[] };
    const tree = { objects: [] as { obj: unknown; source: { line: number | undefined } }[], problems: [] as unknown[] };
    parseText(variant, "f.yaml", fast.objects as never, fast.problems as never);
    parseText(variant, "f.yaml", tree.objects as never, tree.problems as never, { tree: true });
    assert.deepEqual(fast.problems, []);
    assert.equal(fast.objects.length, 3);
    assert.deepEqual(fast.objects.map((o) => [o.obj, o.source.line]), tree.objects.map((o) => [o.obj, o.source.line]));
  }
});
