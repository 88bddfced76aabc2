// What LB-IPAM writes back: the objects of the `-o json|yaml` List, status replaced exactly as the
// operator would patch it, and nothing written when nothing changed (so output is a fixed point).
import { offsetToBigInt } from "../ip.ts";
import { rangeSize } from "../range.ts";
import * as C from "./conditions.ts";
import { isRecord, type Raw } from "./decode.ts";
import type { PoolState, SvcState } from "./state.ts";

export interface PoolCounts {
  readonly total: bigint;
  readonly used: bigint;
  readonly available: bigint;
}

/** §3.11: reserved addresses count as used; a shared IP counts once. */
export function poolCounts(p: PoolState): PoolCounts {
  let total = 0n;
  let used = 0n;
  for (const r of p.ranges) {
    total += offsetToBigInt(rangeSize(r.block.range));
    used += BigInt(r.alloc.used);
  }
  return { total, used, available: total - used };
}

function statusOf(obj: Raw): Raw {
  return isRecord(obj["status"]) ? { ...obj["status"] } : {};
}

/** The pool as LB-IPAM leaves it: PoolConflict then the three counts (§1.3). */
export function writePoolStatus(obj: Raw, p: PoolState, now: string): Raw {
  const status = statusOf(obj);
  let list: unknown[] = Array.isArray(status["conditions"]) ? status["conditions"] : [];
  const gen = p.spec.generation;
  const counts = poolCounts(p);
  const conds = [
    C.poolConflict(p.conflict),
    C.poolCount(C.POOL_IPS_TOTAL, counts.total),
    C.poolCount(C.POOL_IPS_AVAILABLE, counts.available),
    C.poolCount(C.POOL_IPS_USED, counts.used),
  ];
  let changed = false;
  for (const c of conds) {
    const r = C.setCondition(list, c, gen, now);
    list = r.list;
    changed ||= r.changed;
  }
  if (!changed) return obj;
  status["conditions"] = list;
  return { ...obj, status };
}

/** The Service as LB-IPAM leaves it; the same object when it would not write (§2.5). */
export function writeServiceStatus(obj: Raw, s: SvcState, now: string): Raw {
  if (s.ignored !== undefined) return s.release ? releasedStatus(obj) : obj;
  const status = statusOf(obj);
  let conditions: unknown[] = Array.isArray(status["conditions"]) ? status["conditions"] : [];
  let condChanged = false;
  if (s.condition) {
    const r = C.setCondition(conditions, s.condition, s.spec.generation, now);
    conditions = r.list;
    condChanged = r.changed;
  }
  if (!condChanged && !s.ingressChanged) return obj;
  const lb = isRecord(status["loadBalancer"]) ? { ...status["loadBalancer"] } : {};
  if (s.ingress.length > 0) lb["ingress"] = s.ingress;
  else delete lb["ingress"];
  status["loadBalancer"] = lb;
  if (conditions.length > 0) status["conditions"] = conditions;
  return { ...obj, status };
}

/** Responsibility ended: every ingress entry cleared and LB-IPAM's condition removed (§2.1). */
function releasedStatus(obj: Raw): Raw {
  const status = statusOf(obj);
  const lb = isRecord(status["loadBalancer"]) ? { ...status["loadBalancer"] } : {};
  delete lb["ingress"];
  status["loadBalancer"] = lb;
  const conditions = Array.isArray(status["conditions"]) ? status["conditions"].filter((c) => !(isRecord(c) && c["type"] === C.SERVICE_CONDITION)) : [];
  if (conditions.length > 0) status["conditions"] = conditions;
  else delete status["conditions"];
  return { ...obj, status };
}

/** The IPAMRequestSatisfied condition in force after the run (written or pre-existing). */
export function effectiveCondition(obj: Raw, s: SvcState): C.ConditionValue | undefined {
  if (s.condition) return s.condition;
  return C.findCondition(isRecord(obj["status"]) ? obj["status"]["conditions"] : undefined, C.SERVICE_CONDITION);
}
