// The linear-time table path in output.ts must print exactly what cli-table3 prints.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import CliTable from "cli-table3";
import { formatTable } from "../../src/cli/output.ts";

function viaCliTable3(headers: string[], rows: string[][]): string {
  const t = new CliTable({
    head: headers,
    chars: {
      top: "", "top-mid": "", "top-left": "", "top-right": "", bottom: "", "bottom-mid": "", "bottom-left": "",
      "bottom-right": "", left: "", "left-mid": "", mid: "", "mid-mid": "", right: "", "right-mid": "", middle: "   ",
    },
    style: { "padding-left": 0, "padding-right": 0, head: [], border: [], compact: true },
  });
  for (const r of rows) t.push(r);
  return t.toString().split("\n").map((l) => l.trimEnd()).join("\n") + "\n";
}

test("property: fast ASCII path == cli-table3 layout", async () => {
  const cell = fc.stringMatching(/^[ -~]{0,12}$/).map((s) => s.trim());
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(cell, { minLength: 5, maxLength: 5 }), { maxLength: 8 }), fc.array(cell, { minLength: 5, maxLength: 5 }), async (cols, rows, head) => {
      const headers = head.slice(0, cols).map((h, i) => h || `H${i}`);
      const body = rows.map((r) => r.slice(0, cols));
      assert.equal(await formatTable({ headers, rows: body }), viaCliTable3(headers, body));
    }),
    { numRuns: 200 },
  );
});
