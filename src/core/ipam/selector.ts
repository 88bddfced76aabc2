// Kubernetes LabelSelector (metav1.LabelSelector: matchLabels AND matchExpressions) — the one
// validator and matcher in lbctl, for pool serviceSelectors and (through core/selector.ts)
// L2 policies' service and node selectors. The apimachinery rules: In/NotIn need values,
// Exists/DoesNotExist take none, keys are non-empty. An empty selector matches everything; the
// caller decides what a missing (nil) selector means, because that differs between APIs.
import { describe, isRecord, type FieldError, type Path } from "./decode.ts";

export type Operator = "In" | "NotIn" | "Exists" | "DoesNotExist";
const OPERATORS: readonly string[] = ["In", "NotIn", "Exists", "DoesNotExist"];

/** One requirement against one label value (undefined: the label is absent). */
export function requirementHolds(operator: Operator, value: string | undefined, values: ReadonlySet<string>): boolean {
  switch (operator) {
    case "In":
      return value !== undefined && values.has(value);
    case "NotIn":
      return value === undefined || !values.has(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
  }
}

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: ReadonlySet<string>;
}

export interface Selector {
  readonly matchLabels: ReadonlyMap<string, string>;
  readonly expressions: readonly Requirement[];
}

/** A service's or node's labels: anything that can look a key up (a Map, or a record view). */
export interface Labels {
  get(key: string): string | undefined;
}

/** An absent or empty selector matches every service. */
export function selectorMatches(sel: Selector | undefined, labels: Labels): boolean {
  if (sel === undefined) return true;
  for (const [k, v] of sel.matchLabels) if (labels.get(k) !== v) return false;
  for (const r of sel.expressions) if (!requirementHolds(r.operator, labels.get(r.key), r.values)) return false;
  return true;
}

/** Decodes `spec.serviceSelector`; errors carry paths relative to the object. */
export function decodeSelector(raw: unknown, path: Path, errors: FieldError[]): Selector | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    errors.push({ path, message: `must be a label selector object, got ${describe(raw)}` });
    return undefined;
  }
  const matchLabels = new Map<string, string>();
  const ml = raw["matchLabels"];
  if (ml !== undefined && ml !== null) {
    if (!isRecord(ml)) errors.push({ path: [...path, "matchLabels"], message: `must be a map of strings, got ${describe(ml)}` });
    else
      for (const [k, v] of Object.entries(ml)) {
        if (typeof v !== "string") errors.push({ path: [...path, "matchLabels", k], message: `label value must be a string, got ${describe(v)}` });
        else matchLabels.set(k, v);
      }
  }
  const expressions: Requirement[] = [];
  const me = raw["matchExpressions"];
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) errors.push({ path: [...path, "matchExpressions"], message: `must be a list, got ${describe(me)}` });
    else me.forEach((e: unknown, i: number) => decodeRequirement(e, [...path, "matchExpressions", i], errors, expressions));
  }
  return { matchLabels, expressions };
}

function decodeRequirement(e: unknown, path: Path, errors: FieldError[], out: Requirement[]): void {
  if (!isRecord(e)) {
    errors.push({ path, message: `must be an object with key, operator and values, got ${describe(e)}` });
    return;
  }
  const key = e["key"];
  const op = e["operator"];
  const values = e["values"] ?? [];
  if (typeof key !== "string" || key === "") {
    errors.push({ path: [...path, "key"], message: `must be a non-empty string, got ${describe(key)}` });
    return;
  }
  if (typeof op !== "string" || !OPERATORS.includes(op)) {
    errors.push({ path: [...path, "operator"], message: `unknown operator ${describe(op)} (expected In, NotIn, Exists or DoesNotExist)` });
    return;
  }
  if (!Array.isArray(values) || values.some((v) => typeof v !== "string")) {
    errors.push({ path: [...path, "values"], message: `must be a list of strings, got ${describe(values)}` });
    return;
  }
  const operator = op as Operator;
  if ((operator === "In" || operator === "NotIn") && values.length === 0) {
    errors.push({ path: [...path, "values"], message: `operator ${operator} needs at least one value` });
    return;
  }
  if ((operator === "Exists" || operator === "DoesNotExist") && values.length > 0) {
    errors.push({ path: [...path, "values"], message: `operator ${operator} takes no values, got ${describe(values)}` });
    return;
  }
  out.push({ key, operator, values: new Set(values as string[]) });
}
