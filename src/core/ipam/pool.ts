// CiliumLoadBalancerIPPool (cilium.io/v2 and v2alpha1) decoded into the allocator's terms.
// Spec §1: blocks (cidr, or start/stop), legacy cidrs, disabled, allowFirstLastIPs, serviceSelector.
// Validation is done up front and an invalid pool is rejected as a whole (spec §1.4, §3.12 #11).
import { rangeFromCidr, rangeFromStartStop, type IpRange } from "../range.ts";
import { asInt, describe, isRecord, type FieldError, type Path, type Raw } from "./decode.ts";
import { decodeSelector, type Selector } from "./selector.ts";

export const POOL_KIND = "CiliumLoadBalancerIPPool";
export const POOL_API_VERSIONS: readonly string[] = ["cilium.io/v2", "cilium.io/v2alpha1"];

export interface Block {
  readonly range: IpRange;
  /** Written as `cidr` (only those get first/last reservations). */
  readonly isCidr: boolean;
  /** Where it came from, for messages: ["spec", "blocks", 0]. */
  readonly path: Path;
}

export interface PoolSpec {
  readonly name: string;
  /** Position among all input objects: input order decides range order and conflict ties. */
  readonly order: number;
  /** metadata.creationTimestamp in ms; 0 when absent (Go's zero time sorts first). */
  readonly created: number;
  readonly generation: number;
  readonly disabled: boolean;
  /** Only the exact value "No" reserves first/last addresses of CIDR blocks. */
  readonly reserveFirstLast: boolean;
  readonly blocks: readonly Block[];
  readonly selector: Selector | undefined;
}

export type PoolDecode = { ok: true; pool: PoolSpec } | { ok: false; name: string | undefined; errors: FieldError[] };

export function isPoolObject(obj: Raw): boolean {
  return obj["kind"] === POOL_KIND && typeof obj["apiVersion"] === "string" && obj["apiVersion"].startsWith("cilium.io/");
}

/** Decodes and validates one pool object. Never throws. */
export function decodePool(obj: Raw, order: number): PoolDecode {
  const errors: FieldError[] = [];
  const meta = isRecord(obj["metadata"]) ? obj["metadata"] : {};
  const name = typeof meta["name"] === "string" && meta["name"] !== "" ? meta["name"] : undefined;
  if (name === undefined) errors.push({ path: ["metadata", "name"], message: `must be a non-empty string, got ${describe(meta["name"])}` });
  const apiVersion = obj["apiVersion"];
  if (typeof apiVersion !== "string" || !POOL_API_VERSIONS.includes(apiVersion)) {
    errors.push({ path: ["apiVersion"], message: `unsupported version ${describe(apiVersion)} (expected cilium.io/v2 or cilium.io/v2alpha1)` });
  }
  const spec = obj["spec"];
  if (!isRecord(spec)) {
    errors.push({ path: ["spec"], message: `must be an object, got ${describe(spec)}` });
    return { ok: false, name, errors };
  }
  const blocks: Block[] = [];
  decodeBlocks(spec["blocks"], ["spec", "blocks"], blocks, errors);
  // Legacy v2alpha1 `cidrs` (removed in v1.16) is read as extra blocks after `blocks`.
  decodeBlocks(spec["cidrs"], ["spec", "cidrs"], blocks, errors);
  if (blocks.length === 0 && errors.length === 0) {
    errors.push({ path: ["spec", "blocks"], message: "the pool has no blocks: nothing to allocate from" });
  }
  const disabled = spec["disabled"] ?? false;
  if (typeof disabled !== "boolean") errors.push({ path: ["spec", "disabled"], message: `must be true or false, got ${describe(disabled)}` });
  const aflip = spec["allowFirstLastIPs"];
  if (aflip !== undefined && aflip !== null && aflip !== "Yes" && aflip !== "No") {
    errors.push({ path: ["spec", "allowFirstLastIPs"], message: `must be "Yes" or "No", got ${describe(aflip)}` });
  }
  const selector = decodeSelector(spec["serviceSelector"], ["spec", "serviceSelector"], errors);
  if (errors.length > 0 || name === undefined) return { ok: false, name, errors };
  const createdRaw = meta["creationTimestamp"];
  const created = typeof createdRaw === "string" ? Date.parse(createdRaw) : NaN;
  return {
    ok: true,
    pool: {
      name,
      order,
      created: Number.isFinite(created) ? created : 0,
      generation: asInt(meta["generation"]),
      disabled: disabled === true,
      reserveFirstLast: aflip === "No",
      blocks,
      selector,
    },
  };
}

function decodeBlocks(raw: unknown, path: Path, out: Block[], errors: FieldError[]): void {
  if (raw === undefined || raw === null) return;
  if (!Array.isArray(raw)) {
    errors.push({ path, message: `must be a list of blocks, got ${describe(raw)}` });
    return;
  }
  raw.forEach((b: unknown, i: number) => {
    const bp = [...path, i];
    if (!isRecord(b)) {
      errors.push({ path: bp, message: `must be an object with cidr or start/stop, got ${describe(b)}` });
      return;
    }
    const { cidr, start, stop } = b;
    if (cidr !== undefined && cidr !== null && cidr !== "") {
      // When cidr is set, start/stop are ignored (spec §1.2).
      if (typeof cidr !== "string") return void errors.push({ path: [...bp, "cidr"], message: `must be a string, got ${describe(cidr)}` });
      const r = rangeFromCidr(cidr);
      if (!r.ok) return void errors.push({ path: [...bp, "cidr"], message: `invalid CIDR ${describe(cidr)}: ${r.error}` });
      out.push({ range: r.range, isCidr: true, path: bp });
      return;
    }
    if (start === undefined || start === null || start === "") {
      errors.push({ path: bp, message: "block has neither cidr nor start" });
      return;
    }
    if (typeof start !== "string") return void errors.push({ path: [...bp, "start"], message: `must be a string, got ${describe(start)}` });
    if (stop !== undefined && stop !== null && typeof stop !== "string") {
      return void errors.push({ path: [...bp, "stop"], message: `must be a string, got ${describe(stop)}` });
    }
    const r = rangeFromStartStop(start, typeof stop === "string" ? stop : undefined);
    if (!r.ok) {
      const field = r.error.startsWith("stop") ? "stop" : "start";
      return void errors.push({ path: [...bp, field], message: r.error });
    }
    out.push({ range: r.range, isCidr: false, path: bp });
  });
}
