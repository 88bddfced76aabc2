// Line cursor of the fast block-YAML reader (index.ts): where it is in the text, and the
// line-level questions every part asks (markers, blank and comment lines, `- ` entries).

/** Thrown when the input leaves the subset the fast reader reproduces exactly. */
export class Bail extends Error {}
export const bail = (): never => {
  throw new Bail();
};
export const SP = 32, NL = 10, HASH = 35, COLON = 58, DASH = 45, DOT = 46, SQ = 39, DQ = 34;

export class LineCursor {
  protected readonly t: string;
  protected readonly n: number;
  /** Start of the current line, its indentation (-1: end of document or stream), its number. */
  protected p = 0;
  protected ind = 0;
  protected line = 1;

  constructor(text: string) {
    this.t = text;
    this.n = text.length;
  }

  /** `---` or `...` at the start of a line, followed by a space or the end of the line. */
  protected isMarker(at: number, ch: number): boolean {
    const t = this.t;
    if (t.charCodeAt(at) !== ch || t.charCodeAt(at + 1) !== ch || t.charCodeAt(at + 2) !== ch) return false;
    const after = t.charCodeAt(at + 3);
    return at + 3 >= this.n || after === SP || after === NL;
  }

  /** After a marker only a comment may follow on its line. */
  protected endMarkerLine(from: number): void {
    const rest = this.lineRest(from);
    if (rest !== "" && rest[0] !== "#") bail();
    this.nextLine();
  }

  /** Text from `from` to the end of its line, leading spaces skipped ("" if nothing else). */
  protected lineRest(from: number): string {
    let e = this.t.indexOf("\n", from);
    if (e < 0) e = this.n;
    let s = from;
    while (s < e && this.t.charCodeAt(s) === SP) s++;
    return this.t.slice(s, e);
  }

  protected nextLine(): void {
    const e = this.t.indexOf("\n", this.p);
    if (e < 0) this.p = this.n;
    else {
      this.p = e + 1;
      this.line++;
    }
  }

  /** Moves to the next line with content (blank and comment lines skipped); sets `ind`. */
  protected skipInsignificant(): void {
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

  protected isSeqEntry(c: number): boolean {
    const next = this.t.charCodeAt(c + 1);
    return this.t.charCodeAt(c) === DASH && (c + 1 >= this.n || next === SP || next === NL);
  }

  /** Sets `ind` to the indentation of the next line with content, without moving. */
  protected lookahead(): void {
    const { p, line } = this;
    this.skipInsignificant();
    this.p = p;
    this.line = line;
  }
}

/** Whether a plain scalar may start with `ch` (followed by `next`) in block context. */
export function plainStart(ch: number, next: number): boolean {
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
