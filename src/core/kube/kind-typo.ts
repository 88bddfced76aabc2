// A `kind` that is almost one a command reads is a typo, not another resource: without this a
// mistyped Service or pool would be skipped silently and the answer would look complete.

/** Levenshtein distance: enough to tell a typo from another kind. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Why `kind` looks like a mistyped one of `known` (within three edits of one, case aside), or
 * undefined. Other kinds are not typos: dumps hold Deployments and the like.
 */
export function misspeltKind(kind: unknown, known: readonly string[]): string | undefined {
  if (typeof kind !== "string" || kind === "" || kind.length > 64) return undefined;
  for (const want of known) {
    if (kind !== want && (kind.toLowerCase() === want.toLowerCase() || (Math.abs(kind.length - want.length) <= 3 && distance(kind, want) <= 3))) {
      return `unknown kind "${kind}" (did you mean ${want}?); object skipped`;
    }
  }
  return undefined;
}
