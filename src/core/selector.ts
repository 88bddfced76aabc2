// LabelSelectors given as plain objects (L2 policies' serviceSelector and nodeSelector), matched
// against label records. A thin adapter over the one validator and matcher, core/ipam/selector.ts,
// so that pools and policies accept, refuse and word every selector alike.
import { formatPath, type FieldError } from "./ipam/decode.ts";
import { decodeSelector, selectorMatches } from "./ipam/selector.ts";

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

export type CompiledSelector = { readonly ok: true; matches(labels: Labels): boolean } | { readonly ok: false; readonly error: string };

export function compileSelector(sel: LabelSelector): CompiledSelector {
  const errors: FieldError[] = [];
  const decoded = decodeSelector(sel, [], errors);
  const first = errors[0];
  if (first !== undefined) return { ok: false, error: `${formatPath(first.path)}: ${first.message}` };
  return {
    ok: true,
    matches: (labels) => selectorMatches(decoded, { get: (k) => (Object.prototype.hasOwnProperty.call(labels, k) ? labels[k] : undefined) }),
  };
}
