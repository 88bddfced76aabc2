import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { PassThrough } from "node:stream";
import { parse as parseYaml } from "yaml";
import { formatJson, formatYaml, writeList } from "../../src/cli/output.ts";
import type { CliContext } from "../../src/cli/context.ts";

async function capture(list: { items: unknown[] } & Record<string, unknown>, format: "json" | "yaml"): Promise<string> {
  let out = "";
  await writeList({ stdout: { write: (s: string) => (out += s) } } as unknown as CliContext, list, format);
  return out;
}

const anyList = fc.tuple(fc.array(fc.jsonValue(), { maxLength: 600 }), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }), fc.nat(3)).map(([items, head, at]) => {
  const { items: _drop, ...rest } = head as Record<string, unknown>;
  // `items` at any position among the head's keys
  const entries = Object.entries(rest);
  entries.splice(Math.min(at, entries.length), 0, ["items", items]);
  return Object.fromEntries(entries) as { items: unknown[] } & Record<string, unknown>;
});

test("writeList is byte-identical to formatJson / formatYaml (any items, any head, any key order)", async () => {
  await fc.assert(
    fc.asyncProperty(anyList, async (list) => {
      assert.equal(await capture(list, "json"), formatJson(list));
      assert.equal(await capture(list, "yaml"), await formatYaml(list));
    }),
    { numRuns: 150 },
  );
  const list = { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items: [{ a: 1 }, { b: [1, 2] }] };
  assert.equal(await capture(list, "json"), formatJson(list));
  assert.equal(await capture(list, "yaml"), "apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"\"\nitems:\n  - a: 1\n  - b:\n      - 1\n      - 2\n");
});

test("-o yaml reads back as the same data through a real YAML parser (property)", async () => {
  const tricky = fc.constantFrom("", " ", "yes", "No", "ON", "~", "null", "1e3", "0x1F", "0o17", "1_000", "2026-12-03", "12:30", "-", "- a", "a: b", "a #b", "#x", "@x", "`x", "!x", "&a", "*a", "%x", "|", ">", "?", "[a]", "{a}", "'q'", "\"q\"", "a\nb", "tab\tx", "trailing ", " leading", "café", "日本", "\u2028", "\u0000", "192.0.2.1", "2001:db8::1", ".inf", "-.5", "+1", "app.kubernetes.io/name", "=", "<<");
  const str = fc.oneof(fc.string(), tricky);
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: "small" }, str, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(tie("v"), { maxLength: 4 }), fc.dictionary(str, tie("v"), { maxKeys: 4 })),
  })).v;
  await fc.assert(
    fc.asyncProperty(value, async (v) => {
      const text = await formatYaml(v);
      // -0 prints as 0 in YAML as in JSON
      assert.deepEqual(parseYaml(text, { version: "1.2" }), JSON.parse(JSON.stringify(v)));
      assert.deepEqual(parseYaml(text, { version: "1.1" }), JSON.parse(JSON.stringify(v)), text);
    }),
    { numRuns: 1500 },
  );
});

test("writeList waits for a full pipe to drain instead of queueing the whole output", async () => {
  const pipe = new PassThrough({ highWaterMark: 16 * 1024 });
  let written = 0;
  let peakQueued = 0;
  const stdout = {
    write: (s: string) => {
      written += s.length;
      const ok = pipe.write(s);
      peakQueued = Math.max(peakQueued, pipe.writableLength);
      return ok;
    },
    once: pipe.once.bind(pipe),
    off: pipe.off.bind(pipe),
  };
  const items = Array.from({ length: 20_000 }, (_, i) => ({ metadata: { name: `svc-${i}`, namespace: "default" }, spec: { ports: [{ port: 80 }] } }));
  const done = writeList({ stdout } as unknown as CliContext, { apiVersion: "v1", kind: "List", items }, "json");
  // A slow reader: 64 KiB every tick.
  let read = 0;
  const reader = setInterval(() => {
    for (let c = pipe.read(64 * 1024); c !== null; c = pipe.read(64 * 1024)) read += (c as Buffer).length;
  }, 1);
  await done;
  clearInterval(reader);
  assert.ok(written > 2_000_000, `${written} bytes`);
  assert.ok(peakQueued < 1_000_000, `at most one slice queued at a time: peak ${peakQueued} bytes of ${written}`);
  assert.ok(read > 0);
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
