// The few address helpers the service map needs: family, numeric order, the cilium-dbg
// `ip:port/PROTO` form and `--frontend IP[:PORT]` parsing. (Pool code has its own src/core/ip.ts.)

export type Family = 4 | 6;

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function familyOf(ip: string): Family | undefined {
  if (V4.test(ip)) return ip.split(".").every((o) => Number(o) <= 255) ? 4 : undefined;
  return ipv6Value(ip) === undefined ? undefined : 6;
}

function ipv6Value(ip: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(ip) || !ip.includes(":")) return undefined;
  let s = ip;
  // Embedded IPv4 tail (::ffff:192.0.2.1).
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const v = ipv4Value(tail[1]!);
    if (v === undefined) return undefined;
    s = s.slice(0, -tail[1]!.length) + ((v >> 16) & 0xffff).toString(16) + ":" + (v & 0xffff).toString(16);
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] === "" ? [] : halves[0]!.split(":");
  const rest = halves.length === 2 ? (halves[1] === "" ? [] : halves[1]!.split(":")) : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

function ipv4Value(ip: string): number | undefined {
  const m = V4.exec(ip);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;
}

/** Total order: IPv4 before IPv6, then numeric; unparsable strings last, by text. */
export function compareIp(a: string, b: string): number {
  const fa = familyOf(a);
  const fb = familyOf(b);
  if (fa !== fb) return (fa ?? 9) - (fb ?? 9);
  if (fa === 4) return ipv4Value(a)! - ipv4Value(b)!;
  if (fa === 6) {
    const va = ipv6Value(a)!;
    const vb = ipv6Value(b)!;
    return va < vb ? -1 : va > vb ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical text (RFC 5952 lower-case, longest zero run compressed) so equal IPs compare equal. */
export function canonicalIp(ip: string): string {
  const f = familyOf(ip);
  if (f === 4) return ip.split(".").map(Number).join(".");
  if (f !== 6) return ip;
  const v = ipv6Value(ip)!;
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

export type Protocol = "TCP" | "UDP" | "SCTP";

/** `10.96.0.10:53/UDP`, `[2001:db8::1]:80/TCP`, with `/i` for the internal scope. */
export function formatL3n4(ip: string, port: number, proto: string, internal = false): string {
  const host = familyOf(ip) === 6 ? `[${ip}]` : ip;
  // join() yields one flat string; template concatenation would keep a rope per address, which
  // costs several times the memory on 100k-row tables.
  return [host, ":", port, "/", proto, internal ? "/i" : ""].join("");
}

export interface FrontendQuery {
  readonly ip: string;
  readonly port: number | undefined;
}

/** `192.0.2.1`, `192.0.2.1:80`, `2001:db8::1`, `[2001:db8::1]:80`; undefined when malformed. */
export function parseFrontendQuery(s: string): FrontendQuery | undefined {
  const t = s.trim();
  let ip = t;
  let port: number | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  const v4 = /^([\d.]+):(\d+)$/.exec(t);
  if (v6) {
    ip = v6[1]!;
    port = v6[2] === undefined ? undefined : Number(v6[2]);
  } else if (v4) {
    ip = v4[1]!;
    port = Number(v4[2]);
  }
  if (familyOf(ip) === undefined) return undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) return undefined;
  return { ip: canonicalIp(ip), port };
}
