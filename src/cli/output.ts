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

// SGR colour sequences, which take no columns on screen.
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Fast path for the common case (single-line, ASCII cells): the same layout cli-table3 produces,
 * in linear time. cli-table3 takes tens of seconds on the 100k-row tables of big clusters.
 */
function formatPlainTable(table: Table): string | undefined {
  const all = [table.headers, ...table.rows];
  const widths: number[] = [];
  for (const row of all) {
    for (let i = 0; i < row.length; i++) {
      const cell = row[i]!;
      if (!/^[\x20-\x7e\u001b]*$/.test(cell)) return undefined; // non-ASCII or multi-line: cli-table3 handles widths
      const w = cell.includes("\u001b") ? cell.replace(ANSI, "").length : cell.length;
      if (w > (widths[i] ?? 0)) widths[i] = w;
    }
  }
  const lines: string[] = [];
  const parts: string[] = [];
  for (const row of all) {
    parts.length = 0;
    for (let i = 0; i < widths.length; i++) {
      const cell = row[i] ?? "";
      const w = cell.includes("\u001b") ? cell.replace(ANSI, "").length : cell.length;
      parts.push(i === 0 ? "" : "   ", cell, " ".repeat(widths[i]! - w));
    }
    lines.push(parts.join("").trimEnd()); // join: a flat string, not a rope per line
  }
  const footer = table.footer && table.footer.length > 0 ? "\n" + table.footer.join("\n") : "";
  return lines.join("\n") + footer + "\n";
}

/** kubectl-style borderless table: columns separated by three spaces, no trailing blanks. */
export async function formatTable(table: Table): Promise<string> {
  if (table.rows.length === 0 && table.headers.length === 0) return "";
  const fast = formatPlainTable(table);
  if (fast !== undefined) return fast;
  const footer = table.footer && table.footer.length > 0 ? "\n" + table.footer.join("\n") : "";
  return (await cliTable3Body(table)) + footer + "\n";
}

/** The cli-table3 layout, for cells the fast path cannot measure (exported for its test). */
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
