import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { labelMatcher, LabelQueryError, parseLabelQuery } from "../../src/core/label-query.ts";
import { compileSelector } from "../../src/core/selector.ts";

const LABELS = { app: "web", tier: "front", "example.com/team": "net", replicas: "3", empty: "" };

test("label selector strings select as kubectl -l and the API server do (table)", () => {
  const cases: [string, boolean][] = [
    ["", true],
    ["app=web", true],
    ["app==web", true],
    ["app = web", true],
    ["app=db", false],
    ["app!=db", true],
    ["missing!=x", true],
    ["app", true],
    ["missing", false],
    ["!missing", true],
    ["! app", false],
    ["app in (web, db)", true],
    ["app in (db)", false],
    ["missing in (x)", false],
    ["app notin (db)", true],
    ["missing notin (x)", true],
    ["app,tier=front", true],
    ["app,tier=back", false],
    ["tier in (front,back),app notin (db)", true],
    ["example.com/team=net", true],
    ["empty=", true],
    ["empty", true],
    ["replicas>2", true],
    ["replicas>3", false],
    ["replicas<4", true],
    ["replicas<-1", false],
    ["app>1", false], // not an integer: never greater
    ["missing<5", false],
  ];
  for (const [sel, want] of cases) assert.equal(labelMatcher(parseLabelQuery(sel))(LABELS), want, sel);
  assert.equal(labelMatcher(parseLabelQuery("!app"))(undefined), true, "no labels at all");
});

test("bad selector strings: one message naming the requirement or the bad key/value (table)", () => {
  const cases: [string, RegExp][] = [
    ["a in (b", /^unable to parse requirement "a in \(b"$/],
    ["a b c", /^unable to parse requirement "a b c"$/],
    ["-bad=x", /^invalid label key "-bad": /],
    // apimachinery's grammar (reliability probe G-sel04/11/12/15/16/22)
    ["app in ()", /for 'in', 'notin' operators, values set can't be empty/],
    ["app=web,", /^"app=web,": empty requirement \(a stray ","\)$/],
    [",", /empty requirement/],
    ["a,,b", /empty requirement/],
    [`${"k".repeat(64)}=v`, /^invalid label key "k{64}": a name of at most 63 characters/],
    ["a/b/c=v", /^invalid label key "a\/b\/c"/],
    ["Example.COM/app=v", /^invalid label key "Example\.COM\/app"/],
    ["n>9223372036854775808", /invalid integer value "9223372036854775808" for > .*\(a 64-bit integer\)/],
    ["app=has space", /^unable to parse requirement/],
    ["app=-x", /^invalid label value "-x"$/],
    ["app in (ok, no/slash)", /^invalid label value "no\/slash"$/],
    ["replicas>x", /^invalid integer value "x" for > in "replicas>x" \(a 64-bit integer\)$/],
    [`app=${"v".repeat(64)}`, /^invalid label value "v{64}"$/],
  ];
  for (const [sel, re] of cases) assert.throws(() => parseLabelQuery(sel), (e: unknown) => e instanceof LabelQueryError && re.test(e.message), sel);
});

test("property: a set-based requirement as a string selects exactly what the same matchExpression selects", () => {
  const word = fc.constantFrom("a", "b", "c", "web", "x1");
  const labels = fc.dictionary(fc.constantFrom("k", "app", "tier"), word, { maxKeys: 3 });
  const op = fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist");
  fc.assert(
    fc.property(fc.constantFrom("k", "app", "tier"), op, fc.uniqueArray(word, { minLength: 1, maxLength: 3 }), labels, (key, operator, values, l) => {
      const text =
        operator === "In" ? `${key} in (${values.join(",")})` : operator === "NotIn" ? `${key} notin (${values.join(",")})` : operator === "Exists" ? key : `!${key}`;
      const structured = compileSelector({ matchExpressions: [{ key, operator, ...(operator.endsWith("In") ? { values } : {}) }] });
      assert.ok(structured.ok);
      assert.equal(labelMatcher(parseLabelQuery(text))(l), structured.matches(l), `${text} on ${JSON.stringify(l)}`);
    }),
  );
});
