// IPv4 and IPv6 addresses without per-address BigInt work.
//
// An address is four 32-bit words, most significant first; IPv4 uses only `w3`. Comparing,
// offsetting and formatting work on the words, so the allocator's hot path (which deals in
// offsets from a range start, see `Offset`) never allocates a BigInt for addresses near the
// start of a range. BigInt is used only where a value really exceeds 2^53 (e.g. counts of a /64).

export type Family = 4 | 6;

/** The unspecified addresses (a probe's sender, DAD's source). */
export const IPV4_ANY = "0.0.0.0";
export const IPV6_ANY = "::";

export interface Ip {
  readonly family: Family;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
}

/**
 * A non-negative integer distance (offset or count). Canonical form: a `number` when it is at
 * most Number.MAX_SAFE_INTEGER, a `bigint` above that. Equal values therefore have the same type,
 * so `===` and Map keys work; `<`/`>` work across the two types.
 */
export type Offset = number | bigint;

const W = 4294967296; // 2^32
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** Brings a bigint into canonical Offset form. */
export function normOffset(v: bigint): Offset {
  return v <= MAX_SAFE_BIG && v >= 0n ? Number(v) : v;
}

export function offsetToBigInt(o: Offset): bigint {
  return typeof o === "bigint" ? o : BigInt(o);
}

export function offsetInc(o: Offset): Offset {
  if (typeof o === "number") return o < Number.MAX_SAFE_INTEGER ? o + 1 : BigInt(o) + 1n;
  return o + 1n;
}

export function offsetDec(o: Offset): Offset {
  return typeof o === "number" ? o - 1 : normOffset(o - 1n);
}

/** b − a for canonical offsets (b ≥ a). */
export function offsetSub(b: Offset, a: Offset): Offset {
  if (typeof a === "number" && typeof b === "number") return b - a;
  return normOffset(offsetToBigInt(b) - offsetToBigInt(a));
}

export function ipv4(value: number): Ip {
  return { family: 4, w0: 0, w1: 0, w2: 0, w3: value >>> 0 };
}

export function ipToBigInt(ip: Ip): bigint {
  if (ip.family === 4) return BigInt(ip.w3);
  return (BigInt(ip.w0) << 96n) | (BigInt(ip.w1) << 64n) | (BigInt(ip.w2) << 32n) | BigInt(ip.w3);
}

export function ipFromBigInt(family: Family, v: bigint): Ip {
  if (family === 4) return ipv4(Number(v & 0xffffffffn));
  return {
    family: 6,
    w0: Number((v >> 96n) & 0xffffffffn),
    w1: Number((v >> 64n) & 0xffffffffn),
    w2: Number((v >> 32n) & 0xffffffffn),
    w3: Number(v & 0xffffffffn),
  };
}

/** Orders IPv4 before IPv6, then numerically. */
export function compareIp(a: Ip, b: Ip): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.w0 - b.w0 || a.w1 - b.w1 || a.w2 - b.w2 || a.w3 - b.w3;
}

export function ipEquals(a: Ip, b: Ip): boolean {
  return a.family === b.family && a.w3 === b.w3 && a.w2 === b.w2 && a.w1 === b.w1 && a.w0 === b.w0;
}

/** Distance from `from` up to `ip` (ip ≥ from, same family). */
export function ipDiff(from: Ip, ip: Ip): Offset {
  if (from.w0 === ip.w0 && from.w1 === ip.w1) {
    const hi = ip.w2 - from.w2;
    if (hi >= 0 && hi < 0x200000) return hi * W + (ip.w3 - from.w3);
  }
  return normOffset(ipToBigInt(ip) - ipToBigInt(from));
}

