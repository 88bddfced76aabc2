// A fast block-style YAML writer for JSON-shaped values (what -o yaml prints), byte-identical to
// the yaml library's stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }) — a property
// test holds it to that. Plain words, integers and booleans are written directly; every other
// scalar is rendered once by the library and remembered; a value the writer does not handle
// itself (a multi-line string, an odd key) makes the caller use the library for that value.
// The library alone takes ~18 s and 1.4 GB for a 100k-Service List; this takes about as long as
// JSON.stringify.
import type { stringify as Stringify } from "yaml";

type StringifyFn = typeof Stringify;

/** Thrown when a value needs the library's own layout (e.g. block scalars). */
class NeedsLibrary extends Error {}

// A word the library writes unquoted in any block context, and that reads back as the same string
// under the YAML 1.2 core schema (not a number, bool, null or special float).
const PLAIN_WORD = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
const NUMBER_LIKE = /^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+)$/;
const RESERVED = new Set(["null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"]);

export class YamlEmitter {
  private readonly scalars = new Map<string, string>();
  constructor(private readonly stringify: StringifyFn) {}

  /** The YAML document text of `value` (ends with a newline). */
  document(value: unknown): string {
    try {
      const out: string[] = [];
      if (isContainer(value) && !isEmpty(value)) this.block(value, "", out, true);
      else out.push(this.scalarOrEmpty(value));
      return out.join("") + "\n";
    } catch (err) {
      if (err instanceof NeedsLibrary) return this.library(value);
      throw err;
    }
  }

  private library(value: unknown): string {
    return this.stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
  }

  /** Writes a non-empty map or sequence; the first line continues the current one when `inline`. */
  private block(value: object, indent: string, out: string[], first: boolean): void {
    let lead = first;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) {
        if (!lead) out.push("\n", indent);
        lead = false;
        out.push("- ");
        if (isContainer(item) && !isEmpty(item)) this.block(item, indent + "  ", out, true);
        else out.push(this.scalarOrEmpty(item));
      }
      return;
    }
    const obj = value as Record<string, unknown>;
    for (const k in obj) {
      const v = obj[k];
      if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
      if (!lead) out.push("\n", indent);
      lead = false;
      out.push(this.key(k), ":");
      if (isContainer(v) && !isEmpty(v)) {
        if (Array.isArray(v)) {
          out.push("\n", indent + "  ");
          this.block(v, indent + "  ", out, true);
        } else {
          out.push("\n", indent + "  ");
          this.block(v, indent + "  ", out, true);
        }
      } else out.push(" ", this.scalarOrEmpty(v));
    }
    if (lead) throw new NeedsLibrary(); // a map of only undefined values: let the library decide
  }

  private key(k: string): string {
    if (PLAIN_WORD.test(k) && !NUMBER_LIKE.test(k) && !RESERVED.has(k)) return k;
    throw new NeedsLibrary();
  }

  private scalarOrEmpty(v: unknown): string {
    if (v === null) return "null";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") {
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
      return this.viaLibrary(v);
    }
    if (typeof v === "string") {
      if (PLAIN_WORD.test(v) && !NUMBER_LIKE.test(v) && !RESERVED.has(v)) return v;
      return this.viaLibrary(v);
    }
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      throw new NeedsLibrary();
    }
    if (typeof v === "object") {
      if (isEmpty(v as object)) return "{}";
      throw new NeedsLibrary();
    }
    throw new NeedsLibrary();
  }

  private viaLibrary(v: string | number): string {
    const key = typeof v === "number" ? "n:" + String(v) : "s:" + v;
    let text = this.scalars.get(key);
    if (text === undefined) {
      text = this.library(v).replace(/\n$/, "");
      // A block scalar or a folded line depends on its indentation; and a document marker may
      // quote differently at the top level than as a value. Leave those to the library.
      if (text.includes("\n") || text.startsWith("---") || text.startsWith("...")) throw new NeedsLibrary();
      if (this.scalars.size < 1_000_000) this.scalars.set(key, text);
    }
    return text;
  }
}

function isContainer(v: unknown): v is object {
  return v !== null && typeof v === "object";
}

function isEmpty(v: object): boolean {
  if (Array.isArray(v)) return v.length === 0;
  for (const k in v) if ((v as Record<string, unknown>)[k] !== undefined) return false;
  return true;
}
