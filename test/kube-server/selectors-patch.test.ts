// The test server's own parsers: label/field selectors and the three patch formats.
import { test } from "node:test";
import assert from "node:assert/strict";
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from "./selectors.ts";
import { jsonPatch, mergePatch, stripDirectives, type Json } from "./patch.ts";

test("label selector operators", () => {
  const l = { app: "web", tier: "front", replicas: "3" };
  const cases: [string, boolean][] = [
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["nope!=x", true],
    ["app in (web,db)", true],
    ["app notin (web)", false],
    ["nope notin (web)", true],
    ["tier", true],
    ["!tier", false],
    ["replicas>2", true],
    ["replicas<3", false],
    ["app=web,tier in (front),!canary", true],
    ["", true],
  ];
  for (const [s, want] of cases) assert.equal(matchLabels(parseLabelSelector(s), l), want, s);
  assert.throws(() => parseLabelSelector("a b c"));
  assert.throws(() => parseLabelSelector("replicas>x"));
});

test("field selectors: metadata.name, metadata.namespace and spec.nodeName only", () => {
  assert.equal(matchFields(parseFieldSelector("metadata.name=a,metadata.namespace!=kube-system"), "a", "default"), true);
  assert.equal(matchFields(parseFieldSelector("metadata.name==b"), "a", "default"), false);
  assert.equal(matchFields(parseFieldSelector("spec.nodeName=w1"), "a", "default", "w1"), true);
  assert.equal(matchFields(parseFieldSelector("spec.nodeName=w1"), "a", "default", "w2"), false);
  assert.throws(() => parseFieldSelector("status.phase=Running"), /field label not supported/);
});

test("merge patch (RFC 7386) and strategic merge with directives dropped", () => {
  const doc: Json = { a: 1, b: { c: 2, d: 3 }, l: [1, 2] };
  assert.deepEqual(mergePatch(doc, { b: { c: null, e: 4 }, l: [3] }), { a: 1, b: { d: 3, e: 4 }, l: [3] });
  assert.deepEqual(stripDirectives({ metadata: { labels: { x: "y" } }, "$setElementOrder/ports": [{ port: 80 }], spec: { $retainKeys: ["a"], a: 1 } }), { metadata: { labels: { x: "y" } }, spec: { a: 1 } });
});

test("JSON patch (RFC 6902) operations and failures", () => {
  const doc: Json = { a: { b: [1, 2] }, c: "x" };
  const cases: [Json, Json][] = [
    [[{ op: "add", path: "/a/b/-", value: 3 }], { a: { b: [1, 2, 3] }, c: "x" }],
    [[{ op: "add", path: "/a/b/0", value: 0 }], { a: { b: [0, 1, 2] }, c: "x" }],
    [[{ op: "remove", path: "/c" }], { a: { b: [1, 2] } }],
    [[{ op: "replace", path: "/a/b/1", value: 9 }], { a: { b: [1, 9] }, c: "x" }],
    [[{ op: "move", from: "/c", path: "/d" }], { a: { b: [1, 2] }, d: "x" }],
    [[{ op: "copy", from: "/c", path: "/a/e" }], { a: { b: [1, 2], e: "x" }, c: "x" }],
    [[{ op: "test", path: "/c", value: "x" }, { op: "add", path: "/t", value: true }], { a: { b: [1, 2] }, c: "x", t: true }],
  ];
  for (const [ops, want] of cases) assert.deepEqual(jsonPatch(doc, ops), want, JSON.stringify(ops));
  assert.deepEqual(doc, { a: { b: [1, 2] }, c: "x" }, "input untouched");
  assert.throws(() => jsonPatch(doc, [{ op: "test", path: "/c", value: "y" }]), /test operation failed/);
  assert.throws(() => jsonPatch(doc, [{ op: "remove", path: "/zz" }]), /path not found/);
  assert.throws(() => jsonPatch(doc, [{ op: "replace", path: "/zz", value: 1 }]), /path not found/);
  assert.throws(() => jsonPatch(doc, { op: "add" }), /must be an array/);
});
