// The condition lbctl puts on a pool it rejects as invalid (Cilium has none: it half-registers such
// a pool, spec §1.4), and its removal once the pool is fixed.
import * as C from "./conditions.ts";
import { isRecord, type Raw } from "./decode.ts";

export const POOL_INVALID = "lbctl.io/InvalidPool";

function conditionsOf(o: Raw): unknown[] {
  const st = isRecord(o["status"]) ? o["status"] : {};
  return Array.isArray(st["conditions"]) ? st["conditions"] : [];
}

export function withInvalid(obj: Raw, message: string, now: string): Raw {
  const gen = isRecord(obj["metadata"]) && typeof obj["metadata"]["generation"] === "number" ? obj["metadata"]["generation"] : 0;
  const r = C.setCondition(conditionsOf(obj), { type: POOL_INVALID, status: "True", reason: "invalid_spec", message }, gen, now);
  if (!r.changed) return obj;
  return { ...obj, status: { ...(isRecord(obj["status"]) ? obj["status"] : {}), conditions: r.list } };
}

export function withoutInvalid(obj: Raw): Raw {
  const list = conditionsOf(obj);
  const kept = list.filter((c) => !(isRecord(c) && c["type"] === POOL_INVALID));
  if (kept.length === list.length) return obj;
  return { ...obj, status: { ...(isRecord(obj["status"]) ? obj["status"] : {}), conditions: kept } };
}
