// The VIP list of standalone mode: `--vip a,b` values and `-f` files (one or more addresses per
// line, separated by commas or blanks, `#` comments). Errors name the source and line.
import { canonicalIp, isIpv4Mapped, notUnicastReason, parseIp } from "../ip.ts";

export interface VipSource {
  readonly name: string;
  readonly text: string;
}

export function parseVips(sources: readonly VipSource[]): { vips: string[]; errors: string[] } {
  const vips = new Set<string>();
  const errors: string[] = [];
  for (const src of sources) {
    src.text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.replace(/#.*/, "");
      for (const tok of line.split(/[\s,]+/).filter((t) => t !== "")) {
        const where = `${src.name}${src.text.includes("\n") ? `:${i + 1}` : ""}`;
        const parsed = parseIp(tok);
        const why = parsed && notUnicastReason(parsed);
        if (parsed === undefined) errors.push(`${where}: ${quoted(tok)} is not an IPv4 or IPv6 address`);
        else if (why !== undefined) errors.push(`${where}: ${quoted(tok)} is ${why}, which no host answers ARP or neighbour solicitations for`);
        else if (isIpv4Mapped(parsed)) errors.push(`${where}: "${tok}" is an IPv4-mapped IPv6 address, which no host ARPs or solicits for: announce ${canonicalIp(tok)?.slice(7)} instead`);
        else vips.add(canonicalIp(tok)!);
      }
    });
  }
  return { vips: [...vips], errors };
}

/** A token as an error shows it: JSON-quoted (control bytes escaped), at most 40 characters. */
function quoted(tok: string): string {
  return JSON.stringify(tok.length > 40 ? tok.slice(0, 40) + "…" : tok);
}

/** At most three errors in the one line, then how many more (a binary file has thousands). */
export function summariseErrors(errors: readonly string[]): string {
  return errors.length <= 3 ? errors.join("; ") : `${errors.slice(0, 3).join("; ")}; and ${errors.length - 3} more`;
}
