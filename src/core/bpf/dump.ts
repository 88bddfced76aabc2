// `lb/maps-dump` lines (render.ts mapsDumpLines) written straight from the batch-lookup buffers:
// no decoded record per entry and no string per line. Through the generic path (records, one
// string per line, a sort of strings) a full node (65,536 service entries + 65,536 backends) spent
// ~650 ms of a 1 s dump in the garbage collector; here the lines are ASCII bytes in one growing
// buffer, sorted through numeric keys, and handed out in large chunks.
// render.ts mapsDumpLines stays the reference (test/core/bpf/dump.test.ts compares both).
import { LAYOUTS, type LayoutName } from "./layout.ts";
import { decodeAffinityMatch, decodeSourceRange, ipAt, u16be, u16le, u32le, uniqueIndexes } from "./decode.ts";
import { backendStateName, flagWords, l7ProxyPort, LB_ALGORITHMS, maglevLine, protoName, SVC_FLAG } from "./render.ts";
import { maglevEntries, type RawEntries, type RawMaps } from "./snapshot.ts";

export interface DumpText {
  readonly lines: number;
  /**
   * The sorted lines, each ending in "\n", in chunks of at most `maxBytes` (or one line, if longer).
   * A chunk is valid until the next one is requested (its buffer is reused).
   */
  chunks(maxBytes?: number): Generator<Uint8Array>;
}

// Line kinds in the order of their prefixes as strings. No prefix is a prefix of another, so
// comparing (kind, text after the prefix) is comparing whole lines.
const PREFIXES = ["AFF: ID=", "BE: ID=", "MAGLEV: ID=", "REV: ID=", "SRCRANGE: ID=", "SVC: ID="] as const;
const AFF = 0;
const BE = 1;
const MAGLEV = 2;
const REV = 3;
const SRCRANGE = 4;
const SVC = 5;

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const P = PREFIXES.map(ascii);
const T_ADDR = ascii(" ADDR=");

/** ASCII lines in one growing buffer; `starts` holds each line's first byte (and one past the last). */
class LineBuffer {
  buf: Uint8Array;
  pos = 0;
  starts: Uint32Array;
  kinds: Uint8Array;
  n = 0;

  /** Sized for `lines` lines of `bytes` in all, so that a typical dump never grows it. */
  constructor(lines: number, bytes: number) {
    this.buf = new Uint8Array(Math.max(1 << 16, bytes));
    this.starts = new Uint32Array(lines + 2);
    this.kinds = new Uint8Array(lines + 2);
  }

  begin(kind: number): void {
    // Every line lbctl writes is shorter than 1 KiB (the longest flag text is ~150 bytes).
    if (this.pos + 1024 > this.buf.length) {
      const b = new Uint8Array(this.buf.length * 2);
      b.set(this.buf.subarray(0, this.pos));
      this.buf = b;
    }
    if (this.n + 2 > this.starts.length) {
      const s = new Uint32Array(this.starts.length * 2);
      s.set(this.starts);
      this.starts = s;
      const k = new Uint8Array(this.kinds.length * 2);
      k.set(this.kinds);
      this.kinds = k;
    }
    this.starts[this.n] = this.pos;
    this.kinds[this.n++] = kind;
    this.bytes(P[kind]!);
  }

  end(): void {
    this.buf[this.pos++] = 10;
    this.starts[this.n] = this.pos;
  }

  bytes(t: Uint8Array): void {
    for (let i = 0; i < t.length; i++) this.buf[this.pos++] = t[i]!;
  }

  str(s: string): void {
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }

  /** A non-negative integer below 2^32, in decimal. */
  dec(v: number): void {
    let len = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) len++;
    let p = this.pos + len;
    this.pos = p;
    do {
      this.buf[--p] = 48 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
  }

  /** `ip:port` or `[ip]:port` of the address at `off` of `b`. */
  hostPort(b: Uint8Array, off: number, family: 4 | 6, port: number): void {
    if (family === 4) {
      this.dec(b[off]!);
      for (let i = 1; i < 4; i++) {
        this.buf[this.pos++] = 46;
        this.dec(b[off + i]!);
      }
    } else {
      this.buf[this.pos++] = 91;
      this.str(ipAt(b, off, 6));
      this.buf[this.pos++] = 93;
    }
    this.buf[this.pos++] = 58;
    this.dec(port);
  }
}

/** Per-value caches of the repeated words (flag text, protocol, state). */
function memo(f: (v: number) => string): (v: number) => Uint8Array {
  const cache = new Map<number, Uint8Array>();
  return (v) => {
    let t = cache.get(v);
    if (t === undefined) cache.set(v, (t = ascii(f(v))));
    return t;
  };
}

const flagText = memo((f) => flagWords(f).join("+"));
const protoText = memo(protoName);
const stateText = memo(backendStateName);

function entryCount(r: RawEntries, ks: number, vs: number): number {
  return Math.min(Math.floor(r.keys.byteLength / ks), Math.floor(r.values.byteLength / vs));
}

