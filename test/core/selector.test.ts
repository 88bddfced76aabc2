import { test } from "node:test";
import assert from "node:assert/strict";
import { compileSelector, type LabelSelector } from "../../src/core/selector.ts";

test("LabelSelector matching (table)", () => {
  const labels = { app: "web", tier: "front", empty: "" };
  const cases: [string, LabelSelector, boolean | string][] = [
    ["empty selector matches all", {}, true],
    ["matchLabels hit", { matchLabels: { app: "web" } }, true],
    ["matchLabels miss", { matchLabels: { app: "db" } }, false],
    ["matchLabels empty value", { matchLabels: { empty: "" } }, true],
    ["In hit", { matchExpressions: [{ key: "tier", operator: "In", values: ["back", "front"] }] }, true],
    ["In on missing key", { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }, false],
    ["NotIn on missing key matches", { matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, true],
    ["NotIn hit excludes", { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] }, false],
    ["Exists", { matchExpressions: [{ key: "app", operator: "Exists" }] }, true],
    ["DoesNotExist", { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, false],
    ["labels AND expressions", { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }] }, false],
    ["In without values is invalid", { matchExpressions: [{ key: "a", operator: "In", values: [] }] }, "matchExpressions\\[0\\]\\.values: operator In needs at least one value"],
    ["Exists with values is invalid", { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }, "matchExpressions\\[0\\]\\.values: operator Exists takes no values"],
    ["unknown operator", { matchExpressions: [{ key: "a", operator: "Equals", values: ["x"] }] }, "matchExpressions\\[0\\]\\.operator: unknown operator"],
    ["empty key", { matchExpressions: [{ key: "", operator: "Exists" }] }, "matchExpressions\\[0\\]\\.key: must be a non-empty string"],
  ];
  for (const [name, sel, want] of cases) {
    const c = compileSelector(sel);
    if (typeof want === "string") {
      assert.ok(!c.ok, name);
      assert.match(c.error, new RegExp(want), name);
    } else {
      assert.ok(c.ok, name);
      assert.equal(c.matches(labels), want, name);
    }
  }
});
