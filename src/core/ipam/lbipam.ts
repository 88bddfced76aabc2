// Batch LB-IPAM: "here are the pools and Services, what is the end state?" (spec §3.8).
// 1. build every valid pool's ranges in input order and settle conflicts;
// 2. phase 1: for every handled Service, strip or import its existing ingress (§3.4 step 4);
// 3. phase 2: allocate for the Services still unsatisfied, in input order (§2.2, §2.3, §3.5).
import { formatIp as ipText, ipEquals, parseIp, type Family, type Ip } from "../ip.ts";
import { isRecord } from "./decode.ts";
import * as C from "./conditions.ts";
import { settleConflicts } from "./conflicts.ts";
import type { PoolSpec } from "./pool.ts";
import { ignoreReason, requestedFamilies, type LbIpamSettings, type ServiceSpec } from "./service.ts";
import { RangeIndex } from "./range-index.ts";
import { SelectorClasses, type SelectorClass } from "./selector-classes.ts";
import { incompatibility, podSelectorKey, portKey, SharingGroupIndex } from "./sharing.ts";
import {
  allocAnyGroup, buildPool, claimIn, isGroup, newGroup, offsetOf, poolSelects, rangeEnabled, RESERVED,
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

/** Phases 1 and 2 over the pools' state; the batch below drives it. */
export interface LbIpamEngine {
  importIngress(s: SvcState): void;
  satisfied(s: SvcState): boolean;
  allocate(s: SvcState): void;
}

/** How a batch settles conflicts and allocates: this file's, or the reference scan the tests compare with. */
export interface LbIpamParts {
  readonly settleConflicts: (pools: readonly PoolSpec[]) => Map<string, string>;
  readonly engine: (pools: PoolState[], settings: LbIpamSettings) => LbIpamEngine;
}

const PARTS: LbIpamParts = { settleConflicts, engine: (pools, settings) => new Engine(pools, settings) };

export function runLbIpam(pools: readonly PoolSpec[], services: readonly ServiceInput[], settings: LbIpamSettings, parts: LbIpamParts = PARTS): LbIpamResult {
  const poolStates = pools.map(buildPool);
  const conflicts = parts.settleConflicts(pools);
  for (const p of poolStates) p.conflict = conflicts.get(p.spec.name);
  const engine = parts.engine(poolStates, settings);
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

const ipKey = (ip: Ip): string => `${ip.family}:${ip.w0}:${ip.w1}:${ip.w2}:${ip.w3}`;

/** Addresses a Service holds, for membership tests that would otherwise scan its allocations. */
function heldKeys(s: SvcState): Set<string> {
  return new Set(s.allocs.map((g) => ipKey(g.ip)));
}

const requestedSets = new WeakMap<ServiceSpec, Set<string>>();
function requestedKeys(spec: ServiceSpec): Set<string> {
  let set = requestedSets.get(spec);
  if (!set) requestedSets.set(spec, (set = new Set(spec.requested.map(ipKey))));
  return set;
}

/**
 * The groups of one sharing key and family in enabled ranges, in the order they were first
 * assigned (§2.3), and how far each kind of Service may skip ahead. A group only gains members,
 * so one that cannot take a Service never can later; cursors keyed by what rejected it (a port,
 * an ETP, a strict namespace, or the Service's whole profile) therefore only move forward.
 */
interface KeyGroups {
  readonly groups: Group[];
  readonly cursors: Map<string, number>;
}

/** What a group's members are, for tests that must not scan them (one member: itself). */
interface Members {
  incompatibility(svc: ServiceSpec): string | undefined;
  hasPort(key: string): boolean;
  hasEtpOtherThan(etp: string): boolean;
  hasNamespaceOtherThan(ns: string): boolean;
}

function singleMember(m: ServiceSpec): Members {
  return {
    incompatibility: (svc) => incompatibility(svc, m),
    hasPort: (key) => m.ports.some((p) => portKey(p) === key),
    hasEtpOtherThan: (etp) => m.etp !== etp,
    hasNamespaceOtherThan: (ns) => m.namespace !== ns,
  };
}

class Engine implements LbIpamEngine {
  private readonly ranges: RangeState[];
  /** Every range by address, for the ranges holding one IP (phase 1, requested IPs). */
  private readonly byAddress: RangeIndex;
  private readonly classes: SelectorClasses;
  private readonly matched = new WeakMap<SvcState, SelectorClass[]>();
  /** `${family}${sharing key}` → its groups (see KeyGroups). */
  private readonly byKey = new Map<string, KeyGroups>();
  /** Groups that have been joined: a single member is tested directly. */
  private readonly sharing = new Map<Group, SharingGroupIndex>();

  constructor(pools: PoolState[], private readonly settings: LbIpamSettings) {
    this.ranges = pools.flatMap((p) => p.ranges);
    this.byAddress = new RangeIndex(this.ranges.map((r) => r.block.range));
    this.classes = new SelectorClasses(this.ranges);
  }

  satisfied(s: SvcState): boolean {
    if (s.spec.requested.length > 0) {
      const held = heldKeys(s);
      return s.spec.requested.every((ip) => held.has(ipKey(ip)));
    }
    return s.families.every((f) => s.allocs.some((g) => g.ip.family === f));
  }

  /** Phase 1: keep the ingress entries that are still valid, drop the rest (§3.4, §3.8). */
  importIngress(s: SvcState): void {
    const kept: unknown[] = [];
    const held = heldKeys(s);
    let lastIp: Ip | undefined;
    for (const e of s.ingress) {
      const ip = isRecord(e) && typeof e["ip"] === "string" ? parseIp(e["ip"]) : undefined;
      const ok = ip !== undefined && !(lastIp && ipEquals(lastIp, ip)) && (held.has(ipKey(ip)) || this.tryImport(s, ip));
      if (ok) {
        kept.push(e);
        held.add(ipKey(ip));
        lastIp = ip;
      } else s.ingressChanged = true;
    }
    s.ingress = kept;
  }

  /** The ranges holding `ip`, in range order. */
  private rangesAt(ip: Ip): RangeState[] {
    return this.byAddress.overlapping(ip, ip).map((i) => this.ranges[i]!);
  }

  private members(g: Group): Members {
    return this.sharing.get(g) ?? singleMember(g.members[0]!.spec);
  }

  private tryImport(s: SvcState, ip: Ip): boolean {
    if (s.spec.requested.length > 0 ? !requestedKeys(s.spec).has(ipKey(ip)) : !s.families.includes(ip.family)) return false;
    const here = this.rangesAt(ip);
    let target = here.find((r) => rangeEnabled(r) && poolSelects(r.pool, s));
    let containing = target ? [target] : [];
    if (!target && !this.settings.ciliumRestartQuirks) {
      // Deviation (§3.8): keep IPs of disabled/conflicting pools. Such a pool may overlap an
      // enabled one, so the address is claimed in every range holding it.
      target = here.find((r) => poolSelects(r.pool, s));
      containing = target ? [target, ...here.filter((r) => r !== target)] : [];
    }
    if (!target) return false;
    const owners = containing.map((r) => r.alloc.get(offsetOf(r, ip)));
    const group = owners.find(isGroup);
    if (group) {
      // #46262: keep an existing IP whose sharing group this service fits.
      if (s.spec.sharingKey === "" || this.members(group).incompatibility(s.spec) !== undefined) return false;
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
      const held = heldKeys(s);
      for (const ip of s.spec.requested) {
        if (held.has(ipKey(ip))) continue;
        const why = this.allocSpecific(s, ip);
        if (why === undefined) held.add(ipKey(ip));
        failure = why ?? failure;
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
    const enabled = this.rangesAt(ip).filter(rangeEnabled);
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
    const why = this.members(owner).incompatibility(s.spec);
    if (why !== undefined) return C.incompatibleService(text, why);
    this.join(s, owner);
    this.append(s, owner);
    return undefined;
  }

  private matching(s: SvcState): SelectorClass[] {
    let m = this.matched.get(s);
    if (!m) this.matched.set(s, (m = this.classes.matching(s.spec)));
    return m;
  }

  private allocGeneric(s: SvcState, family: Family): C.ConditionValue | undefined {
    const classes = this.matching(s);
    if (s.spec.sharingKey !== "") {
      // Decision: only join IPs from enabled pools that select this service (Cilium does not
      // check; it then strips and re-joins on every revalidation, spec §2.3).
      const g = this.groupToJoin(s, family, classes);
      if (g) {
        this.join(s, g);
        this.append(s, g);
        return undefined;
      }
    }
    const r = this.classes.firstFree(classes, family);
    if (r === "full") return C.OUT_OF_IPS;
    if (r === "none") return C.NO_POOL;
    const g = allocAnyGroup(s, r);
    this.register(s, g);
    this.append(s, g);
    return undefined;
  }

  /** The first group of the Service's key and family it may join (the scan's answer, see KeyGroups). */
  private groupToJoin(s: SvcState, family: Family, classes: readonly SelectorClass[]): Group | undefined {
    const list = this.byKey.get(`${family}${s.spec.sharingKey}`);
    if (!list) return undefined;
    const { groups, cursors } = list;
    const spec = s.spec;
    const advance = (key: string, rejects: (g: Group) => boolean): number => {
      let i = cursors.get(key) ?? 0;
      while (i < groups.length && rejects(groups[i]!)) i++;
      cursors.set(key, i);
      return i;
    };
    let start = 0;
    for (const p of spec.ports) {
      const k = portKey(p);
      start = Math.max(start, advance(`port ${k}`, (g) => this.members(g).hasPort(k)));
    }
    start = Math.max(start, advance(`etp ${spec.etp}`, (g) => this.members(g).hasEtpOtherThan(spec.etp)));
    if (spec.crossNamespace.length === 0) start = Math.max(start, advance(`ns ${spec.namespace}`, (g) => this.members(g).hasNamespaceOtherThan(spec.namespace)));
    const selected = new Set(classes);
    const rejects = (g: Group): boolean => !selected.has(this.classes.classOf(g.range.pool)!) || this.members(g).incompatibility(spec) !== undefined;
    const profile = JSON.stringify([
      spec.namespace, spec.crossNamespace, spec.ports.map(portKey), spec.etp, podSelectorKey(spec), spec.permitDifferentPods,
      classes.map((c) => c.id),
    ]);
    if ((cursors.get(profile) ?? 0) < start) cursors.set(profile, start);
    // A Service never already belongs to a group of a family it is still allocating (register
    // and join keep s.allocs and g.members together), so the first group not rejected is it.
    const i = advance(profile, rejects);
    return groups[i];
  }

  private join(s: SvcState, g: Group): void {
    let index = this.sharing.get(g);
    if (!index) this.sharing.set(g, (index = new SharingGroupIndex(g.members)));
    index.add(s.spec);
    g.members.push(s);
    s.allocs.push(g);
  }

  private register(s: SvcState, g: Group): void {
    s.allocs.push(g);
    // Only groups in enabled ranges can be joined by a generic allocation.
    if (g.key === "" || !rangeEnabled(g.range)) return;
    const k = `${g.range.family}${g.key}`;
    const list = this.byKey.get(k);
    if (list) list.groups.push(g);
    else this.byKey.set(k, { groups: [g], cursors: new Map() });
  }

  private append(s: SvcState, g: Group): void {
    s.ingress.push({ ip: g.text });
    s.ingressChanged = true;
  }
}
