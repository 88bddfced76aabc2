// The live controller's decision, level-triggered: given every pool and Service as the API
// server has them now (status included), what must be written? It is the batch engine of
// `pool alloc` (runLbIpam + writeServiceStatus/writePoolStatus) run on the current objects, so
// a restart rebuilds state from the objects' status, and `pool alloc --cluster` on the same
// objects predicts the writes exactly. Each event is answered by one pass; a pass at a fixed
// point writes nothing.
import { formatPath, isRecord, type FieldError, type Raw } from "./decode.ts";
import { runLbIpam, type ServiceInput } from "./lbipam.ts";
import { decodePool, type PoolSpec } from "./pool.ts";
import { decodeService, serviceKey, type LbIpamSettings } from "./service.ts";
import type { PoolState, SvcState } from "./state.ts";
import type { LbIpamResult } from "./lbipam.ts";
import { withInvalid, withoutInvalid } from "./pool-invalid.ts";
import { effectiveCondition, poolCounts, writePoolStatus, writeServiceStatus, type PoolCounts } from "./status.ts";

export { POOL_INVALID } from "./pool-invalid.ts";

export type ServiceEventReason = "IPAllocated" | "AllocationFailed" | "IPReleased";

export interface ServiceEvent {
  readonly type: "Normal" | "Warning";
  readonly reason: ServiceEventReason;
  readonly message: string;
}

export interface ServiceWrite {
  readonly key: string;
  readonly before: Raw;
  /** The object with the status to PUT on /status. */
  readonly after: Raw;
  /** IPs newly added to ingress, and the pool each came from. */
  readonly added: readonly string[];
  readonly addedPools: readonly string[];
  readonly event: ServiceEvent | undefined;
}

export interface PoolWrite {
  readonly name: string;
  readonly before: Raw;
  readonly after: Raw;
}

export interface InvalidPool {
  readonly name: string;
  readonly errors: readonly string[];
}

export interface PoolUsage extends PoolCounts {
  readonly name: string;
  readonly conflicting: boolean;
  readonly disabled: boolean;
}

export interface ReconcilePlan {
  /** What the pass knew, for the next pass's fast path (core/ipam/incremental.ts). */
  readonly memory: PassMemory;
  /** False while dormant (no valid pool). */
  readonly active: boolean;
  readonly services: ServiceWrite[];
  readonly pools: PoolWrite[];
  readonly invalidPools: InvalidPool[];
  /** Handled Services without everything they asked for, by condition reason. */
  readonly pending: ReadonlyMap<string, number>;
  readonly usage: PoolUsage[];
  /** Handled Services (satisfied or not). */
  readonly handled: number;
}

/**
 * The engine state after a pass and the exact objects (by identity) it was computed from; the
 * caller swaps in its write answers with confirm(). Mutated by fast-path passes.
 */
export interface PassMemory {
  readonly result: LbIpamResult;
  readonly settings: LbIpamSettings;
  readonly scope: ControllerScope;
  /** Every in-scope pool object seen, by name. */
  readonly pools: Map<string, Raw>;
  /** The object of each valid pool, index-aligned with result.pools. */
  readonly validPools: Raw[];
  /** Valid pool name → its index in validPools. */
  readonly validIndex: ReadonlyMap<string, number>;
  /** Every Service object seen, by namespace/name. */
  readonly services: Map<string, Raw>;
  readonly invalidPools: InvalidPool[];
  readonly pending: Map<string, number>;
  handled: number;
}

/** Records the object the API server answered a write with, so the next pass sees it as known. */
export function confirmWrite(m: PassMemory, kind: "service" | "pool", before: Raw, answer: Raw): void {
  if (kind === "service") {
    m.services.set(objectKey(before), answer);
    return;
  }
  const name = nameOf(before);
  m.pools.set(name, answer);
  // Valid pools have unique names, so the name finds the slot without scanning validPools.
  const i = m.validIndex.get(name);
  if (i !== undefined && m.validPools[i] === before) m.validPools[i] = answer;
  else {
    const j = m.validPools.indexOf(before);
    if (j >= 0) m.validPools[j] = answer;
  }
}

export function objectKey(o: Raw): string {
  return `${nsOf(o)}/${nameOf(o)}`;
}

