// Which enabled ranges a generic allocation may take from, without testing every pool's
// selector for every Service: each Service used to scan the pools in order past the full ones,
// O(pools) per Service and O(n²) for n pools and Services (issue 15, D08).
//   - pools whose selectors are written alike select alike: one test per selector class;
//   - a class with matchLabels (or an In requirement) is only tested for Services carrying one of
//     the label pairs it requires;
//   - per class and family, the enabled ranges in range order and the first that is not full
//     (the engine only ever allocates, so that position only moves forward).
// The answer is the lowest range position over the classes that select the Service: the first
// range of the family, in order, that is enabled, selects it and has room, as the scan found.
import type { Family } from "../ip.ts";
import { selectorMatches, type Selector } from "./selector.ts";
import type { ServiceSpec } from "./service.ts";
import { rangeEnabled, type PoolState, type RangeState } from "./state.ts";

interface FamilyRanges {
  readonly ranges: RangeState[];
  /** Position of each range in the engine's range order. */
  readonly positions: number[];
  /** Ranges before this one are full. */
  next: number;
}

export interface SelectorClass {
  readonly id: number;
  readonly selector: Selector | undefined;
  readonly families: Map<Family, FamilyRanges>;
}

function selectorKey(sel: Selector | undefined): string {
  if (sel === undefined) return "";
  const labels = [...sel.matchLabels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify([labels, sel.expressions.map((e) => [e.key, e.operator, [...e.values].sort()])]);
}

const pairKey = (k: string, v: string): string => `${k.length}:${k}=${v}`;

/**
 * Label pairs one of which every Service the selector matches carries: its first matchLabels
 * pair (in key order), else one pair per value of its first `In` requirement; none when it can
 * match Services without any particular label.
 */
function indexPairs(sel: Selector | undefined): string[] {
  if (sel === undefined) return [];
  const first = [...sel.matchLabels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0];
  if (first !== undefined) return [pairKey(first[0], first[1])];
  const req = sel.expressions.find((e) => e.operator === "In");
  return req ? [...req.values].map((v) => pairKey(req.key, v)) : [];
}

export class SelectorClasses {
  private readonly classes: SelectorClass[] = [];
  private readonly byPool = new Map<PoolState, SelectorClass>();
  /** Classes that may match a Service without a particular label: tested for every Service. */
  private readonly unindexed: SelectorClass[] = [];
  /** The other classes, under each label pair of indexPairs. */
  private readonly byPair = new Map<string, SelectorClass[]>();

  /** `ranges` in the engine's order; only enabled ones are kept. */
  constructor(ranges: readonly RangeState[]) {
    const byKey = new Map<string, SelectorClass>();
    ranges.forEach((r, position) => {
      if (!rangeEnabled(r)) return;
      let c = this.byPool.get(r.pool);
      if (!c) {
        const key = selectorKey(r.pool.spec.selector);
        c = byKey.get(key);
        if (!c) {
          c = { id: this.classes.length, selector: r.pool.spec.selector, families: new Map() };
          byKey.set(key, c);
          this.classes.push(c);
          const pairs = indexPairs(c.selector);
          if (pairs.length === 0) this.unindexed.push(c);
          for (const k of pairs) {
            const list = this.byPair.get(k);
            if (list) list.push(c);
            else this.byPair.set(k, [c]);
          }
        }
        this.byPool.set(r.pool, c);
      }
      let f = c.families.get(r.family);
      if (!f) c.families.set(r.family, (f = { ranges: [], positions: [], next: 0 }));
      f.ranges.push(r);
      f.positions.push(position);
    });
  }

  /** The class of an enabled pool. */
  classOf(p: PoolState): SelectorClass | undefined {
    return this.byPool.get(p);
  }

  /** The classes whose selector matches the Service, ascending by id. */
  matching(svc: ServiceSpec): SelectorClass[] {
    const out = this.unindexed.filter((c) => selectorMatches(c.selector, svc.labels));
    for (const [k, v] of svc.labels) {
      for (const c of this.byPair.get(pairKey(k, v)) ?? []) if (selectorMatches(c.selector, svc.labels)) out.push(c);
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /**
   * The first enabled range of `family` with room among those `classes` select, or whether
   * there was a candidate at all (full: out of IPs; none: no pool).
   */
  firstFree(classes: readonly SelectorClass[], family: Family): RangeState | "full" | "none" {
    let best: RangeState | undefined;
    let bestPos = Infinity;
    let candidate = false;
    for (const c of classes) {
      const f = c.families.get(family);
      if (!f) continue;
      candidate = true;
      while (f.next < f.ranges.length && f.ranges[f.next]!.alloc.full) f.next++;
      if (f.next < f.ranges.length && f.positions[f.next]! < bestPos) {
        bestPos = f.positions[f.next]!;
        best = f.ranges[f.next];
      }
    }
    return best ?? (candidate ? "full" : "none");
  }
}