function unique(raw: RawMaps, name: LayoutName): { r: RawEntries; idx: Uint32Array; ks: number; vs: number } | undefined {
  const r = raw[name];
  if (!r) return undefined;
  const { keySize: ks, valueSize: vs } = LAYOUTS[name];
  return { r, idx: uniqueIndexes(r.keys, ks, entryCount(r, ks, vs)), ks, vs };
}

function writeServices(out: LineBuffer, raw: RawMaps, family: 4 | 6): void {
  const m = unique(raw, family === 4 ? "services4" : "services6");
  if (!m) return;
  const { keys: k, values: v } = m.r;
  const a = family === 4 ? 4 : 16;
  for (const i of m.idx) {
    const ko = i * m.ks;
    const vo = i * m.vs;
    const slot = u16le(k, ko + a + 2);
    const union = u32le(v, vo);
    const flags = v[vo + 8]! | (v[vo + 9]! << 8);
    out.begin(SVC);
    out.dec(u16be(v, vo + 6));
    out.bytes(T_ADDR);
    out.hostPort(k, ko, family, u16be(k, ko + a));
    out.buf[out.pos++] = 47;
    out.bytes(protoText(k[ko + a + 4]!));
    if (k[ko + a + 5] === 1) out.str("/i");
    out.str(" SLOT=");
    out.dec(slot);
    if (slot !== 0) {
      out.str(" BEID=");
      out.dec(union);
    } else if (flags & SVC_FLAG.L7_LOADBALANCER) {
      out.str(" L7Proxy=");
      out.dec(l7ProxyPort(union));
    } else {
      out.str(" LBALG=");
      out.str(LB_ALGORITHMS[union >>> 24] ?? "undef");
      out.str(" AFFTimeout=");
      out.dec(union & 0xffffff);
    }
    out.str(" COUNT=");
    out.dec(u16le(v, vo + 4));
    out.str(" QCOUNT=");
    out.dec(u16le(v, vo + 10));
    out.str(" FLAGS=");
    out.bytes(flagText(flags));
    out.end();
  }
}

function writeBackends(out: LineBuffer, raw: RawMaps, family: 4 | 6): void {
  const m = unique(raw, family === 4 ? "backends4" : "backends6");
  if (!m) return;
  const { keys: k, values: v } = m.r;
  const a = family === 4 ? 4 : 16;
  for (const i of m.idx) {
    const vo = i * m.vs;
    out.begin(BE);
    out.dec(u32le(k, i * 4));
    out.bytes(T_ADDR);
    out.hostPort(v, vo, family, u16be(v, vo + a));
    out.buf[out.pos++] = 47;
    out.bytes(protoText(v[vo + a + 2]!));
    out.str(" STATE=");
    out.bytes(stateText(v[vo + a + 3]!));
    out.end();
  }
}

function writeRevNat(out: LineBuffer, raw: RawMaps, family: 4 | 6): void {
  const m = unique(raw, family === 4 ? "revnat4" : "revnat6");
  if (!m) return;
  const { keys: k, values: v } = m.r;
  for (const i of m.idx) {
    out.begin(REV);
    out.dec(u16be(k, i * 2));
    out.bytes(T_ADDR);
    out.hostPort(v, i * m.vs, family, u16be(v, i * m.vs + (family === 4 ? 4 : 16)));
    out.end();
  }
}

// Affinity, source-range and Maglev outer maps are small (an entry or a few per Service that asks
// for them): the generic decoders are good enough.
function writeSmall(out: LineBuffer, raw: RawMaps): void {
  const aff = unique(raw, "affinityMatch");
  if (aff) {
    for (const i of aff.idx) {
      const a = decodeAffinityMatch(aff.r.keys.subarray(i * aff.ks, (i + 1) * aff.ks));
      out.begin(AFF);
      out.dec(a.revNat);
      out.str(" BEID=");
      out.dec(a.backendId);
      out.end();
    }
  }
  for (const f of [4, 6] as const) {
    const src = unique(raw, f === 4 ? "sourceRange4" : "sourceRange6");
    if (!src) continue;
    for (const i of src.idx) {
      const s = decodeSourceRange(src.r.keys.subarray(i * src.ks, (i + 1) * src.ks), f);
      out.begin(SRCRANGE);
      out.dec(s.revNat);
      out.str(" CIDR=");
      out.str(s.cidr);
      out.end();
    }
  }
  for (const g of raw.maglev4 || raw.maglev6 ? maglevEntries(raw) : []) {
    const line = maglevLine(g);
    if (line === undefined) continue;
    out.begin(MAGLEV);
    out.str(line.slice(PREFIXES[MAGLEV].length));
    out.end();
  }
}

