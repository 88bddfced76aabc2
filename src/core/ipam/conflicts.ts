// Conflicts between pools (spec §3.6): any overlap of ranges, across pools or inside one pool,
// marks a pool conflicting, and a conflicting pool allocates nothing new.
import { formatRange, rangesOverlap } from "../range.ts";
import type { PoolSpec } from "./pool.ts";

export function conflictMessage(own: string, other: string, otherPool: string): string {
  return `Pool conflicts since range '${own}' overlaps range '${other}' from IP Pool '${otherPool}'`;
}

function internalOverlap(p: PoolSpec): [number, number] | undefined {
  for (let i = 0; i < p.blocks.length; i++)
    for (let j = i + 1; j < p.blocks.length; j++) if (rangesOverlap(p.blocks[i]!.range, p.blocks[j]!.range)) return [i, j];
  return undefined;
}

function firstOverlap(p: PoolSpec, q: PoolSpec): [number, number] | undefined {
  for (let i = 0; i < p.blocks.length; i++)
    for (let j = 0; j < q.blocks.length; j++) if (rangesOverlap(p.blocks[i]!.range, q.blocks[j]!.range)) return [i, j];
  return undefined;
}

/** Which pool loses: later creationTimestamp; on a tie, the later one in input order (§3.2). */
function loser(p: PoolSpec, q: PoolSpec): PoolSpec {
  if (p.created !== q.created) return p.created > q.created ? p : q;
  return p.order > q.order ? p : q;
}

/**
 * Settles conflicts for pools given in processing order. Returns the PoolConflict message of
 * every marked pool, keyed by pool name. O(R²) over ranges, as in Cilium.
 */
export function settleConflicts(pools: readonly PoolSpec[]): Map<string, string> {
  const marked = new Map<string, string>();
  for (const p of pools) {
    if (marked.has(p.name)) continue;
    const inner = internalOverlap(p);
    if (inner) {
      const [i, j] = inner;
      marked.set(p.name, conflictMessage(formatRange(p.blocks[i]!.range), formatRange(p.blocks[j]!.range), p.name));
      continue;
    }
    for (const q of pools) {
      if (q === p || marked.has(q.name)) continue;
      const hit = firstOverlap(p, q);
      if (!hit) continue;
      const l = loser(p, q);
      const w = l === p ? q : p;
      const [lb, wb] = l === p ? hit : [hit[1], hit[0]];
      marked.set(l.name, conflictMessage(formatRange(l.blocks[lb]!.range), formatRange(w.blocks[wb]!.range), w.name));
      break;
    }
  }
  // Unmark pools that no longer overlap anything (matters for incremental use; a fresh batch
  // only marks pools that do overlap).
  for (const name of [...marked.keys()]) {
    const p = pools.find((x) => x.name === name)!;
    if (!internalOverlap(p) && !pools.some((q) => q !== p && firstOverlap(p, q))) marked.delete(name);
  }
  return marked;
}
