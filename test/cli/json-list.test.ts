import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatJson, writeJsonList } from "../../src/cli/output.ts";
import type { CliContext } from "../../src/cli/context.ts";

function capture(list: { items: unknown[] } & Record<string, unknown>): string {
  let out = "";
  writeJsonList({ stdout: { write: (s: string) => (out += s) } } as unknown as CliContext, list);
  return out;
}

test("writeJsonList is byte-identical to formatJson (any items, any head)", () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue(), { maxLength: 600 }), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }), (items, head) => {
      const { items: _drop, ...rest } = head as Record<string, unknown>;
      const list = { ...rest, items };
      assert.equal(capture(list), formatJson(list));
    }),
    { numRuns: 200 },
  );
  const list = { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items: [{ a: 1 }, { b: [1, 2] }] };
  assert.equal(capture(list), formatJson(list));
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
