// Label selectors (the full string grammar of apimachinery's labels.Parse) and the field
// selectors every resource supports (metadata.name, metadata.namespace).

export type LabelRequirement =
  | { key: string; op: "exists" | "!exists" }
  | { key: string; op: "=" | "!="; value: string }
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "gt" | "lt"; value: number };

export class SelectorError extends Error {}

/** Splits on commas that are not inside parentheses. */
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
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function checkKey(k: string): string {
  if (!KEY.test(k)) throw new SelectorError(`invalid label key "${k}"`);
  return k;
}
function checkValue(v: string): string {
  if (!VALUE.test(v)) throw new SelectorError(`invalid label value: "${v}"`);
  return v;
}

export function parseLabelSelector(s: string): LabelRequirement[] {
  return splitTop(s).map((part): LabelRequirement => {
    let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = m[3]!.split(",").map((v) => checkValue(v.trim()));
      return { key: checkKey(m[1]!), op: m[2] as "in" | "notin", values };
    }
    m = /^!\s*(\S+)$/.exec(part);
    if (m) return { key: checkKey(m[1]!), op: "!exists" };
    m = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(\S*)$/.exec(part);
    if (m) {
      const op = m[2]!;
      if (op === ">" || op === "<") {
        const n = Number(m[3]);
        if (!Number.isInteger(n)) throw new SelectorError(`invalid integer value "${m[3]}" for ${op}`);
        return { key: checkKey(m[1]!), op: op === ">" ? "gt" : "lt", value: n };
      }
      return { key: checkKey(m[1]!), op: op === "!=" ? "!=" : "=", value: checkValue(m[3]!) };
    }
    if (/^\S+$/.test(part)) return { key: checkKey(part), op: "exists" };
    throw new SelectorError(`unable to parse requirement: "${part}"`);
  });
}

export function matchLabels(reqs: readonly LabelRequirement[], labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case "exists":
        return has;
      case "!exists":
        return !has;
      case "=":
        return has && v === r.value;
      case "!=":
        return !has || v !== r.value;
      case "in":
        return has && r.values.includes(v!);
      case "notin":
        return !has || !r.values.includes(v!);
      case "gt":
        return has && Number(v) > r.value;
      case "lt":
        return has && Number(v) < r.value;
    }
  });
}

export interface FieldRequirement {
  field: "metadata.name" | "metadata.namespace";
  op: "=" | "!=";
  value: string;
}

export function parseFieldSelector(s: string): FieldRequirement[] {
  return splitTop(s).map((part) => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw new SelectorError(`invalid field selector: "${part}"`);
    const field = m[1]!;
    if (field !== "metadata.name" && field !== "metadata.namespace") {
      throw new SelectorError(`field label not supported: ${field}`);
    }
    return { field, op: m[2] === "!=" ? "!=" : "=", value: m[3]!.trim() };
  });
}

export function matchFields(reqs: readonly FieldRequirement[], name: string, namespace: string): boolean {
  return reqs.every((r) => {
    const v = r.field === "metadata.name" ? name : namespace;
    return r.op === "=" ? v === r.value : v !== r.value;
  });
}
