// Scalar rules of the `yaml` library (core schema, YAML 1.2), reproduced for the fast block-YAML
// reader in index.ts. They must give exactly what `parseAllDocuments(...).toJS()` gives: the
// tests compare both on generated input. Anything these functions do not cover makes them return
// NOT_FAST, and the caller falls back to the library for the whole file.

/** Marker: this input is outside what the fast reader reproduces exactly. */
export const NOT_FAST: unique symbol = Symbol("not-fast");
export type NotFast = typeof NOT_FAST;

// The core schema's default tags in the library's order (schema/core/schema.js): the first test
// that matches decides. Strings are whatever matches none.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** Value of a plain (unquoted) scalar, already trimmed, as the core schema resolves it. */
export function resolvePlain(s: string): unknown {
  if (s.length === 0) return null;
  const c = s.charCodeAt(0);
  // Every non-string pattern above starts with one of ~ n N t T f F + - . 0-9: the common case
  // (names, addresses, labels) is decided by its first character without running a regexp.
  const maybe = c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70 || c === 43 || c === 45 || c === 46 || (c >= 48 && c <= 57);
  if (!maybe) return s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return c === 116 || c === 84;
  if (INT_OCT.test(s)) return parseInt(s.substring(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.substring(2), 16);
  if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === "nan" ? NaN : s[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

/** A mapping key as toJS() stores it on a plain object (addPairToJSMap / stringifyKey). */
export function plainKey(s: string): string {
  const v = resolvePlain(s);
  return v === null ? "" : typeof v === "string" ? v : String(v);
}

const ESCAPES: Record<string, string> = {
  "0": "\0", a: "\x07", b: "\b", e: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v",
  N: "\u0085", _: "\u00a0", L: "\u2028", P: "\u2029", " ": " ", '"': '"', "/": "/", "\\": "\\",
};

/** Inside of a one-line double-quoted scalar (between the quotes), escapes decoded. */
export function doubleQuoted(inner: string): string | NotFast {
  if (inner.indexOf("\\") < 0) return inner;
  let out = "";
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = inner[++i];
    if (next === undefined) return NOT_FAST;
    const simple = ESCAPES[next];
    if (simple !== undefined && Object.hasOwn(ESCAPES, next)) {
      out += simple;
      continue;
    }
    const len = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    const hex = inner.substr(i + 1, len);
    if (len === 0 || hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) return NOT_FAST;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) return NOT_FAST;
    out += String.fromCodePoint(code);
    i += len;
  }
  return out;
}

/**
 * A flow scalar's text over several lines, folded as the library's unfoldLines does: line breaks
 * become spaces, blank lines newlines, and the spaces around breaks go (no tabs or CR reach here).
 */
export function unfoldLines(source: string): string {
  const lines = source.split("\n");
  if (lines.length === 1) return source;
  let res = lines[0]!.replace(/ +$/, "");
  let sep = " ";
  for (let i = 1; i < lines.length - 1; i++) {
    const lm = lines[i]!.replace(/^ +| +$/g, "");
    if (lm === "") {
      if (sep === "\n") res += sep;
      else sep = "\n";
    } else {
      res += sep + lm;
      sep = " ";
    }
  }
  return res + sep + lines[lines.length - 1]!.replace(/^ +/, "");
}

/** A double-quoted scalar over several lines, quotes included (the library's doubleQuotedValue). */
export function doubleQuotedLines(source: string): string | NotFast {
  let res = "";
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i]!;
    if (ch === "\n") {
      // A break folds to a space; with blank lines after it, to one newline per blank line.
      let fold = "";
      let next = source[i + 1];
      while (next === " " || next === "\n") {
        if (next === "\n") fold += "\n";
        next = source[++i + 1];
      }
      res += fold || " ";
    } else if (ch === "\\") {
      const next = source[++i];
      if (next === "\n") {
        // An escaped break joins the lines; the next line's indentation still goes.
        while (source[i + 1] === " ") i++;
        continue;
      }
      const decoded = doubleQuoted("\\" + (next === "x" ? source.substr(i, 3) : next === "u" ? source.substr(i, 5) : next === "U" ? source.substr(i, 9) : next ?? ""));
      if (decoded === NOT_FAST) return NOT_FAST;
      res += decoded;
      i += next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    } else if (ch === " ") {
      // Spaces before a line break go; elsewhere they stay.
      let j = i;
      while (source[j + 1] === " ") j++;
      if (source[j + 1] !== "\n") res += source.slice(i, j + 1);
      i = j;
    } else res += ch;
  }
  return res;
}
