// The fast block-YAML reader must be invisible: for any text, parseText gives the same objects,
// sources, problems and field lines as the library's full document tree (parseText(..., {tree})).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { parseText, type ManifestObject, type ManifestProblem } from "../../../src/adapters/manifests/load.ts";
import { fastParseDocuments } from "../../../src/adapters/manifests/yaml-fast/index.ts";
import { computePoolPlan, formatPlanProblem } from "../../../src/core/ipam/plan.ts";
import { DEFAULT_SETTINGS } from "../../../src/core/ipam/index.ts";

type Path = (string | number)[];

function load(text: string, tree: boolean): { objects: ManifestObject[]; problems: ManifestProblem[] } {
  const objects: ManifestObject[] = [];
  const problems: ManifestProblem[] = [];
  parseText(text, "f.yaml", objects, problems, { tree });
  return { objects, problems };
}

/** Every path into a value (bounded), plus a few that do not exist. */
function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (out.length > 200) return out;
  out.push(prefix);
  if (Array.isArray(v)) {
    v.forEach((x, i) => paths(x, [...prefix, i], out));
    out.push([...prefix, v.length]);
  } else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
    out.push([...prefix, "no-such-key"]);
  }
  return out;
}

function assertSame(text: string): boolean {
  const fast = load(text, false);
  const ref = load(text, true);
  assert.deepEqual(fast.problems, ref.problems, text);
  assert.equal(fast.objects.length, ref.objects.length, text);
  fast.objects.forEach((m, i) => {
    const r = ref.objects[i]!;
    assert.deepEqual(m.obj, r.obj, text);
    assert.deepEqual(m.source, r.source, text);
    for (const p of paths(m.obj)) assert.equal(m.locate(p), r.locate(p), `${JSON.stringify(p)} in\n${text}`);
  });
  return fastParseDocuments(text) !== undefined;
}

// Scalars chosen to hit the core schema's edges and YAML's quoting rules.
const scalarText = fc.constantFrom(
  "web", "10.0.0.1", "2001:db8::1", "10.0.0.0/24", "true", "False", "TRUE", "yes", "no", "null", "Null", "~", "",
  "0", "-0", "007", "0o17", "0x1F", "0xG", "1e3", "-1.5e-3", ".5", "1.", "1.0", ".inf", "-.Inf", ".NaN", "+12", "12345678901234567890",
  "a: b", "a:b", "# not a comment", "a #b", "a#b", "- x", "-x", "'q'", '"dq"', "it's", 'say "hi"', "{}", "[]", "{a}", "[1]",
  "tab\there", "back\\slash", "nbsp\u00a0", "\u00a0", "\u0001", "\u2028", "ünï©ødé", "emoji 🎉", "line\nbreak", "two\n\nbreaks", "trailing\n", "  lead", "trail  ", "---", "...",
  "%x", "@x", "`x", "&a", "*a", "!t", "|", ">", "?", ":", "x".repeat(90), "long words ".repeat(12), "<<",
);
const key = fc.oneof(fc.constantFrom("name", "spec", "items", "kind", "apiVersion", "metadata", "1", "true", "null", "a b", "__proto__", "toString", "lbipam.cilium.io/ips"), scalarText);
const scalar = fc.oneof(scalarText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("map"), tie("seq")),
  map: fc.dictionary(key, tie("node"), { maxKeys: 4 }),
  seq: fc.array(tie("node"), { maxLength: 3 }),
})).node;
const object = fc.record({ apiVersion: fc.constantFrom("v1", "cilium.io/v2"), kind: fc.constantFrom("Service", "CiliumLoadBalancerIPPool", "List", "ServiceList"), metadata: value, spec: value, items: fc.option(fc.array(value, { maxLength: 3 })) }, { requiredKeys: ["metadata"] });
const doc = fc.oneof(object, value);
const style = fc.record({
  lineWidth: fc.constantFrom(0, 20, 80),
  indentSeq: fc.boolean(),
  indent: fc.constantFrom(2, 4),
  defaultStringType: fc.constantFrom("PLAIN", "QUOTE_DOUBLE", "QUOTE_SINGLE", "BLOCK_LITERAL"),
  defaultKeyType: fc.constantFrom(null, "PLAIN", "QUOTE_DOUBLE"),
  blockQuote: fc.constantFrom(true, "literal", "folded"),
} as const);
// Lines spliced into the text: comments, blank lines, markers, stray indentation.
const noise = fc.constantFrom("# c", "  # c", "", "   ", "---", "...", "- x", "  y: 1", "z:", "\t", "%YAML 1.2", "a: 'x");

