// The VIP list of standalone mode: `--vip a,b` values and `-f` files (one or more addresses per
// line, separated by commas or blanks, `#` comments). Errors name the source and line.
import { canonicalIp } from "./addr.ts";

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
        const ip = canonicalIp(tok);
        if (ip === undefined) errors.push(`${src.name}${src.text.includes("\n") ? `:${i + 1}` : ""}: "${tok}" is not an IPv4 or IPv6 address`);
        else vips.add(ip);
      }
    });
  }
  return { vips: [...vips], errors };
}
