// Batch LB-IPAM: "here are the pools and Services, what is the end state?" (spec §3.8).
// 1. build every valid pool's ranges in input order and settle conflicts;
// 2. phase 1: for every handled Service, strip or import its existing ingress (§3.4 step 4);
// 3. phase 2: allocate for the Services still unsatisfied, in input order (§2.2, §2.3, §3.5).
import { formatIp as ipText, ipAdd, ipEquals, parseIp, type Family, type Ip } from "../ip.ts";
import { isRecord } from "./decode.ts";
import * as C from "./conditions.ts";
import { settleConflicts } from "./conflicts.ts";
import type { PoolSpec } from "./pool.ts";
import { ignoreReason, requestedFamilies, type LbIpamSettings, type ServiceSpec } from "./service.ts";
import { groupIncompatibility } from "./sharing.ts";
import {
  buildPool, isGroup, newGroup, offsetOf, poolSelects, rangeEnabled, rangeHas, RESERVED,
  type Group, type PoolState, type RangeState, type SvcState,
} from "./state.ts";

export interface ServiceInput {
  readonly spec: ServiceSpec;
  /** status.loadBalancer.ingress as found (untyped). */
  readonly ingress: unknown;
  /** status.conditions as found: LB-IPAM's own condition there is the evidence it handled the Service. */
  readonly conditions?: unknown;
}

export interface LbIpamResult {
  /** False when there is no valid pool: LB-IPAM stays dormant and touches nothing (§2.1). */
  readonly active: boolean;
  readonly pools: PoolState[];
  readonly services: SvcState[];
  /**
   * Adds one more Service to the end state, as phase 1 + phase 2 would treat it after every
   * Service already in: for the live controller's fast path (core/ipam/incremental.ts says when
   * that equals a full batch). The state is appended to `services`.
   */
  add(svc: ServiceInput): SvcState;
}

export function runLbIpam(pools: readonly PoolSpec[], services: readonly ServiceInput[], settings: LbIpamSettings): LbIpamResult {
  const poolStates = pools.map(buildPool);
  const conflicts = settleConflicts(pools);
  for (const p of poolStates) p.conflict = conflicts.get(p.spec.name);
  const engine = new Engine(poolStates, settings);
  const active = poolStates.length > 0;
  const states = services.map((svc) => svcState(svc, active, settings));
  const handled = states.filter((s) => s.ignored === undefined);
  for (const s of handled) engine.importIngress(s);
  for (const s of handled) if (!engine.satisfied(s)) engine.allocate(s);
  return {
    active,
    pools: poolStates,
    services: states,
    add(svc) {
      const s = svcState(svc, active, settings);
      if (s.ignored === undefined) {
        engine.importIngress(s);
        if (!engine.satisfied(s)) engine.allocate(s);
      }
      states.push(s);
      return s;
    },
  };
}

function svcState(svc: ServiceInput, active: boolean, settings: LbIpamSettings): SvcState {
  const reason = ignoreReason(svc.spec, settings);
  const carried = C.findCondition(svc.conditions, C.SERVICE_CONDITION) !== undefined;
  // Dormant: only a Service that carries LB-IPAM's condition is touched; it held (or waited
  // for) an IP of the pools that are gone, so it is stripped with no_pool (spec §2.1).
  const ignored = active || (reason === undefined && carried) ? reason : (reason ?? "LB-IPAM is dormant: no valid CiliumLoadBalancerIPPool");
  return {
    spec: svc.spec,
    ignored,
    release: reason !== undefined && carried && (svc.spec.type !== "LoadBalancer" || settings.releaseForeignClasses !== false),
    families: requestedFamilies(svc.spec, settings),
    allocs: [],
    ingress: Array.isArray(svc.ingress) ? svc.ingress : [],
    ingressChanged: false,
    condition: undefined,
  };
}

class Engine {
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
    for (const r of containing) {
      const off = offsetOf(r, ip);
      if (r.alloc.has(off)) r.alloc.update(off, g);
      else r.alloc.alloc(off, g);
    }
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
      const g = newGroup(s, r, r.block.range.from, "");
      const off = r.alloc.allocAny(g)!;
      g.ip = ipAdd(r.block.range.from, off);
      g.text = ipText(g.ip);
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