test("fast YAML reader equals the library on stringified documents, with noise lines (property)", () => {
  let fastRuns = 0;
  fc.assert(
    fc.property(fc.array(doc, { minLength: 1, maxLength: 3 }), style, fc.boolean(), fc.array(fc.tuple(fc.nat(), noise), { maxLength: 2 }), (docs, opts, list, inserts) => {
      const body = list
        ? stringify({ apiVersion: "v1", kind: "List", items: docs }, opts as never)
        : docs.map((d) => stringify(d, opts as never)).join("---\n");
      const lines = body.split("\n");
      for (const [at, line] of inserts) lines.splice(at % (lines.length + 1), 0, line);
      if (assertSame(lines.join("\n"))) fastRuns++;
    }),
    { numRuns: 400 * Number(process.env["FUZZ_SCALE"] ?? 1) },
  );
  assert.ok(fastRuns > 60, `the fast reader took only ${fastRuns} of 400 inputs`);
});

test("fast YAML reader equals the library on line soup (property)", () => {
  const line = fc.tuple(fc.constantFrom("", " ", "  ", "    "), fc.constantFrom("a:", "a: 1", "- ", "- b: x", "-", "c: |", "c: |-", "c: |+", "  text", "d: 'q'", 'e: "\\u00e9"', "f: {}", "g: []", "# c", "---", "...", "h: x # c", "i: a: b", "? k", "j: &a 1", "items:", "kind: List", "apiVersion: v1", "k: 'a", "l: \"b\\", "m: \" x", "q'", "r\"", "  \\x41 \"", "s  '' t  ",
    "f: {a: 1, b: [x, 'y']}", "- {kind: Service, n: ~}", "- [a, b]: c", "i: [a: 1]", "j: {\"a\":1}", "k: [-1, .5, \"\\t\"]", "l: {a: }", "m: [a,]", "n: {a: b # c}", "o: [a] # c"));
  fc.assert(
    fc.property(fc.array(line, { maxLength: 14 }), fc.boolean(), (ls, nl) => {
      assertSame(ls.map(([i, s]) => i + s).join("\n") + (nl ? "\n" : ""));
    }),
    { numRuns: 600 * Number(process.env["FUZZ_SCALE"] ?? 1) },
  );
});

test("fast YAML reader equals the library on text folded over lines in every quoting style (property)", () => {
  const word = fc.constantFrom("a", "bb", " ", "  ", "\n", "\\", "'", '"', "é", "x:", "#", "\u0001", "\u00a0", "-", "\t");
  const text = fc.array(word, { maxLength: 40 }).map((a) => a.join(""));
  let fastRuns = 0;
  fc.assert(
    fc.property(fc.array(text, { maxLength: 4 }), fc.constantFrom("QUOTE_DOUBLE", "QUOTE_SINGLE", "PLAIN"), fc.constantFrom(20, 40), fc.boolean(), (strs, type, width, seq) => {
      const v = { kind: "Service", apiVersion: "v1", k: seq ? { list: strs } : Object.fromEntries(strs.map((s, i) => ["key" + i, s])) };
      if (assertSame(stringify(v, { defaultStringType: type, lineWidth: width, minContentWidth: 0 }))) fastRuns++;
    }),
    { numRuns: 300 * Number(process.env["FUZZ_SCALE"] ?? 1) },
  );
  assert.ok(fastRuns > 150, `the fast reader took only ${fastRuns} inputs`);
});

test("fast YAML reader equals the library on one-line flow collections in block documents (property)", () => {
  let fastRuns = 0;
  fc.assert(
    fc.property(fc.dictionary(key, value, { maxKeys: 5 }), fc.boolean(), fc.constantFrom(0, 40), (obj, padding, width) => {
      const lines = Object.entries(obj).map(([k, v]) => `${stringify(k).trimEnd()}: ${stringify(v, { collectionStyle: "flow", flowCollectionPadding: padding, lineWidth: width }).trimEnd()}`);
      if (assertSame(["kind: Service", "apiVersion: v1", ...lines, ""].join("\n"))) fastRuns++;
    }),
    { numRuns: 300 * Number(process.env["FUZZ_SCALE"] ?? 1) },
  );
  assert.ok(fastRuns > 60, `the fast reader took only ${fastRuns} inputs`);
});

