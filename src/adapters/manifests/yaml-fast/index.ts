// A fast reader for the block YAML that `kubectl get -o yaml`, `yaml.stringify` and hand-written
// manifests use: block mappings and sequences, plain and quoted scalars (also folded over lines,
// as kubectl writes long text), literal block scalars (`|`, `|-`, `|+`), one-line flow collections
// (`{name: a}`, `[80, 443]`), comments and `---` documents. It builds plain JS values straight
// from the text — the `yaml` library builds a node tree with source ranges first, which costs ~10x
// the time and ~6x the memory on big inputs — and records only the few lines the loader needs up
// front (where each document and each root `items` entry starts). Everything else (anchors, tags,
// flow collections over lines, folded block scalars, tabs, CR, odd keys, anything malformed)
// returns undefined and the caller uses the library for the whole file, so results and error
// messages never depend on which path ran. Field lines are found later, only for the document or
// item an error is about (../yaml.ts re-parses that slice with the library).
import { bail, plainStart, COLON, DASH, DOT, DQ, HASH, NL, SP, SQ } from "./cursor.ts";
import { ScalarReader } from "./scalar.ts";
import { NOT_FAST, doubleQuoted, plainKey } from "./values.ts";

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

// Characters the fast reader never handles (tabs, CR, BOM, controls, YAML 1.1 line breaks).
const UNSUPPORTED_CHARS = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;

/** Parses a whole stream, or returns undefined when the `yaml` library must do it. */
export function fastParseDocuments(text: string): FastDoc[] | undefined {
  // A tab on a comment line is insignificant — unless that line is inside a block scalar or a
  // quoted scalar folded over lines, so the reader reads the text with those tabs as spaces
  // (offsets unchanged) and declines if it met either. Tabs anywhere else still go to the library.
  let src = text;
  let commentTabs = false;
  if (text.includes("\t")) {
    src = text.replace(/^[ \t]*#.*$/gm, (line) => (line.includes("\t") ? line.replace(/\t/g, " ") : line));
    commentTabs = src !== text;
  }
  if (UNSUPPORTED_CHARS.test(src) || /^%/m.test(src)) return undefined;
  try {
    const reader = new Reader(src);
    const docs = reader.stream();
    return commentTabs && (reader.sawBlockScalar || reader.sawMultiLineQuoted) ? undefined : docs;
  } catch {
    // Bail: outside the subset. Anything else (a stack overflow on absurd nesting, a bug) must not
    // cost the user their answer either: the library path decides.
    return undefined;
  }
}

class Reader extends ScalarReader {
  private items: FastItem[] | undefined;

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

  /** A block mapping whose keys sit at column `col`; the first key starts at `c`. */
  private map(col: number, c: number, root = false): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    let sawItems = false;
    for (;;) {
      const [key, after] = this.key(c);
      const isItems = root && key === "items";
      if (isItems && sawItems) bail(); // toJS keeps the last `items`, locate() finds the first
      sawItems ||= isItems;
      if (Object.prototype.hasOwnProperty.call(obj, key)) bail(); // the library words the duplicate key
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
    if (ch === 123 /* { */ || ch === 91 /* [ */) return false; // a flow collection (keys are not ours)
    if (ch === DQ || ch === SQ) {
      i = this.quoteEnd(c, e) + 1;
      if (i === 0) return false; // a quoted scalar going on over lines is no key
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
}
