// `lbctl service list -l`: the selector filters Services read from files exactly as the API
// server filters a live list (src/core/label-query.ts is the one parser for both).
import { labelMatcher, LabelQueryError, parseLabelQuery, type LabelMatcher } from "../label-query.ts";

export type { LabelMatcher };

export class LabelSelectorError extends Error {}

export function parseLabelSelector(s: string): LabelMatcher {
  try {
    return labelMatcher(parseLabelQuery(s));
  } catch (err) {
    if (err instanceof LabelQueryError) throw new LabelSelectorError(`-l: ${err.message}`);
    throw err;
  }
}
