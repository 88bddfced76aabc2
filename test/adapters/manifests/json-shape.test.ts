// The cheap JSON checks of the loader against the exact ones: the key count and nesting depth read
// off the text (jsonShape) agree with the parsed value, and the duplicate-key gate built on them
// reports a duplicate exactly when the exact per-object scan finds one.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonDuplicateKey, jsonShape, parseText, type ManifestObject, type ManifestProblem } from "../../../src/adapters/manifests/load.ts";
import { tooDeep } from "../../../src/core/depth.ts";

/** Keys and depth of a parsed value, written the obvious recursive way. */
function reference(v: unknown, depth = 0): { keys: number; maxDepth: number } {
  if (v === null || typeof v !== "object") return { keys: 0, maxDepth: depth };
  let keys = 0;
  let maxDepth = depth + 1;
  for (const c of Array.isArray(v) ? v : Object.values(v as object)) {
    const r = reference(c, depth + 1);
    keys += r.keys;
    maxDepth = Math.max(maxDepth, r.maxDepth);
  }
  return { keys: keys + (Array.isArray(v) ? 0 : Object.keys(v as object).length), maxDepth };
}

// Strings with quotes, backslashes and brackets, so that the string skipping is exercised.
const tricky = fc.string({ unit: fc.constantFrom("a", '"', "\\", "{", "}", "[", "]", ",", ":", "\n", "é", " ") });
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: "small" }, fc.constant(null), fc.integer(), tricky, fc.array(tie("v"), { maxLength: 4 }), fc.dictionary(tricky, tie("v"), { maxKeys: 4 })),
})).v;

test("jsonShape: key count and depth of any JSON text, pretty or compact", () => {
  fc.assert(
    fc.property(value, fc.boolean(), (v, pretty) => {
      assert.deepEqual(jsonShape(JSON.stringify(v, null, pretty ? 2 : 0)), reference(v));
    }),
    { numRuns: 500 },
  );
});

test("duplicate keys: the cheap gate reports one exactly when the exact scan finds one", () => {
  // An object text with a key repeated (or not) somewhere inside a random document.
  const doc = fc.tuple(fc.dictionary(tricky, value, { minKeys: 1, maxKeys: 5 }), fc.boolean(), fc.nat()).map(([o, dup, pick]) => {
    const keys = Object.keys(o);
    const k = keys[pick % keys.length]!;
    const body = keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(o[key])}`);
    if (dup) body.push(`${JSON.stringify(k)}:1`);
    return `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{${body.join(",")}}}]}`;
  });
  fc.assert(
    fc.property(doc, (text) => {
      const problems: ManifestProblem[] = [];
      parseText(text, "f.json", [] as ManifestObject[], problems);
      const exact = jsonDuplicateKey(text);
      assert.equal(problems.some((p) => p.message.includes("already defined")), exact !== undefined, text);
    }),
    { numRuns: 500 },
  );
});

test("tooDeep: the fast check and the path finder agree at the limit", () => {
  const nest = (n: number): unknown => {
    let v: unknown = "leaf";
    for (let i = 0; i < n; i++) v = i % 2 === 0 ? { a: v } : [v];
    return v;
  };
  assert.equal(tooDeep(nest(200)), undefined);
  assert.match(tooDeep(nest(201)) ?? "", /^(\[0\]|a)/);
  assert.equal(tooDeep(nest(1_000_000), 200)?.length !== undefined, true);
  // JSON text deeper than the limit is one problem naming the path, found from the text's depth.
  const problems: ManifestProblem[] = [];
  parseText(JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: nest(250) }), "deep.json", [], problems);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /^data\[0\]\.a\[0\]\.a.*: nested deeper than 200 levels$/);
});
