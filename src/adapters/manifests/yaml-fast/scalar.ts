// Scalars for the fast block-YAML reader (index.ts): plain and quoted (also folded over
// lines), literal block scalars, one-line flow collections (flow.ts). Values follow
// values.ts.
import { LineCursor, bail, plainStart, SP, NL, HASH, DASH, SQ, DQ } from "./cursor.ts";
import { flowCollection } from "./flow.ts";
import { NOT_FAST, type NotFast, doubleQuoted, doubleQuotedLines, resolvePlain, unfoldLines } from "./values.ts";

export class ScalarReader extends LineCursor {
  /** Set once a literal block scalar was read (its lines are content, comments included). */
  sawBlockScalar = false;
  /** A quoted scalar went on over lines: a `#` line inside it is text, not a comment. */
  sawMultiLineQuoted = false;
  /** Offset of the quote closing the quoted scalar opened at `c` before `e` (line end), or -1. */
  protected quoteEnd(c: number, e: number): number {
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
    return -1;
  }

  /** As quoteEnd, for keys: a key on more than one line is not ours. */
  protected closeQuote(c: number, e: number): number {
    const close = this.quoteEnd(c, e);
    return close < 0 ? bail() : close;
  }

  /**
   * The closing quote of a quoted scalar at `r` that goes on over the next lines (kubectl folds
   * long quoted text so). Every continuation line must be indented past `col`; on return the
   * cursor is on the closing quote's line.
   */
  protected quoteEndMultiLine(col: number, r: number): number {
    const t = this.t;
    const q = t.charCodeAt(r);
    for (let i = r + 1; ; i++) {
      if (i >= this.n) bail();
      const x = t.charCodeAt(i);
      if (x === NL) {
        this.p = i + 1;
        this.line++;
        let c = this.p;
        while (t.charCodeAt(c) === SP) c++;
        if (c < this.n && t.charCodeAt(c) !== NL && c - this.p <= col) bail();
      } else if (q === DQ && x === 92) {
        if (t.charCodeAt(i + 1) !== NL) i++; // an escaped line break is a line break all the same
      } else if (x === q) {
        if (q === SQ && t.charCodeAt(i + 1) === SQ) i++;
        else return i;
      }
    }
  }

  /** A scalar (or `{}`/`[]`) at `r` inside a collection at column `col`; moves past it. */
  protected scalar(col: number, r: number): unknown {
    const t = this.t;
    let e = t.indexOf("\n", r);
    if (e < 0) e = this.n;
    const ch = t.charCodeAt(r);
    let value: unknown;
    let end: number;
    if (ch === DQ || ch === SQ) {
      let close = this.quoteEnd(r, e);
      let v: string | NotFast;
      if (close >= 0) {
        const inner = t.slice(r + 1, close);
        v = ch === DQ ? doubleQuoted(inner) : inner.indexOf("'") < 0 ? inner : inner.replace(/''/g, "'");
      } else {
        this.sawMultiLineQuoted = true;
        close = this.quoteEndMultiLine(col, r);
        const source = t.slice(r, close + 1);
        v = ch === DQ ? doubleQuotedLines(source) : unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
      }
      if (v === NOT_FAST) return bail();
      value = v;
      end = close + 1;
    } else if (ch === 124 /* | */) return this.literal(col, r, e);
    else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      const flow = flowCollection(t.slice(r, e), 0);
      if (flow === NOT_FAST) return bail();
      value = flow.value;
      end = r + flow.end;
    } else {
      if (!plainStart(ch, t.charCodeAt(r + 1))) bail();
      const s = t.slice(r, e);
      const hash = s.indexOf(" #");
      const body = hash < 0 ? s : s.slice(0, hash);
      if (body.indexOf(": ") >= 0 || body.endsWith(":")) bail();
      if (hash < 0) return resolvePlain(this.plainLines(col, trimSpaces(body)));
      value = resolvePlain(trimSpaces(body));
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
  protected plainLines(col: number, first: string): string {
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
      const s = trimSpaces(t.slice(c, le));
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


  /** A literal block scalar whose header starts at `h` (line end `e`), in a collection at `col`. */
  protected literal(col: number, h: number, e: number): string {
    this.sawBlockScalar = true;
    const t = this.t;
    const header = trimSpaces(t.slice(h, e));
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

/** Drops trailing spaces only: YAML does not treat other Unicode spaces (NBSP…) as white space. */
function trimSpaces(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === SP) e--;
  return e === s.length ? s : s.slice(0, e);
}
