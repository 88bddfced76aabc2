// YAML for `-o yaml`: a direct emitter for JSON data (objects, arrays, strings, numbers, booleans,
// null), in the block style kubectl prints. The yaml library builds a document tree of every node
// first, which at 100,000 Services cost 18 s and 1.4 GB (issue 15); this writes text directly, in
// time linear in the output. A string is written plain only when no YAML 1.1 or 1.2 reader could
// take it for anything else; otherwise it is double-quoted with JSON's escapes (YAML 1.2 reads
// JSON strings as they are). Round trip through the yaml library is a property test.

/** YAML 1.1 and 1.2 words that a plain scalar would turn into a boolean or null. */
const RESERVED = new Set(["", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"]);

/** Characters a plain scalar may hold here: no indicators, no `:` or `#`, no leading space. */
const PLAIN = /^[A-Za-z0-9_/][A-Za-z0-9_./@+()=-]*(?: [A-Za-z0-9_./@+()=-]+)*$/;
/** Number-like in YAML 1.1 or 1.2 (underscores, octal/hex/binary prefixes, dates). */
const NUMBERISH = /^(?:[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|0[xXoObB].*|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$/;

export function yamlScalarText(s: string): string {
  if (PLAIN.test(s) && !RESERVED.has(s.toLowerCase()) && !NUMBERISH.test(s)) return s;
  // JSON's escapes, plus the two line separators that JSON leaves raw and YAML 1.1 breaks on.
  return JSON.stringify(s).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function scalar(v: unknown): string | undefined {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return yamlScalarText(v);
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf";
    case "bigint":
      return String(v);
    default:
      return undefined;
  }
}

const isEmptyCollection = (v: unknown): string | undefined =>
  Array.isArray(v) ? (v.length === 0 ? "[]" : undefined) : typeof v === "object" && v !== null && Object.keys(v).every((k) => (v as Record<string, unknown>)[k] === undefined) ? "{}" : undefined;

/** Appends the lines of `v` (a collection) at `indent` to `out`. */
function block(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = scalar(item ?? null) ?? isEmptyCollection(item);
      if (s !== undefined) {
        out.push(`${indent}- ${s}`);
        continue;
      }
      // The item's first line shares the dash; the rest line up under it.
      const inner: string[] = [];
      block(item, "", inner);
      out.push(`${indent}- ${inner[0]}`);
      for (let i = 1; i < inner.length; i++) out.push(`${indent}  ${inner[i]}`);
    }
    return;
  }
  const obj = v as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (value === undefined || typeof value === "function" || typeof value === "symbol") continue;
    const k = yamlScalarText(key);
    const s = scalar(value) ?? isEmptyCollection(value);
    if (s !== undefined) {
      out.push(`${indent}${k}: ${s}`);
      continue;
    }
    out.push(`${indent}${k}:`);
    block(value, indent + "  ", out);
  }
}

/** The YAML text of `data`, ending in a newline. */
export function emitYaml(data: unknown): string {
  const s = scalar(data ?? null) ?? isEmptyCollection(data);
  if (s !== undefined) return s + "\n";
  const out: string[] = [];
  block(data, "", out);
  return out.join("\n") + "\n";
}

/**
 * The lines under `items:` for a slice of a List's items, as `emitYaml` would print them inside
 * the whole List: so a List can be written a slice at a time with the same bytes.
 */
export function emitYamlItems(items: readonly unknown[]): string {
  if (items.length === 0) return "";
  const out: string[] = [];
  block(items, "  ", out);
  return out.join("\n") + "\n";
}
