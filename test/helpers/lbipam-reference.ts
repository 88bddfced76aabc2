// The straightforward LB-IPAM engine and conflict scan as they were before issue 15 made them
// near-linear (git show c6acf30:src/core/ipam/lbipam.ts, conflicts.ts): a reference the optimized
// paths must match allocation for allocation (test/core/ipam/reference.test.ts). Not used by lbctl.
import { formatIp as ipText, ipEquals, parseIp, type Family, type Ip } from "../../src/core/ip.ts";
import { formatRange, rangesOverlap } from "../../src/core/range.ts";
import { conflictLoser, conflictMessage } from "../../src/core/ipam/conflicts.ts";
import { isRecord } from "../../src/core/ipam/decode.ts";
import * as C from "../../src/core/ipam/conditions.ts";
import type { PoolSpec } from "../../src/core/ipam/pool.ts";
import { runLbIpam, type LbIpamEngine, type LbIpamResult, type ServiceInput } from "../../src/core/ipam/lbipam.ts";
import type { LbIpamSettings } from "../../src/core/ipam/service.ts";
import { groupIncompatibility } from "../../src/core/ipam/sharing.ts";
import {
  allocAnyGroup, claimIn, isGroup, newGroup, offsetOf, poolSelects, rangeEnabled, rangeHas, RESERVED,
  type Group, type PoolState, type RangeState, type SvcState,
} from "../../src/core/ipam/state.ts";

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

/**
 * Settles conflicts for pools given in processing order. Returns the PoolConflict message of
 * every marked pool, keyed by pool name. O(R²) over ranges, as in Cilium.
 */
