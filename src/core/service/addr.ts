// The cilium-dbg `ip:port/PROTO` form and `--frontend IP[:PORT]` parsing, on core/ip.ts (the one
// address parser and formatter).
import { canonicalIp, familyOf } from "../ip.ts";

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
  const canonical = canonicalIp(ip);
  if (canonical === undefined) return undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) return undefined;
  return { ip: canonical, port };
}
