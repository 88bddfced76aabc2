// A fast reader for the block YAML that `kubectl get -o yaml`, `yaml.stringify` and hand-written
// manifests use: block mappings and sequences, plain scalars (also folded over lines, as kubectl
// writes long text), one-line quoted scalars, literal block scalars (`|`, `|-`, `|+`), `{}` and
// `[]`, comments and `---` documents. It builds plain JS values
// straight from the text — the `yaml` library builds a node tree with source ranges first, which
// costs ~10x the time and ~6x the memory on big inputs — and records only the few lines the loader
// needs up front (where each document and each root `items` entry starts). Everything else
// (anchors, tags, flow collections, multi-line quoted scalars, folded scalars, tabs, CR, odd keys,
// anything malformed) returns undefined and the caller uses the library for that file, so results
// and error messages never depend on which path ran. Field lines are found later, only for the
// document or item an error is about (manifests.ts re-parses that slice with the library).
import { NOT_FAST, type NotFast, doubleQuoted, plainKey, resolvePlain } from "./yaml-scalars.ts";

/** A `- ` entry of the root mapping's `items` sequence. */
export interface FastItem {
  /** Offset of the start of the entry's `-` line, and of the line after the entry (or its end). */
  readonly start: number;
  readonly end: number;
  /** 1-based line of `start`, and of the entry's value (what `locate(["items", i])` gives). */
  readonly startLine: number;
  readonly line: number;
}

export interface FastDoc {
  readonly value: unknown;
  /** 1-based line where the document's content starts (undefined for an empty document). */
  readonly line: number | undefined;
  /** The document's text without its `---`/`...` marker lines, and the line of `start`. */
  readonly start: number;
  readonly end: number;
  readonly startLine: number;
  /** Entries of the root mapping's `items`, when that is a block sequence. */
  readonly items: FastItem[] | undefined;
}

class Bail extends Error {}
const bail = (): never => {
  throw new Bail();
};
const SP = 32, NL = 10, HASH = 35, COLON = 58, DASH = 45, DOT = 46, SQ = 39, DQ = 34;
// Characters the fast reader never handles (tabs, CR, BOM, controls, YAML 1.1 line breaks).
const UNSUPPORTED_CHARS = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;

/** Parses a whole stream, or returns undefined when the `yaml` library must do it. */
export function fastParseDocuments(text: string): FastDoc[] | undefined {
  if (UNSUPPORTED_CHARS.test(text) || /^%/m.test(text)) return undefined;
  try {
    return new Reader(text).stream();
  } catch (err) {
    if (err instanceof Bail) return undefined;
    throw err;
  }
}

class Reader {
  private readonly t: string;
  private readonly n: number;
  /** Start of the current line, its indentation (-1: end of document or stream), its number. */
  private p = 0;
  private ind = 0;
  private line = 1;
  private items: FastItem[] | undefined;

  constructor(text: string) {
    this.t = text;
    this.n = text.length;
  }

  stream(): FastDoc[] {
    const docs: FastDoc[] = [];
    for (;;) {
      this.skipInsignificant();
      if (this.p >= this.n) return docs;
      let start = this.p;
      let startLine = this.line;
      if (this.isMarker(this.p, DASH)) {
        this.endMarkerLine(this.p + 3);
        start = this.p;
        startLine = this.line;
        this.skipInsignificant();
      } else if (this.isMarker(this.p, DOT)) bail();
      this.items = undefined;
      let value: unknown = null;
      let line: number | undefined;
      if (this.ind >= 0) {
        if (this.ind !== 0) bail();
        line = this.line;
        value = this.map(0, this.p, true);
      }
      docs.push({ value, line, start, end: this.p, startLine, items: this.items });
      if (this.p < this.n && this.isMarker(this.p, DOT)) {
        this.endMarkerLine(this.p + 3);
        this.skipInsignificant();
        if (this.p < this.n && !this.isMarker(this.p, DASH)) bail();
      }
    }
  }

  /** `---` or `...` at the start of a line, followed by a space or the end of the line. */
  private isMarker(at: number, ch: number): boolean {
    const t = this.t;
    if (t.charCodeAt(at) !== ch || t.charCodeAt(at + 1) !== ch || t.charCodeAt(at + 2) !== ch) return false;
    const after = t.charCodeAt(at + 3);
    return at + 3 >= this.n || after === SP || after === NL;
  }