const svc = (n: number): string =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${n}\n  namespace: ns\n  annotations:\n    note: "x ${n}"\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n`;
const badPool = `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: bad\nspec:\n  blocks:\n  - cidr: 10.0.0.1\n  - start: 10.0.0.9\n    stop: 10.0.0.1\n`;

function planErrors(text: string, tree: boolean): string[] {
  const { objects, problems } = load(text, tree);
  assert.deepEqual(problems, []);
  return computePoolPlan(objects, DEFAULT_SETTINGS, "2026-11-27T12:00:00Z").problems.map(formatPlanProblem);
}

test("big multi-document file: a bad pool after 3000 Services is reported at the same lines as before", () => {
  const docs = Array.from({ length: 3000 }, (_, i) => svc(i));
  const text = "# services\n" + [...docs, badPool, svc(3000)].join("---\n");
  assert.ok(fastParseDocuments(text), "the fast reader handles this file");
  const poolLine = text.split("\n").indexOf("  name: bad") - 3 + 1; // 1-based line of `apiVersion`
  const errors = planErrors(text, false);
  assert.deepEqual(errors, planErrors(text, true));
  assert.deepEqual(errors, [
    `f.yaml:${poolLine + 6}: CiliumLoadBalancerIPPool "bad": spec.blocks[0].cidr: invalid CIDR "10.0.0.1": no prefix length (a bare IP is not a CIDR) (pool rejected)`,
    `f.yaml:${poolLine + 7}: CiliumLoadBalancerIPPool "bad": spec.blocks[1].start: start "10.0.0.9" is after stop "10.0.0.1" (pool rejected)`,
  ]);
});

test("kubectl-style List: a bad pool among 3000 items is located inside its item, as before", () => {
  const indent = (s: string): string => s.replace(/^(.)/gm, "  $1").replace(/^ {2}/, "- ");
  const items = Array.from({ length: 3000 }, (_, i) => indent(svc(i)));
  items.splice(1700, 0, indent(badPool));
  const text = `apiVersion: v1\nitems:\n${items.join("")}kind: List\nmetadata:\n  resourceVersion: ""\n`;
  const docs = fastParseDocuments(text);
  assert.equal(docs?.[0]?.items?.length, 3001);
  const { objects } = load(text, false);
  const pool = objects[1700]!;
  assert.equal(pool.source.line, 2 + 1700 * 11 + 1);
  assert.equal(pool.locate(["spec", "blocks", 1, "stop"]), 2 + 1700 * 11 + 9);
  assert.deepEqual(planErrors(text, false), planErrors(text, true));
});

test("List items keep their lines through nested Lists and comment lines between entries", () => {
  const text = [
    "kind: List", "apiVersion: v1", "items:", "  # first", "  - kind: ServiceList", "    apiVersion: v1", "    items:",
    "      - metadata: {name: a}", "      -", "        # own line", "        metadata:", "          name: b", "  -", "    kind: Service", "    apiVersion: v1", "",
  ].join("\n");
  // A flow mapping is outside the fast subset: this input checks the library path's equality too.
  assertSame(text);
  const plain = text.replace("{name: a}", "\n          name: a");
  assert.ok(assertSame(plain), "the fast reader handles the block form");
  const { objects } = load(plain, false);
  assert.deepEqual(objects.map((o) => o.source.line), [8, 12, 15]);
  assert.equal(objects[1]!.locate(["metadata", "name"]), 13);
});

test("real `kubectl get svc -A -o yaml` output (kubectl 1.32 against the test API server) takes the fast path", () => {
  const text = readFileSync(fileURLToPath(new URL("../../../../test/fixtures/manifests/kubectl-get-svc-A.yaml", import.meta.url)), "utf8");
  assert.ok(assertSame(text), "the fast reader handles kubectl's output");
  const { objects } = load(text, false);
  assert.deepEqual(objects.map((o) => o.source.line), [3, 55, 107]);
  // Long annotation text that kubectl folds over two lines (plain, '…' and "…") comes back whole.
  const notes = (objects[0]!.obj["metadata"] as { annotations: Record<string, string> }).annotations;
  assert.match(String(notes["desc"]), /columns of text for sure 0$/);
  assert.match(String(notes["longq"]), /^key: value # and .* beyond the eighty column limit 0$/);
  assert.match(String(notes["longdq"]), /^ leading space and a tab\t and .* limit {2}with {2}double {2}spaces 0$/);
  assert.equal(objects[2]!.locate(["spec", "ports", 0, "port"]), 150); // its `port: 80` line
});

test("every YAML file of the repository (examples, docs, fixtures) takes the fast path with the same result", () => {
  const root = fileURLToPath(new URL("../../../../", import.meta.url));
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (/\.ya?ml$/.test(e.name)) files.push(join(dir, e.name));
    }
  };
  for (const dir of ["examples", "docs", "test/fixtures"]) walk(dir);
  assert.ok(files.length >= 10, files.join(" "));
  for (const f of files) assert.ok(assertSame(readFileSync(join(root, f), "utf8")), `${f} takes the fast path`);
});
