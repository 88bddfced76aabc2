// Label selectors (the full string grammar of apimachinery's labels.Parse, parsed by lbctl's own
// src/core/label-query.ts) and the field selectors every resource supports (metadata.name,
// metadata.namespace), plus Pods' spec.nodeName (what the kubelet and `service list --node` use).
import { labelMatcher, LabelQueryError, parseLabelQuery, splitTopLevel, type LabelQueryRequirement } from "../../src/core/label-query.ts";

export type LabelRequirement = LabelQueryRequirement;

export class SelectorError extends Error {}

/** labelSelector=: the same parser lbctl's -l uses offline (src/core/label-query.ts). */
export function parseLabelSelector(s: string): LabelRequirement[] {
  try {
    return parseLabelQuery(s);
  } catch (err) {
    if (err instanceof LabelQueryError) throw new SelectorError(err.message);
    throw err;
  }
}

export function matchLabels(reqs: readonly LabelRequirement[], labels: Readonly<Record<string, string>> | undefined): boolean {
  return labelMatcher(reqs)(labels);
}

export interface FieldRequirement {
  field: "metadata.name" | "metadata.namespace" | "spec.nodeName";
  op: "=" | "!=";
  value: string;
}

export function parseFieldSelector(s: string): FieldRequirement[] {
  return splitTopLevel(s).map((part) => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw new SelectorError(`invalid field selector: "${part}"`);
    const field = m[1]!;
    if (field !== "metadata.name" && field !== "metadata.namespace" && field !== "spec.nodeName") {
      throw new SelectorError(`field label not supported: ${field}`);
    }
    return { field, op: m[2] === "!=" ? "!=" : "=", value: m[3]!.trim() };
  });
}

export function matchFields(reqs: readonly FieldRequirement[], name: string, namespace: string, nodeName = ""): boolean {
  return reqs.every((r) => {
    const v = r.field === "metadata.name" ? name : r.field === "spec.nodeName" ? nodeName : namespace;
    return r.op === "=" ? v === r.value : v !== r.value;
  });
}
