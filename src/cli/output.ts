// The one module that writes command results. Data goes to stdout, diagnostics to stderr.
// Views are built by commands; this module only renders them in the chosen format.
import type { CliContext, OutStream } from "./context.ts";
import { LbctlError, UsageError } from "./errors.ts";
import { MAX_NESTING_DEPTH, tooDeep } from "../core/depth.ts";
import { YamlEmitter } from "./yaml-emit.ts";

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

/** Columns a cell takes on a terminal: SGR colour codes take none. */
function cellWidth(cell: string): number {
  const text = cell.includes("\u001b") ? cell.replace(ANSI, "") : cell;
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/** East Asian wide and fullwidth characters (and emoji) take two columns, marks none. */
function charWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd)
  ) return 2;
  return 1;
}

/**
 * The layout cli-table3 produces, in linear time, for single-line cells of any script (widths
 * measured here: cli-table3 is quadratic and takes tens of seconds on the 100k-row tables of big
 * clusters, or on 8000 rows once one cell is not ASCII). Cells with line breaks or other control
 * characters go to cli-table3.
 */
function formatPlainTable(table: Table): string | undefined {
  const all = [table.headers, ...table.rows];
  const widths: number[] = [];
  const cellWidths: number[][] = [];
  for (const row of all) {
    const ws: number[] = [];
    for (let i = 0; i < row.length; i++) {
      const cell = row[i]!;
      if (/[\x00-\x1a\x1c-\x1f\x7f]/.test(cell)) return undefined; // multi-line: cli-table3 wraps
      const w = cellWidth(cell);
      ws.push(w);
      if (w > (widths[i] ?? 0)) widths[i] = w;
    }
    cellWidths.push(ws);
  }
  const lines: string[] = [];
  const parts: string[] = [];
  for (let r = 0; r < all.length; r++) {
    const row = all[r]!;
    const ws = cellWidths[r]!;
    parts.length = 0;
    for (let i = 0; i < widths.length; i++) {
      parts.push(i === 0 ? "" : "   ", row[i] ?? "", " ".repeat(widths[i]! - (ws[i] ?? 0)));
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
  return (await yamlEmitter()).document(data);
}

let emitter: YamlEmitter | undefined;
async function yamlEmitter(): Promise<YamlEmitter> {
  if (!emitter) {
    const { stringify } = await import("yaml");
    emitter = new YamlEmitter(stringify);
  }
  return emitter;
}

export async function render(ctx: CliContext, view: View, format: OutputFormat): Promise<void> {
  if (format === "json" || format === "yaml") return writeData(ctx, view.data(), format);
  await put(ctx.stdout, await renderToString(view, format, ctx.colorOut));
}

export async function renderToString(view: View, format: OutputFormat, color = false): Promise<string> {
  switch (format) {
    case "json":
      return formatJson(checkedDepth(view.data()));
    case "yaml":
      return formatYaml(checkedDepth(view.data()));
    case "wide": {
      const paint = await makePaint(color);
      return formatTable(view.wide ? view.wide(paint) : view.table(paint));
    }
    case "table":
      return formatTable(view.table(await makePaint(color)));
  }
}

/** Refuses, before anything is written, a value too deep to serialise (see core/depth.ts). */
function checkedDepth<T>(data: T): T {
  const at = tooDeep(data);
  if (at !== undefined) {
    throw new LbctlError(`cannot write output: ${at}: nested deeper than ${MAX_NESTING_DEPTH} levels (nothing written)`);
  }
  return data;
}

/**
 * Writes one chunk and waits while the stream's buffer is full, so that a slow reader (`| jq`)
 * holds back the writer instead of the whole output queueing in memory.
 */
async function put(stream: OutStream, chunk: string): Promise<void> {
  if (stream.write(chunk) === false && typeof stream.once === "function") {
    await new Promise<void>((resolve) => stream.once!("drain", () => resolve()));
  }
}

/**
 * -o json|yaml of a value. A `kind: List` (items last, the shape every command prints) is written
 * one batch of items at a time, byte-identical to formatJson/formatYaml of the whole value, so a
 * 100k-object List never exists as one giant string in memory; the depth is checked first so that
 * the output is complete or absent.
 */
export async function writeData(ctx: CliContext, data: unknown, format: "json" | "yaml"): Promise<void> {
  checkedDepth(data);
  if (!isStreamableList(data)) {
    await put(ctx.stdout, format === "json" ? formatJson(data) : await formatYaml(data));
    return;
  }
  const { items, ...head } = data;
  const BATCH = 256;
  if (format === "json") {
    const headText = JSON.stringify(head, null, 2);
    // `{ ...head,\n  "items": [` — the head's closing brace is replaced by the items array.
    await put(ctx.stdout, (headText === "{}" ? "{\n" : headText.slice(0, -2) + ",\n") + '  "items": [\n');
    for (let i = 0; i < items.length; i += BATCH) {
      const chunk = items.slice(i, i + BATCH).map((it) => "    " + JSON.stringify(it, null, 2).replace(/\n/g, "\n    "));
      await put(ctx.stdout, chunk.join(",\n") + (i + BATCH < items.length ? ",\n" : "\n"));
    }
    await put(ctx.stdout, "  ]\n}\n");
    return;
  }
  const y = await yamlEmitter();
  const headText = Object.keys(head).length === 0 ? "" : y.document(head);
  await put(ctx.stdout, headText + "items:\n");
  for (let i = 0; i < items.length; i += BATCH) {
    let chunk = "";
    for (const it of items.slice(i, i + BATCH)) {
      // Each item written as a one-entry sequence (so a scalar is written as a sequence entry
      // would be), indented two spaces; an empty line inside a block scalar stays empty, as the
      // library writes it.
      chunk += "  " + y.document([it]).slice(0, -1).replace(/\n(?!\n)/g, "\n  ") + "\n";
    }
    await put(ctx.stdout, chunk);
  }
}

function isStreamableList(data: unknown): data is { items: unknown[] } & Record<string, unknown> {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return false;
  const items = (data as Record<string, unknown>)["items"];
  if (!Array.isArray(items) || items.length === 0) return false;
  const keys = Object.keys(data);
  return keys[keys.length - 1] === "items";
}

/**
 * Plain-text output produced in chunks (bpf lb dump's 13 MB of lines): each chunk written as it
 * comes, waiting for "drain" when the stream's buffer is full, so that the whole text never
 * exists as one string and a slow reader holds the writer back.
 */
export async function writeText(ctx: CliContext, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) await put(ctx.stdout, chunk);
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
