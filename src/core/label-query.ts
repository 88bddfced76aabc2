// Label selectors as strings: the grammar of apimachinery's labels.Parse that `kubectl -l` and
// the API server's `labelSelector=` speak (=, ==, !=, in, notin, key, !key, and > / < on integer
// values). One parser for lbctl's offline `-l` and for the test API server, so that a selector
// filters files exactly as it filters a cluster. Structured selectors (matchExpressions) are
// src/core/ipam/selector.ts, which states the set operators' meaning once (requirementHolds).
import { requirementHolds } from "./ipam/selector.ts";

export type LabelQueryRequirement =
  | { readonly key: string; readonly op: "exists" | "!exists" }
  | { readonly key: string; readonly op: "=" | "!="; readonly value: string }
  | { readonly key: string; readonly op: "in" | "notin"; readonly values: readonly string[] }
  | { readonly key: string; readonly op: "gt" | "lt"; readonly value: number };

export class LabelQueryError extends Error {}

/** Splits on commas outside parentheses: "a in (x,y),b" is two requirements. */
export function splitTopLevel(s: string, keepEmpty = false): string[] {
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
  const trimmed = parts.map((p) => p.trim());
  return keepEmpty ? trimmed : trimmed.filter((p) => p !== "");
}

// Qualified names and label values as apimachinery validates them: an optional DNS-subdomain
// prefix (at most 253 characters, lower case) and "/", then a name of at most 63 characters.
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const INTEGER = /^-?\d+$/;
const INT64_MAX = 9223372036854775807n;

function key(k: string): string {
  const slash = k.indexOf("/");
  const prefix = slash < 0 ? undefined : k.slice(0, slash);
  const name = slash < 0 ? k : k.slice(slash + 1);
  const ok = NAME.test(name) && name.length <= 63 && (prefix === undefined || (PREFIX.test(prefix) && prefix.length <= 253));
  if (!ok) throw new LabelQueryError(`invalid label key "${k}": a name of at most 63 characters ([A-Za-z0-9], with -_. inside), optionally after a DNS-subdomain prefix and "/"`);
  return k;
}

function value(v: string): string {
  if (!VALUE.test(v) || v.length > 63) throw new LabelQueryError(`invalid label value "${v}"`);
  return v;
}

function requirement(part: string): LabelQueryRequirement {
  let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (m) {
    // apimachinery: "for 'in', 'notin' operators, values set can't be empty"
    if (m[3]!.trim() === "") throw new LabelQueryError(`"${part}": for 'in', 'notin' operators, values set can't be empty`);
    return { key: key(m[1]!), op: m[2] as "in" | "notin", values: m[3]!.split(",").map((v) => value(v.trim())) };
  }
  m = /^!\s*(\S+)$/.exec(part);
  if (m) return { key: key(m[1]!), op: "!exists" };
  m = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(\S*)$/.exec(part);
  if (m) {
    const op = m[2]!;
    if (op === ">" || op === "<") {
      if (!INTEGER.test(m[3]!) || BigInt(m[3]!) > INT64_MAX || BigInt(m[3]!) < -INT64_MAX - 1n) throw new LabelQueryError(`invalid integer value "${m[3]}" for ${op} in "${part}" (a 64-bit integer)`);
      return { key: key(m[1]!), op: op === ">" ? "gt" : "lt", value: Number(m[3]) };
    }
    return { key: key(m[1]!), op: op === "!=" ? "!=" : "=", value: value(m[3]!) };
  }
  if (/^\S+$/.test(part)) return { key: key(part), op: "exists" };
  throw new LabelQueryError(`unable to parse requirement "${part}"`);
}

/** The requirements of a selector string (all must hold); "" selects everything. */
export function parseLabelQuery(s: string): LabelQueryRequirement[] {
  if (s.trim() === "") return [];
  const parts = splitTopLevel(s, true);
  // apimachinery refuses "a,", ",a" and "a,,b" ("found ',', expected: identifier").
  if (parts.some((p) => p === "")) throw new LabelQueryError(`"${s}": empty requirement (a stray ",")`);
  return parts.map(requirement);
}

export type LabelMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

function test(r: LabelQueryRequirement): (v: string | undefined) => boolean {
  switch (r.op) {
    case "exists":
      return (v) => requirementHolds("Exists", v, NONE);
    case "!exists":
      return (v) => requirementHolds("DoesNotExist", v, NONE);
    case "=":
    case "!=": {
      const set = new Set([r.value]);
      const op = r.op === "=" ? "In" : "NotIn";
      return (v) => requirementHolds(op, v, set);
    }
    case "in":
    case "notin": {
      const set = new Set(r.values);
      const op = r.op === "in" ? "In" : "NotIn";
      return (v) => requirementHolds(op, v, set);
    }
    case "gt":
      return (v) => v !== undefined && INTEGER.test(v) && Number(v) > r.value;
    case "lt":
      return (v) => v !== undefined && INTEGER.test(v) && Number(v) < r.value;
  }
}

/** A matcher for the requirements (all must hold), with its value sets built once. */
export function labelMatcher(reqs: readonly LabelQueryRequirement[]): LabelMatcher {
  const tests = reqs.map((r) => [r.key, test(r)] as const);
  return (labels) => {
    const l = labels ?? {};
    return tests.every(([k, t]) => t(Object.prototype.hasOwnProperty.call(l, k) ? l[k] : undefined));
  };
}

const NONE: ReadonlySet<string> = new Set();
