// Number and address arguments of `lbctl arping`, checked with iputils' wording
// ("invalid argument: '0': out of range: 1 <= value <= 2147483647").
import { formatIp, parseIp, type Family } from "../ip.ts";
import { fail, ok, type Result } from "../packet/result.ts";

export const INT_MAX = 2147483647;

function outOfRange(text: string, min: number): string {
  return `invalid argument: '${text}': out of range: ${min} <= value <= ${INT_MAX}`;
}

/** -c: an integer 1..INT_MAX. */
export function parseCount(text: string): Result<number> {
  if (!/^[+-]?\d+$/.test(text.trim())) return fail(`invalid argument: '${text}'`);
  const n = Number(text);
  if (n < 1 || n > INT_MAX) return fail(outOfRange(text, 1));
  return ok(n);
}

export interface TargetArg {
  ip: string;
  family: Family;
  /** From "fe80::1%vA". */
  zone?: string;
}

export function parseTarget(text: string): Result<TargetArg> {
  const [addr = "", zone, ...rest] = text.split("%");
  const parsed = parseIp(addr);
  const ip = parsed && { ip: formatIp(parsed), family: parsed.family };
  if (!ip || rest.length > 0 || (zone !== undefined && (ip.family !== 6 || zone === ""))) {
    return fail(`invalid target "${text}": not an IPv4 or IPv6 address (lbctl arping does not resolve host names)`);
  }
  const bad = ip.family === 4 ? badV4(ip.ip) : badV6(ip.ip);
  if (bad) return fail(`invalid target "${text}": ${bad}`);
  return ok(zone === undefined ? { ip: ip.ip, family: ip.family } : { ip: ip.ip, family: ip.family, zone });
}

function badV4(ip: string): string | undefined {
  const first = Number(ip.split(".")[0]);
  if (ip === "0.0.0.0") return "the unspecified address cannot be probed";
  if (ip === "255.255.255.255") return "the broadcast address cannot be probed";
  if (first >= 224 && first <= 239) return "a multicast address cannot be probed";
  return undefined;
}

function badV6(ip: string): string | undefined {
  if (ip === "::") return "the unspecified address cannot be probed";
  if (ip.startsWith("ff")) return "a multicast address cannot be probed";
  return undefined;
}
