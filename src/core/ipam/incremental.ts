// The live controller's fast path: a pass that only has to take in newly created Services.
// A full pass (reconcile.ts) re-runs the whole batch; when, since the previous pass, nothing
// changed but new Services appeared — fresh ones, with no status yet and no sharing key — the
// batch's answer is the previous end state plus those Services allocated after everything else:
//   - phase 1 re-imports exactly the addresses the previous pass left (its writes all landed),
//     and the allocator's choice depends only on which addresses are taken (allocator.ts);
//   - a Service that stayed pending fails again the same way: new Services only take addresses,
//     and without a sharing key nobody can join theirs (§2.3);
//   - so appending them (in list order) to the previous engine state is the batch's result.
// Anything else — a pool or known Service object that is not identical, a deletion, a write
// that did not land, a new Service with a key or a status — returns undefined: run a full pass.
import * as C from "./conditions.ts";
import { isRecord, type Raw } from "./decode.ts";
import { listOrder, nameOf, objectKey, poolInScope, serviceInput, serviceWrite, usageOf, type PassMemory, type PoolWrite, type ReconcilePlan, type ServiceWrite } from "./reconcile.ts";
import { effectiveCondition, writePoolStatus, writeServiceStatus } from "./status.ts";

function fresh(o: Raw): boolean {
  const st = isRecord(o["status"]) ? o["status"] : {};
  const lb = isRecord(st["loadBalancer"]) ? st["loadBalancer"] : {};
  const ingress = lb["ingress"];
  return !(Array.isArray(ingress) && ingress.length > 0) && C.findCondition(st["conditions"], C.SERVICE_CONDITION) === undefined;
}

/** `pools` and `services` in any order (only the new Services' order matters; they are sorted here). */
export function reconcileAdded(m: PassMemory, pools: Iterable<Raw>, services: Iterable<Raw>, now: string): ReconcilePlan | undefined {
  if (!m.result.active) return undefined;
  let inScope = 0;
  for (const p of pools) {
    if (!poolInScope(p, m.scope)) continue;
    inScope++;
    if (m.pools.get(nameOf(p)) !== p) return undefined;
  }
  if (inScope !== m.pools.size) return undefined;
  let added: Raw[] = [];
  let known = 0;
  for (const o of services) {
    const expected = m.services.get(objectKey(o));
    if (expected === undefined) added.push(o);
    else if (expected !== o) return undefined;
    else known++;
  }
  if (known !== m.services.size) return undefined;
  added = listOrder(added, true);
  const inputs = added.map(serviceInput);
  for (let i = 0; i < added.length; i++) {
    const input = inputs[i];
    if (!input || input.spec.sharingKey !== "" || !fresh(added[i]!)) return undefined;
  }

  const serviceWrites: ServiceWrite[] = [];
  added.forEach((o, i) => {
    const s = m.result.add(inputs[i]!);
    m.services.set(objectKey(o), o);
    const after = writeServiceStatus(o, s, now);
    if (s.ignored === undefined) {
      m.handled++;
      const c = effectiveCondition(after, s);
      if (c && c.status === "False") m.pending.set(c.reason, (m.pending.get(c.reason) ?? 0) + 1);
    }
    const w = serviceWrite(o, after, s);
    if (w) serviceWrites.push(w);
  });
  const poolWrites: PoolWrite[] = [];
  if (m.scope.writePoolStatus) {
    m.result.pools.forEach((p, i) => {
      const before = m.validPools[i]!;
      const after = writePoolStatus(before, p, now);
      if (after !== before) poolWrites.push({ name: p.spec.name, before, after });
    });
  }
  return {
    memory: m,
    active: true,
    services: serviceWrites,
    pools: poolWrites,
    invalidPools: m.invalidPools,
    pending: m.pending,
    usage: usageOf(m.result.pools),
    handled: m.handled,
  };
}
