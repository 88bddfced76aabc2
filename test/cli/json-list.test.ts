import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { stringify } from "yaml";
import { formatJson, formatYaml, writeData } from "../../src/cli/output.ts";
import type { CliContext } from "../../src/cli/context.ts";

async function capture(list: unknown, format: "json" | "yaml" = "json"): Promise<string> {
  let out = "";
  await writeData({ stdout: { write: (s: string) => (out += s) } } as unknown as CliContext, list, format);
  return out;
}

const library = (v: unknown): string => stringify(v, { lineWidth: 0, aliasDuplicateObjects: false });

test("streamed -o json is byte-identical to formatJson (any items, any head)", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.jsonValue(), { maxLength: 600 }), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }), async (items, head) => {
      const { items: _drop, ...rest } = head as Record<string, unknown>;
      const list = { ...rest, items };
      assert.equal(await capture(list), formatJson(list));
    }),
    { numRuns: 200 },
  );
  const list = { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items: [{ a: 1 }, { b: [1, 2] }] };
  assert.equal(await capture(list), formatJson(list));
});

test("the fast YAML writer and streamed -o yaml are byte-identical to the yaml library", async () => {
  const word = fc.constantFrom("a", "b", "app.kubernetes.io/name", "1", "1.5", "yes", "null", "~", "- x", "#c", "a: b", "2001:db8::1", "192.0.2.1", "", " ", "x\ny", "x\n\ny\n", "---", "0x1F", "1e3", "true", "é");
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: "small" }, word, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie("v"), { maxLength: 4 }), fc.dictionary(word, tie("v"), { maxKeys: 4 })),
  })).v;
  await fc.assert(
    fc.asyncProperty(fc.oneof(value, fc.jsonValue()), async (v) => {
      assert.equal(await formatYaml(v), library(v));
    }),
    { numRuns: 2000 },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(fc.oneof(value, fc.jsonValue()), { minLength: 1, maxLength: 300 }), async (items) => {
      const list = { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items };
      assert.equal(await capture(list, "yaml"), library(list));
    }),
    { numRuns: 100 },
  );
});

test("a value nested too deep is refused before anything is written", async () => {
  let deep: Record<string, unknown> = {};
  const root = { apiVersion: "v1", kind: "List", items: [{ ok: 1 }, deep] };
  for (let i = 0; i < 5000; i++) deep = (deep["a"] = {}) as Record<string, unknown>;
  for (const format of ["json", "yaml"] as const) {
    let out = "";
    await assert.rejects(
      writeData({ stdout: { write: (s: string) => (out += s) } } as unknown as CliContext, root, format),
      /cannot write output: items\[1\]\.a\.a.*nested deeper than 200 levels/,
    );
    assert.equal(out, "");
  }
});

test("big ASCII tables skip cli-table3 but lay out exactly as it does (colour codes ignored for width)", async () => {
  const { formatTable, cliTable3Body } = await import("../../src/cli/output.ts");
  const cell = fc.oneof(fc.string({ unit: fc.constantFrom("a", "b", "-", ".", " ", "1"), maxLength: 12 }), fc.constant("\x1b[32massigned\x1b[39m"));
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 501, maxLength: 520 }), async (rows) => {
      const table = { headers: ["A", "BB", "CCC"], rows, footer: ["sum"] };
      assert.equal(await formatTable(table), (await cliTable3Body(table)) + "\nsum\n");
    }),
    { numRuns: 15 },
  );
});

test("non-ASCII cells (accents, CJK, combining marks) lay out as cli-table3 does, in linear time", async () => {
  const { formatTable, cliTable3Body } = await import("../../src/cli/output.ts");
  const cell = fc.string({ unit: fc.constantFrom("a", "é", "e\u0301", "中", "ß", "-", " ", "ｱ"), maxLength: 8 });
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 40 }), async (rows) => {
      const table = { headers: ["A", "BB", "CCC"], rows };
      assert.equal(await formatTable(table), (await cliTable3Body(table)) + "\n");
    }),
    { numRuns: 100 },
  );
  const rows = Array.from({ length: 20000 }, (_, i) => [`svc-${i}`, i === 7 ? "café" : "x", "192.0.2.1"]);
  const t0 = performance.now();
  await formatTable({ headers: ["NAME", "KEY", "IP"], rows });
  assert.ok(performance.now() - t0 < 3000, "20000 rows with one non-ASCII cell take under 3 s");
});