  /** After a marker only a comment may follow on its line. */
  private endMarkerLine(from: number): void {
    const rest = this.lineRest(from);
    if (rest !== "" && rest[0] !== "#") bail();
    this.nextLine();
  }

  /** Text from `from` to the end of its line, leading spaces skipped ("" if nothing else). */
  private lineRest(from: number): string {
    let e = this.t.indexOf("\n", from);
    if (e < 0) e = this.n;
    let s = from;
    while (s < e && this.t.charCodeAt(s) === SP) s++;
    return this.t.slice(s, e);
  }

  private nextLine(): void {
    const e = this.t.indexOf("\n", this.p);
    if (e < 0) this.p = this.n;
    else {
      this.p = e + 1;
      this.line++;
    }
  }

  /** Moves to the next line with content (blank and comment lines skipped); sets `ind`. */
  private skipInsignificant(): void {
    const t = this.t;
    for (;;) {
      if (this.p >= this.n) {
        this.ind = -1;
        return;
      }
      let c = this.p;
      while (t.charCodeAt(c) === SP) c++;
      const ch = t.charCodeAt(c);
      if (c >= this.n || ch === NL || ch === HASH) {
        if (c >= this.n) {
          this.p = this.n;
          continue;
        }
        this.nextLine();
        continue;
      }
      this.ind = c === this.p && (this.isMarker(c, DASH) || this.isMarker(c, DOT)) ? -1 : c - this.p;
      return;
    }
  }

  private isSeqEntry(c: number): boolean {
    const next = this.t.charCodeAt(c + 1);
    return this.t.charCodeAt(c) === DASH && (c + 1 >= this.n || next === SP || next === NL);
  }

