// The hostile-input contract, asserted one way for every case: the exit code, exactly one stderr
// line matching what it must say (and naming the culprit), no stack trace or internal error, and
// nothing on stdout.
import assert from "node:assert/strict";
import type { CliResult } from "../helpers/cli.ts";

export function assertOneLine(r: CliResult, want: RegExp, o: { code?: number; names?: string } = {}): string {
  assert.equal(r.code, o.code ?? 1, r.stderr);
  assert.equal(r.stdout, "", "nothing on stdout");
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  const line = lines[0]!;
  assert.match(line, want);
  if (o.names !== undefined) assert.ok(line.includes(o.names), `names ${o.names}: ${line}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at |SyntaxError|TypeError/);
  return line;
}
