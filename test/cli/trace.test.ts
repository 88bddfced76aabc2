import { test } from "node:test";
import assert from "node:assert/strict";
import { traceMark } from "../../src/trace.ts";

test("traceMark records nothing unless the launcher installed its array", () => {
  const saved = globalThis.__lbctlTraceMarks;
  try {
    globalThis.__lbctlTraceMarks = undefined;
    traceMark("ignored");
    assert.equal(globalThis.__lbctlTraceMarks, undefined);
  } finally {
    globalThis.__lbctlTraceMarks = saved;
  }
});

test("traceMark appends named, non-decreasing ms-since-start marks to the launcher's array", () => {
  const saved = globalThis.__lbctlTraceMarks;
  try {
    const marks: [string, number][] = [["node", performance.now()]];
    globalThis.__lbctlTraceMarks = marks;
    traceMark("a");
    traceMark("b");
    assert.deepEqual(marks.map(([n]) => n), ["node", "a", "b"]);
    assert.ok(marks[1]![1] >= marks[0]![1] && marks[2]![1] >= marks[1]![1]);
  } finally {
    globalThis.__lbctlTraceMarks = saved;
  }
});