export interface ControllerScope {
  /** With `--lb-class`: only pools carrying this label value are used (others belong to Cilium). */
  readonly poolLabel?: { readonly key: string; readonly value: string } | undefined;
  /** Whether to write pool conditions (false when Cilium's operator owns pool status). */
  readonly writePoolStatus: boolean;
}

export const nameOf = (o: Raw): string => (isRecord(o["metadata"]) && typeof o["metadata"]["name"] === "string" ? o["metadata"]["name"] : "");
const nsOf = (o: Raw): string => (isRecord(o["metadata"]) && typeof o["metadata"]["namespace"] === "string" ? o["metadata"]["namespace"] : "default");

/** The API server's list order (pools by name, Services by namespace/name): the order `pool alloc --cluster` sees. */
export function listOrder<T extends Raw>(objs: Iterable<T>, namespaced: boolean): T[] {
  const key = (o: Raw): string => (namespaced ? `${nsOf(o)}/${nameOf(o)}` : nameOf(o));
  return [...objs].map((o) => [key(o), o] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((x) => x[1]);
}

export function poolInScope(obj: Raw, scope: ControllerScope): boolean {
  const sel = scope.poolLabel;
  if (!sel) return true;
  const labels = isRecord(obj["metadata"]) ? obj["metadata"]["labels"] : undefined;
  return isRecord(labels) && labels[sel.key] === sel.value;
}

/**
 * One pass. `pools` and `services` in list order (see listOrder). Never throws on bad input:
 * an invalid pool is rejected alone and reported; the other pools are served.
 */
export function reconcile(pools: readonly Raw[], services: readonly Raw[], settings: LbIpamSettings, scope: ControllerScope, now: string): ReconcilePlan {
  const specs: PoolSpec[] = [];
  const validObjs: Raw[] = [];
  const invalidPools: InvalidPool[] = [];
  const poolWrites: PoolWrite[] = [];
  const seen = new Set<string>();
  for (const obj of pools) {
    if (!poolInScope(obj, scope)) continue;
    const d = decodePool(obj, specs.length + invalidPools.length);
    if (d.ok && !seen.has(d.pool.name)) {
      seen.add(d.pool.name);
      specs.push(d.pool);
      validObjs.push(obj);
      const cleared = scope.writePoolStatus ? withoutInvalid(obj) : obj;
      if (cleared !== obj) poolWrites.push({ name: d.pool.name, before: obj, after: cleared });
      continue;
    }
    const errors = d.ok ? ["metadata.name: duplicate pool name"] : d.errors.map(fieldText);
    invalidPools.push({ name: d.ok ? d.pool.name : (d.name ?? "<unnamed>"), errors });
    if (scope.writePoolStatus) {
      const after = withInvalid(obj, errors.join("; "), now);
      if (after !== obj) poolWrites.push({ name: nameOf(obj), before: obj, after });
    }
  }

  const inputs: ServiceInput[] = [];
  const svcObjs: Raw[] = [];
  const seenPools = new Map<string, Raw>();
  for (const obj of pools) if (poolInScope(obj, scope)) seenPools.set(nameOf(obj), obj);
  const seenServices = new Map<string, Raw>();
  for (const obj of services) {
    seenServices.set(objectKey(obj), obj);
    const input = serviceInput(obj);
    if (!input) continue;
    inputs.push(input);
    svcObjs.push(obj);
  }

  const result = runLbIpam(specs, inputs, settings);
  const serviceWrites: ServiceWrite[] = [];
  const pending = new Map<string, number>();
  let handled = 0;
  result.services.forEach((s, i) => {
    const before = svcObjs[i]!;
    const after = writeServiceStatus(before, s, now);
    if (s.ignored === undefined) {
      handled++;
      const c = effectiveCondition(after, s);
      if (c && c.status === "False") pending.set(c.reason, (pending.get(c.reason) ?? 0) + 1);
    }
    const w = serviceWrite(before, after, s);
    if (w) serviceWrites.push(w);
  });

  const usage = usageOf(result.pools);
  // By name, not by scanning the writes: with every pool written that scan was O(pools²).
  const writeAt = new Map<string, number>();
  poolWrites.forEach((w, j) => writeAt.has(w.name) || writeAt.set(w.name, j));
  result.pools.forEach((p: PoolState, i) => {
    if (!scope.writePoolStatus) return;
    const j = writeAt.get(p.spec.name);
    const base = j === undefined ? validObjs[i]! : poolWrites[j]!.after;
    const after = writePoolStatus(base, p, now);
    if (after === validObjs[i]) return;
    const w = { name: p.spec.name, before: validObjs[i]!, after };
    if (j !== undefined) poolWrites[j] = w;
    else writeAt.set(p.spec.name, poolWrites.push(w) - 1);
  });
  const validIndex = new Map(specs.map((p, i) => [p.name, i]));
  const memory: PassMemory = { result, settings, scope, pools: seenPools, validPools: validObjs, validIndex, services: seenServices, invalidPools, pending, handled };
  return { memory, active: result.active, services: serviceWrites, pools: poolWrites, invalidPools, pending, usage, handled };
}

export function usageOf(pools: readonly PoolState[]): PoolUsage[] {
  return pools.map((p) => ({ name: p.spec.name, ...poolCounts(p), conflicting: p.conflict !== undefined, disabled: p.spec.disabled }));
}

/** The write for one Service, or undefined when its status stays as it is. */
export function serviceWrite(before: Raw, after: Raw, s: SvcState): ServiceWrite | undefined {
  if (after === before) return undefined;
  const added = newIps(before, after);
  const byText = new Map<string, string>();
  for (const g of s.allocs) if (!byText.has(g.text)) byText.set(g.text, g.range.pool.spec.name);
  const addedPools = added.map((ip) => byText.get(ip) ?? "");
  return { key: serviceKey(s.spec), before, after, added, addedPools, event: eventFor(s, added, addedPools, before, after) };
}

/**
 * Decoded once per object version: a watch cache hands the same object to every pass until it
 * changes, and decoding is a quarter of a pass at 10,000 Services. The engine ignores
 * spec.order for Services (they are processed in array order), so a memo is exact.
 */
const decoded = new WeakMap<Raw, ServiceInput | null>();

export function serviceInput(obj: Raw): ServiceInput | undefined {
  const hit = decoded.get(obj);
  if (hit !== undefined) return hit ?? undefined;
  const d = decodeService(obj, 0);
  const status = isRecord(obj["status"]) ? obj["status"] : {};
  const lb = isRecord(status["loadBalancer"]) ? status["loadBalancer"] : {};
  const input = d.svc ? { spec: d.svc, ingress: lb["ingress"], conditions: status["conditions"] } : null;
  decoded.set(obj, input);
  return input ?? undefined;
}

function fieldText(e: FieldError): string {
  const f = formatPath(e.path);
  return f ? `${f}: ${e.message}` : e.message;
}

function ingressIps(o: Raw): string[] {
  const st = isRecord(o["status"]) ? o["status"] : {};
  const lb = isRecord(st["loadBalancer"]) ? st["loadBalancer"] : {};
  const ing = Array.isArray(lb["ingress"]) ? lb["ingress"] : [];
  return ing.flatMap((e: unknown) => (isRecord(e) && typeof e["ip"] === "string" ? [e["ip"]] : []));
}

function newIps(before: Raw, after: Raw): string[] {
  const had = new Set(ingressIps(before));
  return ingressIps(after).filter((ip) => !had.has(ip));
}

function eventFor(s: SvcState, added: readonly string[], addedPools: readonly string[], before: Raw, after: Raw): ServiceEvent | undefined {
  if (added.length > 0) {
    const pools = [...new Set(addedPools)];
    return { type: "Normal", reason: "IPAllocated", message: `Allocated ${added.join(", ")} from pool ${pools.join(", ")}` };
  }
  const c = s.ignored === undefined ? s.condition : undefined;
  if (c && c.status === "False") return { type: "Warning", reason: "AllocationFailed", message: `${c.reason}: ${c.message}` };
  const now = new Set(ingressIps(after));
  const gone = ingressIps(before).filter((ip) => !now.has(ip));
  if (gone.length > 0) return { type: "Normal", reason: "IPReleased", message: `Released ${gone.join(", ")}${s.ignored !== undefined ? `: ${s.ignored}` : ""}` };
  return undefined;
}