/** `from + off`; the caller keeps the result inside the family's address space. */
export function ipAdd(from: Ip, off: Offset): Ip {
  if (typeof off === "number") {
    if (from.family === 4) return ipv4(from.w3 + off);
    let s3 = from.w3 + (off % W);
    let carry = s3 >= W ? 1 : 0;
    s3 -= carry * W;
    let s2 = from.w2 + Math.floor(off / W) + carry;
    carry = s2 >= W ? 1 : 0;
    s2 -= carry * W;
    let s1 = from.w1 + carry;
    carry = s1 >= W ? 1 : 0;
    s1 -= carry * W;
    const s0 = (from.w0 + carry) >>> 0;
    return { family: 6, w0: s0, w1: s1, w2: s2, w3: s3 };
  }
  return ipFromBigInt(from.family, ipToBigInt(from) + off);
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * Dotted quad → 32-bit value: four decimal parts 0–255 without leading zeros. A loop over the
 * characters (no split, no regular expression): every address of every object passes here.
 */
function parseV4Words(s: string): number | undefined {
  const n = s.length;
  if (n < 7 || n > 15) return undefined;
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      v = v * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined; // a leading zero ("01")
      part = part * 10 + (c - 48);
      digits++;
      if (part > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return v * 256 + part;
}

function parseV6(s: string): Ip | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  const groups: number[] = [];
  const dbl = s.indexOf("::");
  if (dbl !== -1 && s.indexOf("::", dbl + 1) !== -1) return undefined;
  const head = dbl === -1 ? s : s.slice(0, dbl);
  const tail = dbl === -1 ? "" : s.slice(dbl + 2);
  const parseSide = (part: string, allowV4: boolean): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const items = part.split(":");
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (allowV4 && i === items.length - 1 && it.includes(".")) {
        const v4 = parseV4Words(it);
        if (v4 === undefined) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        if (!HEX_GROUP.test(it)) return undefined;
        out.push(parseInt(it, 16));
      }
    }
    return out;
  };
  const h = parseSide(head, dbl === -1);
  const t = parseSide(tail, true);
  if (!h || !t) return undefined;
  if (dbl === -1) {
    if (h.length !== 8) return undefined;
    groups.push(...h);
  } else {
    const missing = 8 - h.length - t.length;
    if (missing < 1) return undefined;
    groups.push(...h, ...new Array<number>(missing).fill(0), ...t);
  }
  const g = (i: number): number => groups[i]!;
  return { family: 6, w0: g(0) * 65536 + g(1), w1: g(2) * 65536 + g(3), w2: g(4) * 65536 + g(5), w3: g(6) * 65536 + g(7) };
}

/**
 * Parses a plain IPv4 or IPv6 address the way Go's netip.ParseAddr does (no leading zeros in
 * IPv4 parts, IPv4-mapped IPv6 stays IPv6), except that zones (`%eth0`) are rejected.
 * Returns undefined for anything else; never throws.
 */
export function parseIp(s: string): Ip | undefined {
  if (typeof s !== "string") return undefined;
  if (s.includes(":")) return parseV6(s);
  const v = parseV4Words(s);
  return v === undefined ? undefined : ipv4(v);
}

function hex(n: number): string {
  return n.toString(16);
}

/** Dotted quad for IPv4; RFC 5952 (as Go's netip prints it) for IPv6. */
export function formatIp(ip: Ip): string {
  if (ip.family === 4) {
    const v = ip.w3;
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  if (ip.w0 === 0 && ip.w1 === 0 && ip.w2 === 0xffff) return "::ffff:" + formatIp(ipv4(ip.w3));
  const g = [ip.w0 >>> 16, ip.w0 & 0xffff, ip.w1 >>> 16, ip.w1 & 0xffff, ip.w2 >>> 16, ip.w2 & 0xffff, ip.w3 >>> 16, ip.w3 & 0xffff];
  // Longest run of zero groups (length ≥ 2), leftmost on ties, becomes "::".
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart === -1) return g.map(hex).join(":");
  const left = g.slice(0, bestStart).map(hex).join(":");
  const right = g.slice(bestStart + bestLen).map(hex).join(":");
  return `${left}::${right}`;
}

/** IPv4-mapped IPv6 (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2). */
/**
 * Why no host would ARP or solicit for `ip` as a unicast address on a link (unspecified,
 * loopback, multicast, broadcast), or undefined when it is one a host can own.
 */