  /** A block mapping whose keys sit at column `col`; the first key starts at `c`. */
  private map(col: number, c: number, root = false): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    let sawItems = false;
    for (;;) {
      const [key, after] = this.key(c);
      const isItems = root && key === "items";
      if (isItems && sawItems) bail(); // toJS keeps the last `items`, locate() finds the first
      sawItems ||= isItems;
      const value = this.value(col, after, isItems);
      if (key === "__proto__") Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
      else obj[key] = value;
      if (this.ind < col) return obj;
      if (this.ind > col || this.isSeqEntry(this.p + col)) bail();
      c = this.p + col;
    }
  }

  /** A key at `c` and the offset just after its `:` indicator. */
  private key(c: number): [string, number] {
    const t = this.t;
    const e0 = t.indexOf("\n", c);
    const e = e0 < 0 ? this.n : e0;
    const ch = t.charCodeAt(c);
    let key: string;
    let i: number;
    if (ch === DQ || ch === SQ) {
      const close = this.closeQuote(c, e);
      const inner = t.slice(c + 1, close);
      const k = ch === DQ ? doubleQuoted(inner) : inner.replace(/''/g, "'");
      if (k === NOT_FAST) return bail();
      key = k;
      i = close + 1;
      while (t.charCodeAt(i) === SP) i++;
      if (t.charCodeAt(i) !== COLON) bail();
    } else {
      if (!plainStart(ch, t.charCodeAt(c + 1))) bail();
      i = c;
      for (;;) {
        if (i >= e) bail(); // no `:` on this line: not a key
        const x = t.charCodeAt(i);
        if (x === COLON && (i + 1 >= e || t.charCodeAt(i + 1) === SP)) break;
        if (x === HASH && t.charCodeAt(i - 1) === SP) bail();
        i++;
      }
      let k = i;
      while (t.charCodeAt(k - 1) === SP) k--;
      const src = t.slice(c, k);
      if (src === "<<") bail();
      key = plainKey(src);
    }
    if (i - c > 1000) bail(); // the library rejects implicit keys over 1024 characters
    const after = i + 1;
    if (after < e && t.charCodeAt(after) !== SP) bail();
    return [key, after];
  }

  /** Offset of the quote closing the quoted scalar opened at `c`, on the same line. */
  private closeQuote(c: number, e: number): number {
    const t = this.t;
    const q = t.charCodeAt(c);
    for (let i = c + 1; i < e; i++) {
      const x = t.charCodeAt(i);
      if (q === DQ && x === 92) i++;
      else if (x === q) {
        if (q === SQ && t.charCodeAt(i + 1) === SQ) i++;
        else return i;
      }
    }
    return bail(); // multi-line quoted scalar
  }

  /** The value after a key's `:` (at `after`) of a mapping at column `col`. */
  private value(col: number, after: number, recordItems: boolean): unknown {
    const t = this.t;
    let r = after;
    while (t.charCodeAt(r) === SP) r++;
    const ch = t.charCodeAt(r);
    if (r >= this.n || ch === NL || ch === HASH) {
      this.nextLine();
      this.skipInsignificant();
      if (this.ind > col) return this.ownLineNode(this.ind, recordItems);
      if (this.ind === col && this.isSeqEntry(this.p + col)) return this.seq(col, recordItems);
      return null;
    }
    return this.scalar(col, r);
  }

  /** A collection starting at the beginning of the current line, at column `col`. */
  private ownLineNode(col: number, recordItems: boolean): unknown {
    const c = this.p + col;
    return this.isSeqEntry(c) ? this.seq(col, recordItems) : this.map(col, c);
  }

  /** A block sequence whose `-` sit at column `col`; the first `-` is at `c`. */
  private seq(col: number, recordItems: boolean, c = this.p + col): unknown[] {
    const arr: unknown[] = [];
    const items: FastItem[] | undefined = recordItems ? [] : undefined;
    if (items) this.items = items;
    const t = this.t;
    for (;;) {
      const entryStart = this.p;
      const entryLine = this.line;
      let r = c + 1;
      while (t.charCodeAt(r) === SP) r++;
      const ch = t.charCodeAt(r);
      let value: unknown = null;
      let valueLine = this.line;
      if (r >= this.n || ch === NL || ch === HASH) {
        this.nextLine();
        this.skipInsignificant();
        valueLine = this.line;
        if (this.ind > col) value = this.ownLineNode(this.ind, false);
        else if (items) bail(); // an empty entry: the library's range for it is not reproduced
      } else if (this.isSeqEntry(r)) value = this.seq(r - this.p, false, r);
      else if (this.isKeyLine(r)) value = this.map(r - this.p, r);
      else value = this.scalar(col, r);
      arr.push(value);
      // Comment lines after an entry belong to its slice: harmless when it is re-parsed.
      if (items) items.push({ start: entryStart, end: this.p, startLine: entryLine, line: valueLine });
      if (this.ind !== col || !this.isSeqEntry(this.p + col)) {
        if (this.ind > col) bail();
        return arr;
      }
      c = this.p + col;
    }
  }

  /** Whether the content at `c` is `key:` (a compact mapping inside a sequence entry). */
  private isKeyLine(c: number): boolean {
    const t = this.t;
    const ch = t.charCodeAt(c);
    let e = t.indexOf("\n", c);
    if (e < 0) e = this.n;
    let i = c;
    if (ch === DQ || ch === SQ) {
      i = this.closeQuote(c, e) + 1;
      while (t.charCodeAt(i) === SP) i++;
      return t.charCodeAt(i) === COLON;
    }
    for (; i < e; i++) {
      const x = t.charCodeAt(i);
      if (x === COLON && (i + 1 >= e || t.charCodeAt(i + 1) === SP)) return true;
      if (x === HASH && t.charCodeAt(i - 1) === SP) return false;
    }
    return false;
  }

  /** A scalar (or `{}`/`[]`) at `r` inside a collection at column `col`; moves past it. */
  private scalar(col: number, r: number): unknown {
    const t = this.t;
    let e = t.indexOf("\n", r);
    if (e < 0) e = this.n;
    const ch = t.charCodeAt(r);
    let value: unknown;
    let end: number;
    if (ch === DQ || ch === SQ) {
      const close = this.closeQuote(r, e);
      const inner = t.slice(r + 1, close);
      const v = ch === DQ ? doubleQuoted(inner) : inner.indexOf("'") < 0 ? inner : inner.replace(/''/g, "'");
      if (v === NOT_FAST) return bail();
      value = v;
      end = close + 1;
    } else if (ch === 124 /* | */) return this.literal(col, r, e);
    else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      if (t.charCodeAt(r + 1) !== (ch === 123 ? 125 : 93)) bail();
      value = ch === 123 ? {} : [];
      end = r + 2;
    } else {
      if (!plainStart(ch, t.charCodeAt(r + 1))) bail();
      const s = t.slice(r, e);
      const hash = s.indexOf(" #");
      const body = hash < 0 ? s : s.slice(0, hash);
      if (body.indexOf(": ") >= 0 || body.endsWith(":")) bail();
      if (hash < 0) return resolvePlain(this.plainLines(col, body.trimEnd()));
      value = resolvePlain(body.trimEnd());
      end = r + hash;
    }
    const rest = this.lineRest(end);
    // Anything after a quoted scalar but a comment (separated by a space) is not ours to judge.
    if (rest !== "" && (rest[0] !== "#" || t.charCodeAt(end) !== SP)) bail();
    this.nextLine();
    this.skipInsignificant();
    // A more-indented line right after a one-line scalar continues it (multi-line scalar).
    if (this.ind > col) bail();
    return value;
  }

  /**
   * Folds the lines continuing a plain scalar whose first line is `first` (more indented than
   * `col`; blank lines between become newlines, as the library's unfoldLines does) and moves past.
   */
  private plainLines(col: number, first: string): string {
    const t = this.t;
    this.nextLine();
    let value = first;
    let sep = " ";
    for (;;) {
      if (this.p >= this.n) break;
      let le = t.indexOf("\n", this.p);
      if (le < 0) le = this.n;
      let c = this.p;
      while (c < le && t.charCodeAt(c) === SP) c++;
      if (c === le) {
        // A blank line: part of the scalar only if more text follows (checked by the next round).
        if (le === this.n) break;
        this.lookahead();
        if (this.ind <= col) return value;
        sep = sep === " " ? "\n" : sep + "\n";
        this.nextLine();
        continue;
      }
      if (c - this.p <= col || t.charCodeAt(c) === HASH) break;
      const s = t.slice(c, le).trimEnd();
      if (!plainStart(s.charCodeAt(0), s.charCodeAt(1)) || s.charCodeAt(0) === DASH) bail();
      if (s.indexOf(": ") >= 0 || s.endsWith(":") || s.indexOf(" #") >= 0) bail();
      value += sep + s;
      sep = " ";
      this.nextLine();
    }
    this.skipInsignificant();
    if (this.ind > col) bail();
    return value;
  }

  /** Sets `ind` to the indentation of the next line with content, without moving. */
  private lookahead(): void {
    const { p, line } = this;
    this.skipInsignificant();
    this.p = p;
    this.line = line;
  }

  /** A literal block scalar whose header starts at `h` (line end `e`), in a collection at `col`. */
  private literal(col: number, h: number, e: number): string {
    const t = this.t;
    const header = t.slice(h, e).trimEnd();
    const m = /^\|([-+]?)(?: +#.*)?$/.exec(header);
    if (!m) return bail(); // indentation indicators, other header text
    const chomp = m[1];
    this.nextLine();
    const lines: string[] = [];
    let indent = -1;
    let trailingEmpty = 0;
    for (;;) {
      if (this.p >= this.n) break;
      let le = t.indexOf("\n", this.p);
      if (le < 0) {
        if (chomp === "+") bail();
        le = this.n;
      }
      let c = this.p;
      while (c < le && t.charCodeAt(c) === SP) c++;
      if (c === le) {
        if (c !== this.p) bail(); // whitespace-only lines: spacing rules not reproduced
        lines.push("");
        trailingEmpty++;
        this.nextLine();
        continue;
      }
      const ind = c - this.p;
      if (indent < 0) {
        if (ind <= col) bail(); // an empty block scalar
        indent = ind;
      } else if (ind < indent) {
        if (ind > col) bail(); // less indented than the first line but still inside
        break;
      }
      lines.push(t.slice(this.p + indent, le));
      trailingEmpty = 0;
      this.nextLine();
    }
    if (indent < 0) return bail();
    lines.length -= trailingEmpty;
    const body = lines.join("\n");
    this.skipInsignificant();
    if (this.ind > col) bail();
    return chomp === "-" ? body : chomp === "+" ? body + "\n" + "\n".repeat(trailingEmpty) : body + "\n";
  }
}

/** Whether a plain scalar may start with `ch` (followed by `next`) in block context. */
function plainStart(ch: number, next: number): boolean {
  switch (ch) {
    case 45 /* - */:
      return !(next === SP || next === NL || Number.isNaN(next));
    case 63 /* ? */:
    case 58 /* : */:
    case 44 /* , */:
    case 91 /* [ */:
    case 93 /* ] */:
    case 123 /* { */:
    case 125 /* } */:
    case 35 /* # */:
    case 38 /* & */:
    case 42 /* * */:
    case 33 /* ! */:
    case 124 /* | */:
    case 62 /* > */:
    case 39 /* ' */:
    case 34 /* " */:
    case 37 /* % */:
    case 64 /* @ */:
    case 96 /* ` */:
    case SP:
    case NL:
      return false;
    default:
      return !Number.isNaN(ch);
  }
}
