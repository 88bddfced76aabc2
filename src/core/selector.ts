// Kubernetes LabelSelector (metav1.LabelSelector) matching: matchLabels AND matchExpressions, the
// four set operators, and the apimachinery validity rules (In/NotIn need values, Exists and
// DoesNotExist take none). An empty selector matches everything; the caller decides what a
// missing (nil) selector means, because that differs between APIs.

export type Labels = Readonly<Record<string, string>>;

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[] | undefined;
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | undefined;
  readonly matchExpressions?: readonly LabelSelectorRequirement[] | undefined;
}

export type SelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";

const EMPTY: ReadonlySet<string> = new Set();

/**
 * One requirement against one label value (undefined: the label is absent). The single statement
 * of the operators' meaning, shared by every selector in lbctl (pools, L2 policies).
 */
export function requirementHolds(operator: SelectorOperator, value: string | undefined, values: ReadonlySet<string>): boolean {
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

export type CompiledSelector = { readonly ok: true; matches(labels: Labels): boolean } | { readonly ok: false; readonly error: string };

export function compileSelector(sel: LabelSelector): CompiledSelector {
  const reqs: ((l: Labels) => boolean)[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    if (typeof value !== "string") return { ok: false, error: `matchLabels[${key}]: value must be a string` };
    reqs.push((l) => l[key] === value);
  }
  for (const [i, e] of (sel.matchExpressions ?? []).entries()) {
    const where = `matchExpressions[${i}]`;
    if (typeof e.key !== "string" || e.key === "") return { ok: false, error: `${where}.key: must not be empty` };
    const values = e.values ?? [];
    const has = (l: Labels): boolean => Object.prototype.hasOwnProperty.call(l, e.key);
    switch (e.operator) {
      case "In":
      case "NotIn": {
        if (values.length === 0) return { ok: false, error: `${where}.values: must be non-empty for operator ${e.operator}` };
        const op = e.operator;
        const set = new Set(values);
        reqs.push((l) => requirementHolds(op, has(l) ? l[e.key] : undefined, set));
        break;
      }
      case "Exists":
      case "DoesNotExist": {
        if (values.length > 0) return { ok: false, error: `${where}.values: must be empty for operator ${e.operator}` };
        const op = e.operator;
        reqs.push((l) => requirementHolds(op, has(l) ? l[e.key] : undefined, EMPTY));
        break;
      }
      default:
        return { ok: false, error: `${where}.operator: "${String(e.operator)}" is not a valid selector operator (In, NotIn, Exists, DoesNotExist)` };
    }
  }
  return { ok: true, matches: (labels) => reqs.every((r) => r(labels)) };
}