export function settleConflictsReference(pools: readonly PoolSpec[]): Map<string, string> {
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
      const l = conflictLoser(p, q);
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

/** The batch of core/ipam/lbipam.ts, with the scan engine and conflict scan below plugged in. */
export function runLbIpamReference(pools: readonly PoolSpec[], services: readonly ServiceInput[], settings: LbIpamSettings): LbIpamResult {
  return runLbIpam(pools, services, settings, { settleConflicts: settleConflictsReference, engine: (p, s) => new Engine(p, s) });
}

class Engine implements LbIpamEngine {
  private readonly ranges: RangeState[];
  /** Sharing key → its groups in the order they were first assigned (§2.3). */
  private readonly byKey = new Map<string, Group[]>();

  constructor(pools: PoolState[], private readonly settings: LbIpamSettings) {
    this.ranges = pools.flatMap((p) => p.ranges);
  }

  satisfied(s: SvcState): boolean {
    if (s.spec.requested.length > 0) return s.spec.requested.every((ip) => s.allocs.some((g) => ipEquals(g.ip, ip)));
    return s.families.every((f) => s.allocs.some((g) => g.ip.family === f));
  }

  /** Phase 1: keep the ingress entries that are still valid, drop the rest (§3.4, §3.8). */
  importIngress(s: SvcState): void {
    const kept: unknown[] = [];
    let lastIp: Ip | undefined;
    for (const e of s.ingress) {
      const ip = isRecord(e) && typeof e["ip"] === "string" ? parseIp(e["ip"]) : undefined;
      const ok = ip !== undefined && !(lastIp && ipEquals(lastIp, ip)) && (s.allocs.some((g) => ipEquals(g.ip, ip)) || this.tryImport(s, ip));
      if (ok) {
        kept.push(e);
        lastIp = ip;
      } else s.ingressChanged = true;
    }
    s.ingress = kept;
  }

  private tryImport(s: SvcState, ip: Ip): boolean {
    if (s.spec.requested.length > 0 ? !s.spec.requested.some((r) => ipEquals(r, ip)) : !s.families.includes(ip.family)) return false;
    let target = this.ranges.find((r) => rangeEnabled(r) && rangeHas(r, ip) && poolSelects(r.pool, s));
    let containing = target ? [target] : [];
    if (!target && !this.settings.ciliumRestartQuirks) {
      // Deviation (§3.8): keep IPs of disabled/conflicting pools. Such a pool may overlap an
      // enabled one, so the address is claimed in every range holding it.
      target = this.ranges.find((r) => rangeHas(r, ip) && poolSelects(r.pool, s));
      containing = target ? [target, ...this.ranges.filter((r) => r !== target && rangeHas(r, ip))] : [];
    }
    if (!target) return false;
    const owners = containing.map((r) => r.alloc.get(offsetOf(r, ip)));
    const group = owners.find(isGroup);
    if (group) {
      // #46262: keep an existing IP whose sharing group this service fits.
      if (s.spec.sharingKey === "" || groupIncompatibility(s.spec, group.members) !== undefined) return false;
      this.join(s, group);
      return true;
    }
    // A reserved first/last address held by a Service: the live operator never takes it back.
    if (owners.includes(RESERVED) && this.settings.ciliumRestartQuirks) return false;
    const g = newGroup(s, target, ip);
    claimIn(containing, ip, g);
    this.register(s, g);
    return true;
  }

  /** Phase 2 for one unsatisfied Service: specific IPs, or one IP per requested family. */
  allocate(s: SvcState): void {
    let failure: C.ConditionValue | undefined;
    if (s.spec.requested.length > 0) {
      for (const ip of s.spec.requested) {
        if (s.allocs.some((g) => ipEquals(g.ip, ip))) continue;
        failure = this.allocSpecific(s, ip) ?? failure;
      }
    } else {
      for (const f of s.families) {
        if (s.allocs.some((g) => g.ip.family === f)) continue;
        failure = this.allocGeneric(s, f) ?? failure;
      }
    }
    s.condition = this.satisfied(s) ? C.SATISFIED : (failure ?? C.NO_POOL);
  }

  private allocSpecific(s: SvcState, ip: Ip): C.ConditionValue | undefined {
    const enabled = this.ranges.filter((r) => rangeEnabled(r) && rangeHas(r, ip));
    const text = ipText(ip);
    if (enabled.length === 0) return C.noPoolForIp(text);
    const r = enabled.find((x) => poolSelects(x.pool, s));
    if (!r) return C.selectorMismatch(text);
    const off = offsetOf(r, ip);
    const owner = r.alloc.get(off);
    if (owner === undefined) {
      const g = newGroup(s, r, ip);
      r.alloc.alloc(off, g);
      this.register(s, g);
      this.append(s, g);
      return undefined;
    }
    // Reserved first/last addresses are always refused, with or without a key (#48779).
    if (!isGroup(owner) || s.spec.sharingKey === "") return C.alreadyAllocated(text);
    const why = groupIncompatibility(s.spec, owner.members);
    if (why !== undefined) return C.incompatibleService(text, why);
    this.join(s, owner);
    this.append(s, owner);
    return undefined;
  }

  private allocGeneric(s: SvcState, family: Family): C.ConditionValue | undefined {
    const key = s.spec.sharingKey;
    if (key !== "") {
      // Decision: only join IPs from enabled pools that select this service (Cilium does not
      // check; it then strips and re-joins on every revalidation, spec §2.3).
      for (const g of this.byKey.get(key) ?? []) {
        if (g.ip.family !== family || !rangeEnabled(g.range) || !poolSelects(g.range.pool, s)) continue;
        if (g.members.includes(s) || groupIncompatibility(s.spec, g.members) !== undefined) continue;
        this.join(s, g);
        this.append(s, g);
        return undefined;
      }
    }
    let candidate = false;
    let lastPool: PoolState | undefined;
    let selects = false;
    for (const r of this.ranges) {
      if (r.family !== family || !rangeEnabled(r)) continue;
      // A pool's ranges are adjacent: test its selector once.
      if (r.pool !== lastPool) {
        lastPool = r.pool;
        selects = poolSelects(r.pool, s);
      }
      if (!selects) continue;
      candidate = true;
      if (r.alloc.full) continue;
      const g = allocAnyGroup(s, r);
      this.register(s, g);
      this.append(s, g);
      return undefined;
    }
    return candidate ? C.OUT_OF_IPS : C.NO_POOL;
  }

  private join(s: SvcState, g: Group): void {
    g.members.push(s);
    s.allocs.push(g);
  }

  private register(s: SvcState, g: Group): void {
    s.allocs.push(g);
    if (g.key === "") return;
    const list = this.byKey.get(g.key);
    if (list) list.push(g);
    else this.byKey.set(g.key, [g]);
  }

  private append(s: SvcState, g: Group): void {
    s.ingress.push({ ip: g.text });
    s.ingressChanged = true;
  }
}