/** Every raw LB map entry as one `lb/maps-dump` line, sorted as plain strings (Go's sort.Strings). */
export function mapsDump(raw: RawMaps): DumpText {
  // Typical line lengths (IPv4, short flag text); IPv6 and long flags grow the buffer once.
  const sizes: [LayoutName, number][] = [["services4", 100], ["services6", 120], ["backends4", 50], ["backends6", 70], ["revnat4", 35], ["revnat6", 55], ["affinityMatch", 30], ["sourceRange4", 40], ["sourceRange6", 60], ["maglev4", 60], ["maglev6", 60]];
  let lines = 0;
  let bytes = 0;
  for (const [name, len] of sizes) {
    const r = raw[name];
    if (!r) continue;
    const c = entryCount(r, LAYOUTS[name].keySize, LAYOUTS[name].valueSize);
    lines += c;
    bytes += c * len;
  }
  const out = new LineBuffer(lines, bytes);
  for (const f of [4, 6] as const) {
    writeServices(out, raw, f);
    writeBackends(out, raw, f);
    writeRevNat(out, raw, f);
  }
  writeSmall(out, raw);
  const { buf, starts, n } = out;
  const order = sortLines(buf, starts, out.kinds, n);
  return {
    lines: n,
    *chunks(maxBytes = 1 << 20) {
      let chunk = new Uint8Array(maxBytes + 4);
      const src = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      for (let j = 0; j < n; ) {
        const len = starts[order[j]! + 1]! - starts[order[j]!]!;
        if (len > maxBytes) chunk = new Uint8Array(len + 4);
        const [next, used] = fillChunk(new DataView(chunk.buffer), chunk.length - 4, src, starts, order, j);
        j = next;
        yield chunk.subarray(0, used);
      }
    },
  };
}

/**
 * Copies lines order[j…] into `dst` while they fit in `max` bytes; returns the next j and the
 * bytes used. Four bytes at a time: a line's last word may run past its end, into the next
 * line (overwritten next) or the slack that both buffers keep (LineBuffer.begin's margin, the
 * chunk's 4 extra bytes).
 */
function fillChunk(dst: DataView, max: number, src: DataView, starts: Uint32Array, order: Uint32Array, j: number): [number, number] {
  let pos = 0;
  for (; j < order.length; j++) {
    const i = order[j]!;
    const s = starts[i]!;
    const len = starts[i + 1]! - s;
    if (pos + len > max && pos > 0) break;
    for (let b = 0; b < len; b += 4) dst.setUint32(pos + b, src.getUint32(s + b));
    pos += len;
  }
  return [j, pos];
}

// Sort keys: the kind, then the first few bytes after the prefix in base 14 (control bytes, the
// line's end among them, 0; space 1; other punctuation below the digits 2; digits 3-12; anything
// above 13), then the line's index in the low bits, so that one native Float64Array sort orders
// the lines. A class that holds several bytes (0, 2 and 13) ends the key there: lines whose keys
// are equal are then ordered by their bytes (in practice the lines of one frontend, which share
// their rev-NAT ID).
const BASE = 14;

function byteClass(c: number): number {
  return c < 32 ? 0 : c === 32 ? 1 : c < 48 ? 2 : c <= 57 ? c - 45 : 13;
}

/** Line indexes in the order of their bytes. */
export function sortLines(buf: Uint8Array, starts: Uint32Array, kinds: Uint8Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  if (n === 0) return order;
  const scale = 2 ** (n <= 1 ? 0 : 32 - Math.clz32(n - 1));
  let digits = 0;
  while (PREFIXES.length * BASE ** (digits + 1) * scale <= 2 ** 53) digits++;
  const kindScale = BASE ** digits;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const kind = kinds[i]!;
    let p = starts[i]! + P[kind]!.length;
    let enc = 0;
    let d = 0;
    for (; d < digits; d++) {
      const c = buf[p]!;
      const cls = byteClass(c);
      enc = enc * BASE + cls;
      if (cls === 0 || cls === 2 || cls === 13) {
        d++;
        break;
      }
      p++;
    }
    for (; d < digits; d++) enc *= BASE;
    keys[i] = (kind * kindScale + enc) * scale + i;
  }
  keys.sort();
  for (let j = 0; j < n; j++) order[j] = keys[j]! % scale;
  // Runs of equal keys: by bytes, from the first byte the key did not tell apart.
  const cmp = (a: number, b: number, from: number): number => {
    let pa = starts[a]! + from;
    let pb = starts[b]! + from;
    const ea = starts[a + 1]!;
    const eb = starts[b + 1]!;
    for (; pa < ea && pb < eb; pa++, pb++) {
      const d = buf[pa]! - buf[pb]!;
      if (d !== 0) return d;
    }
    return ea - pa - (eb - pb);
  };
  for (let j = 0; j < n; ) {
    const k = Math.floor(keys[j]! / scale);
    let e = j + 1;
    while (e < n && Math.floor(keys[e]! / scale) === k) e++;
    if (e - j > 1) {
      const from = P[kinds[order[j]!]!]!.length;
      if (e - j <= 16) {
        // Insertion sort: most runs are the few slots of one frontend.
        for (let x = j + 1; x < e; x++) {
          const v = order[x]!;
          let y = x - 1;
          for (; y >= j && cmp(order[y]!, v, from) > 0; y--) order[y + 1] = order[y]!;
          order[y + 1] = v;
        }
      } else {
        const run = Array.from(order.subarray(j, e)).sort((a, b) => cmp(a, b, from));
        order.set(run, j);
      }
    }
    j = e;
  }
  return order;
}
