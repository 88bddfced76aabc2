// The one module that writes command results. Data goes to stdout, diagnostics to stderr.
// Views are built by commands; this module only renders them in the chosen format.
import type { CliContext } from "./context.ts";
import { UsageError } from "./errors.ts";

export const OUTPUT_FORMATS = ["table", "wide", "json", "yaml"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Colour helpers handed to views; identity functions when colour is off. */
export interface Paint {
  ok(s: string): string;
  warn(s: string): string;
  bad(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export interface Table {
  headers: string[];
  rows: string[][];
  /** Lines printed after the table (summaries), still data: stdout. */
  footer?: string[];
}

export interface View {
  table(paint: Paint): Table;
  /** `-o wide`; defaults to the plain table. */
  wide?(paint: Paint): Table;
  /** The machine-readable form for json/yaml. */
  data(): unknown;
}

export function parseOutputFormat(value: string, allowed: readonly string[] = OUTPUT_FORMATS): OutputFormat {
  if (!allowed.includes(value)) {
    throw new UsageError(`--output: unknown format "${value}" (expected one of ${allowed.join(", ")})`);
  }
  return value as OutputFormat;
}

const identity = (s: string): string => s;
const plain: Paint = { ok: identity, warn: identity, bad: identity, dim: identity, bold: identity };

export async function makePaint(enabled: boolean): Promise<Paint> {
  if (!enabled) return plain;
  const { Chalk } = await import("chalk");
  const c = new Chalk({ level: 1 });
  return { ok: (s) => c.green(s), warn: (s) => c.yellow(s), bad: (s) => c.red(s), dim: (s) => c.gray(s), bold: (s) => c.bold(s) };
}

// cli-table3's layout is quadratic in rows (100k rows take minutes); plain ASCII single-line
// cells are laid out here instead, with the same result.
const ANSI = /\x1b\[[0-9;]*m/g;
const FAST_TABLE_ROWS = 500;

function fastTable(table: Table): string | undefined {
  const all = [table.headers, ...table.rows];
  const widths: number[] = [];
  for (const row of all)
    for (let i = 0; i < row.length; i++) {
      const plain = row[i]!.replace(ANSI, "");
      if (/[^\x20-\x7e]/.test(plain)) return undefined;
      if (plain.length > (widths[i] ?? 0)) widths[i] = plain.length;
    }
  const lines = all.map((row) =>
    row.map((c, i) => (i === row.length - 1 ? c : c + " ".repeat(widths[i]! - c.replace(ANSI, "").length))).join("   ").trimEnd(),
  );
  return lines.join("\n");
}

/** kubectl-style borderless table: columns separated by three spaces, no trailing blanks. */
export async function formatTable(table: Table): Promise<string> {
  if (table.rows.length === 0 && table.headers.length === 0) return "";
  const footer = table.footer && table.footer.length > 0 ? "\n" + table.footer.join("\n") : "";
  if (table.rows.length > FAST_TABLE_ROWS && table.rows.every((r) => r.length === table.headers.length)) {
    const fast = fastTable(table);
    if (fast !== undefined) return fast + footer + "\n";
  }
  return (await cliTable3Body(table)) + footer + "\n";
}

/** The cli-table3 layout (exported for the test that checks fastTable against it). */
export async function cliTable3Body(table: Table): Promise<string> {
  const { default: CliTable } = await import("cli-table3");
  const t = new CliTable({
    head: table.headers,
    chars: {
      top: "", "top-mid": "", "top-left": "", "top-right": "", bottom: "", "bottom-mid": "", "bottom-left": "",
      "bottom-right": "", left: "", "left-mid": "", mid: "", "mid-mid": "", right: "", "right-mid": "", middle: "   ",
    },
    style: { "padding-left": 0, "padding-right": 0, head: [], border: [], compact: true },
  });
  for (const row of table.rows) t.push(row);
  return t.toString().split("\n").map((l) => l.trimEnd()).join("\n");
}

export function formatJson(data: unknown): string {
  return JSON.stringify(data, null, 2) + "\n";
}

export async function formatYaml(data: unknown): Promise<string> {
  const { stringify } = await import("yaml");
  return stringify(data, { lineWidth: 0, aliasDuplicateObjects: false });
}

export async function render(ctx: CliContext, view: View, format: OutputFormat): Promise<void> {
  ctx.stdout.write(await renderToString(view, format, ctx.colorOut));
}

export async function renderToString(view: View, format: OutputFormat, color = false): Promise<string> {
  switch (format) {
    case "json":
      return formatJson(view.data());
    case "yaml":
      return formatYaml(view.data());
    case "wide": {
      const paint = await makePaint(color);
      return formatTable(view.wide ? view.wide(paint) : view.table(paint));
    }
    case "table":
      return formatTable(view.table(await makePaint(color)));
  }
}

/** Raw data lines for streaming commands (arping, announce logs to stdout when asked). */
export function writeLine(ctx: CliContext, line: string): void {
  ctx.stdout.write(line + "\n");
}

/** Diagnostics: warnings and notices go to stderr, one line each. */
export function warn(ctx: CliContext, message: string): void {
  ctx.stderr.write(`warning: ${message}\n`);
}

export function notice(ctx: CliContext, message: string): void {
  ctx.stderr.write(message + "\n");
}

/**
 * Writes a `kind: List` as `-o json` would (byte-identical to formatJson), one item at a time, so
 * a 100k-object List never exists as one giant string (and its Buffer copy) in memory.
 */
export function writeJsonList(ctx: CliContext, list: { items: unknown[] } & Record<string, unknown>): void {
  const { items, ...head } = list;
  const headText = JSON.stringify(head, null, 2);
  if (items.length === 0) {
    ctx.stdout.write(formatJson(list));
    return;
  }
  // `{ ...head,\n  "items": [` — the head's closing brace is replaced by the items array.
  ctx.stdout.write((headText === "{}" ? "{\n" : headText.slice(0, -2) + ",\n") + '  "items": [\n');
  const BATCH = 256;
  for (let i = 0; i < items.length; i += BATCH) {
    const chunk = items.slice(i, i + BATCH).map((it) => "    " + JSON.stringify(it, null, 2).replace(/\n/g, "\n    "));
    ctx.stdout.write(chunk.join(",\n") + (i + BATCH < items.length ? ",\n" : "\n"));
  }
  ctx.stdout.write("  ]\n}\n");
}
