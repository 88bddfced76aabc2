// metav1.Condition handling with Kubernetes' SetStatusCondition semantics, and the exact
// condition types, reasons and messages LB-IPAM writes (spec §1.3, §2.5).
import { isRecord, type Raw } from "./decode.ts";

export type ConditionStatus = "True" | "False" | "Unknown";

export interface ConditionValue {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

export const SERVICE_CONDITION = "cilium.io/IPAMRequestSatisfied";
export const POOL_CONFLICT = "cilium.io/PoolConflict";
export const POOL_IPS_TOTAL = "cilium.io/IPsTotal";
export const POOL_IPS_AVAILABLE = "cilium.io/IPsAvailable";
export const POOL_IPS_USED = "cilium.io/IPsUsed";

const svc = (status: ConditionStatus, reason: string, message: string): ConditionValue => ({
  type: SERVICE_CONDITION,
  status,
  reason,
  message,
});

export const SATISFIED = svc("True", "satisfied", "");
export const NO_POOL = svc("False", "no_pool", "There are no enabled CiliumLoadBalancerIPPools that match this service");
export const OUT_OF_IPS = svc("False", "out_of_ips", "All enabled CiliumLoadBalancerIPPools that match this service ran out of allocatable IPs");
export const noPoolForIp = (ip: string): ConditionValue => svc("False", "no_pool", `No pool exists with a CIDR containing '${ip}'`);
export const selectorMismatch = (ip: string): ConditionValue =>
  svc("False", "pool_selector_mismatch", `The pool with the CIDR containing '${ip}', doesn't select this service`);
export const alreadyAllocated = (ip: string): ConditionValue =>
  svc("False", "already_allocated", `The IP '${ip}' is already allocated to another service`);
export const incompatibleService = (ip: string, reason: string): ConditionValue =>
  svc("False", "already_allocated_incompatible_service", `The IP '${ip}' is already allocated to an incompatible service. Reason: ${reason}`);

export const poolConflict = (message: string | undefined): ConditionValue =>
  message === undefined
    ? { type: POOL_CONFLICT, status: "False", reason: "resolved", message: "" }
    : { type: POOL_CONFLICT, status: "True", reason: "cidr_overlap", message };
export const poolCount = (type: string, value: bigint): ConditionValue => ({ type, status: "Unknown", reason: "noreason", message: value.toString() });

/**
 * Sets `c` in a copy of `list` like meta.SetStatusCondition: rewritten only when status, reason,
 * message or observedGeneration differ; lastTransitionTime changes only with status.
 */
export function setCondition(list: readonly unknown[], c: ConditionValue, generation: number, now: string): { list: unknown[]; changed: boolean } {
  const i = list.findIndex((x) => isRecord(x) && x["type"] === c.type);
  const fresh = (ltt: string): Raw => {
    const o: Raw = { type: c.type, status: c.status };
    if (generation !== 0) o["observedGeneration"] = generation;
    o["lastTransitionTime"] = ltt;
    o["reason"] = c.reason;
    o["message"] = c.message;
    return o;
  };
  if (i === -1) return { list: [...list, fresh(now)], changed: true };
  const old = list[i] as Raw;
  const oldGen = typeof old["observedGeneration"] === "number" ? old["observedGeneration"] : 0;
  if (old["status"] === c.status && old["reason"] === c.reason && old["message"] === c.message && oldGen === generation) {
    return { list: [...list], changed: false };
  }
  const ltt = old["status"] === c.status && typeof old["lastTransitionTime"] === "string" ? old["lastTransitionTime"] : now;
  const out = [...list];
  out[i] = fresh(ltt);
  return { list: out, changed: true };
}

/** The condition of `type` in a raw list, if it has the expected shape. */
export function findCondition(list: unknown, type: string): ConditionValue | undefined {
  if (!Array.isArray(list)) return undefined;
  const c = list.find((x: unknown) => isRecord(x) && x["type"] === type) as Raw | undefined;
  if (!c) return undefined;
  const status = c["status"];
  if (status !== "True" && status !== "False" && status !== "Unknown") return undefined;
  return { type, status, reason: String(c["reason"] ?? ""), message: String(c["message"] ?? "") };
}
