// Label selector strings (kubectl -l grammar: =, ==, !=, in, notin, key, !key) for filtering
// Services read from files; live queries send the selector to the API server instead.

type Req = { key: string; test: (has: boolean, v: string | undefined) => boolean };

export class LabelSelectorError extends Error {}

function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

function key(k: string, part: string): string {
  if (!KEY.test(k)) throw new LabelSelectorError(`-l: invalid label key "${k}" in "${part}"`);
  return k;
}

export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;

export function parseLabelSelector(s: string): LabelMatcher {
  const reqs: Req[] = splitTop(s).map((part): Req => {
    let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = m[3]!.split(",").map((v) => v.trim());
      return m[2] === "in"
        ? { key: key(m[1]!, part), test: (has, v) => has && values.includes(v!) }
        : { key: key(m[1]!, part), test: (has, v) => !has || !values.includes(v!) };
    }
    m = /^!\s*(\S+)$/.exec(part);
    if (m) return { key: key(m[1]!, part), test: (has) => !has };
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m) {
      const want = m[3]!;
      return m[2] === "!="
        ? { key: key(m[1]!, part), test: (has, v) => !has || v !== want }
        : { key: key(m[1]!, part), test: (has, v) => has && v === want };
    }
    if (/^\S+$/.test(part)) return { key: key(part, part), test: (has) => has };
    throw new LabelSelectorError(`-l: cannot parse "${part}"`);
  });
  return (labels) => reqs.every((r) => r.test(Object.prototype.hasOwnProperty.call(labels, r.key), labels[r.key]));
}
