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
export function splitTopLevel(s: string): string[] {
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

// Qualified names (an optional DNS-subdomain prefix and "/") and label values, as validated by
// apimachinery; the key pattern is loose about the prefix, as kubectl's client-side check is.
const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const INTEGER = /^-?\d+$/;

function key(k: string): string {
  if (!KEY.test(k) || k.length > 316) throw new LabelQueryError(`invalid label key "${k}"`);
  return k;
}

function value(v: string): string {
  if (!VALUE.test(v) || v.length > 63) throw new LabelQueryError(`invalid label value "${v}"`);
  return v;
}

function requirement(part: string): LabelQueryRequirement {
  let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (m) return { key: key(m[1]!), op: m[2] as "in" | "notin", values: m[3]!.split(",").map((v) => value(v.trim())) };
  m = /^!\s*(\S+)$/.exec(part);
  if (m) return { key: key(m[1]!), op: "!exists" };
  m = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(\S*)$/.exec(part);
  if (m) {
    const op = m[2]!;
    if (op === ">" || op === "<") {
      if (!INTEGER.test(m[3]!)) throw new LabelQueryError(`invalid integer value "${m[3]}" for ${op} in "${part}"`);
      return { key: key(m[1]!), op: op === ">" ? "gt" : "lt", value: Number(m[3]) };
    }
    return { key: key(m[1]!), op: op === "!=" ? "!=" : "=", value: value(m[3]!) };
  }
  if (/^\S+$/.test(part)) return { key: key(part), op: "exists" };
  throw new LabelQueryError(`unable to parse requirement "${part}"`);
}

/** The requirements of a selector string (all must hold); "" selects everything. */
export function parseLabelQuery(s: string): LabelQueryRequirement[] {
  return splitTopLevel(s).map(requirement);
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