export function notUnicastReason(ip: Ip): string | undefined {
  const v = ipToBigInt(ip);
  if (v === 0n) return "the unspecified address";
  if (ip.family === 4) {
    const top = Number(v >> 24n);
    if (top === 127) return "a loopback address";
    if (top >= 224 && top <= 239) return "a multicast address";
    if (v === 0xffffffffn) return "the broadcast address";
    if (top >= 240) return "a reserved (class E) address";
    return undefined;
  }
  if (v === 1n) return "the loopback address";
  if (v >> 120n === 0xffn) return "a multicast address";
  return undefined;
}

export function isIpv4Mapped(ip: Ip): boolean {
  return ip.family === 6 && ip.w0 === 0 && ip.w1 === 0 && ip.w2 === 0xffff;
}

/**
 * The one canonical text of an address literal (what every command prints and compares): dotted
 * quad, or RFC 5952 with IPv4-mapped addresses as `::ffff:192.0.2.1`. Undefined when `text` is
 * not an address by parseIp's rules (so `010.0.0.1` is refused everywhere, as Cilium refuses it).
 * `refuseMapped` is for the announcer: a mapped address is neither ARPed nor solicited on a link.
 */
export function canonicalIp(text: string, opts: { refuseMapped?: boolean } = {}): string | undefined {
  const ip = parseIp(text);
  if (ip === undefined || (opts.refuseMapped === true && isIpv4Mapped(ip))) return undefined;
  return formatIp(ip);
}

/** The family of an address literal, or undefined when it is not one. */
export function familyOf(text: string): Family | undefined {
  return parseIp(text)?.family;
}

/** Total order on address texts: IPv4 before IPv6, then numeric; non-addresses last, by text. */
export function compareIpText(a: string, b: string): number {
  const pa = parseIp(a);
  const pb = parseIp(b);
  if (pa && pb) return compareIp(pa, pb);
  if (pa || pb) return pa ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Number of bits in the family's addresses. */
export function familyBits(family: Family): number {
  return family === 4 ? 32 : 128;
}

/** Sets all bits below the prefix to `fill` (0 → network address, 1 → last address). */
export function maskIp(ip: Ip, prefix: number, fill: 0 | 1): Ip {
  const words = ip.family === 4 ? [ip.w3] : [ip.w0, ip.w1, ip.w2, ip.w3];
  const out = words.map((w, i) => {
    const keep = Math.min(32, Math.max(0, prefix - i * 32));
    if (keep === 32) return w;
    const hostMask = keep === 0 ? 0xffffffff : (0xffffffff >>> keep) >>> 0;
    return (fill === 1 ? (w | hostMask) : (w & ~hostMask)) >>> 0;
  });
  if (ip.family === 4) return ipv4(out[0]!);
  return { family: 6, w0: out[0]!, w1: out[1]!, w2: out[2]!, w3: out[3]! };
}

export interface Cidr {
  /** The network address (host bits masked off). */
  readonly ip: Ip;
  readonly prefix: number;
}

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; error: string };

/** Parses `addr/bits` like Go's netip.ParsePrefix, then masks host bits (as Cilium does). */
export function parseCidr(s: string): CidrParse {
  if (typeof s !== "string") return { ok: false, error: "not a string" };
  const slash = s.indexOf("/");
  if (slash === -1) return { ok: false, error: "no prefix length (a bare IP is not a CIDR)" };
  const addr = parseIp(s.slice(0, slash));
  if (!addr) return { ok: false, error: `"${s.slice(0, slash)}" is not an IP address` };
  const bits = s.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(bits)) return { ok: false, error: `bad prefix length "${bits}"` };
  const prefix = Number(bits);
  if (prefix > familyBits(addr.family)) {
    return { ok: false, error: `prefix length ${prefix} exceeds ${familyBits(addr.family)} for IPv${addr.family}` };
  }
  return { ok: true, cidr: { ip: maskIp(addr, prefix, 0), prefix } };
}

/** Whether `ip` lies in `cidr` (different families never match). */
export function inCidr(ip: Ip, cidr: Cidr): boolean {
  return ip.family === cidr.ip.family && ipEquals(maskIp(ip, cidr.prefix, 0), cidr.ip);
}
