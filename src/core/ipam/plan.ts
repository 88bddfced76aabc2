// Glue between loaded objects (from files today, from a cluster later) and the LB-IPAM core:
// decodes pools and Services, reports bad input with file:line, object and field, runs the
// allocator and builds the objects LB-IPAM would write. No I/O here: callers load the objects.
import { misspeltKind } from "../kube/kind-typo.ts";
import {
  decodePool, decodeService, formatPath, isPoolObject, isServiceObject, runLbIpam, serviceKey, writePoolStatus, writeServiceStatus,
  type FieldError, type LbIpamResult, type LbIpamSettings, type PoolSpec, type PoolState, type Raw, type ServiceInput, type SvcState,
} from "./index.ts";

/** What the planner needs of a loaded object: the object, where it came from, and where its fields
 * are. adapters/manifests/load.ts's ManifestObject (files) and cluster-objects' wrapper fit it. */
export interface PlanInput {
  readonly obj: Raw;
  readonly source: { readonly file: string; readonly line: number | undefined; readonly order: number };
  locate(path: readonly (string | number)[]): number | undefined;
}

export interface PlanProblem {
  readonly severity: "error" | "warning";
  readonly file: string;
  readonly line: number | undefined;
  /** `CiliumLoadBalancerIPPool "name"` or `Service ns/name`. */
  readonly object: string;
  /** Field path, e.g. `spec.blocks[0].cidr`. */
  readonly field: string;
  readonly message: string;
}

export function formatPlanProblem(p: PlanProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return `${where}: ${p.object}: ${p.field ? p.field + ": " : ""}${p.message}`;
}

export interface InvalidPool {
  readonly name: string;
  readonly obj: Raw;
}

export interface PoolPlan {
  readonly result: LbIpamResult;
  /** Every input pool and Service in input order, status as LB-IPAM would write it. */
  readonly items: Raw[];
  /** Output object of each pool / Service state (the Service map is built on first use). */
  readonly poolObjects: Map<PoolState, Raw>;
  readonly serviceObjects: Map<SvcState, Raw>;
  readonly invalidPools: InvalidPool[];
  readonly problems: PlanProblem[];
}

function lineOf(m: PlanInput, path: readonly (string | number)[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const l = m.locate(path.slice(0, n));
    if (l !== undefined) return l;
  }
  return m.source.line;
}

export function computePoolPlan(objects: readonly PlanInput[], settings: LbIpamSettings, now: string): PoolPlan {
  const problems: PlanProblem[] = [];
  const report = (m: PlanInput, object: string, severity: PlanProblem["severity"], e: FieldError, suffix = ""): void => {
    problems.push({ severity, file: m.source.file, line: lineOf(m, e.path), object, field: formatPath(e.path), message: e.message + suffix });
  };
  const pools: PoolSpec[] = [];
  const services: ServiceInput[] = [];
  const order: ({ kind: "pool"; m: PlanInput; spec?: PoolSpec } | { kind: "svc"; m: PlanInput; idx?: number })[] = [];
  const poolSeen = new Map<string, PlanInput>();
  const svcSeen = new Map<string, PlanInput>();
  const invalidPools: InvalidPool[] = [];
  const where = (m: PlanInput): string => (m.source.line === undefined ? m.source.file : `${m.source.file}:${m.source.line}`);

  for (const m of objects) {
    if (isPoolObject(m.obj)) {
      const d = decodePool(m.obj, m.source.order);
      const label = `CiliumLoadBalancerIPPool ${JSON.stringify(d.ok ? d.pool.name : (d.name ?? "<unnamed>"))}`;
      if (!d.ok) {
        for (const e of d.errors) report(m, label, "error", e, " (pool rejected)");
        invalidPools.push({ name: d.name ?? "<unnamed>", obj: m.obj });
        order.push({ kind: "pool", m });
        continue;
      }
      const first = poolSeen.get(d.pool.name);
      if (first) {
        report(m, label, "error", { path: ["metadata", "name"], message: `duplicate pool name (first defined at ${where(first)})` }, " (pool rejected)");
        invalidPools.push({ name: d.pool.name, obj: m.obj });
        order.push({ kind: "pool", m });
        continue;
      }
      poolSeen.set(d.pool.name, m);
      pools.push(d.pool);
      order.push({ kind: "pool", m, spec: d.pool });
    } else if (isServiceObject(m.obj)) {
      const d = decodeService(m.obj, m.source.order);
      const key = d.svc ? serviceKey(d.svc) : "<unnamed>";
      for (const e of d.errors) report(m, `Service ${key}`, "error", e, " (Service skipped)");
      for (const e of d.warnings) report(m, `Service ${key}`, "warning", e);
      if (!d.svc) {
        order.push({ kind: "svc", m });
        continue;
      }
      const first = svcSeen.get(key);
      if (first) {
        report(m, `Service ${key}`, "error", { path: ["metadata", "name"], message: `duplicate Service (first defined at ${where(first)}); skipped` });
        order.push({ kind: "svc", m });
        continue;
      }
      svcSeen.set(key, m);
      const status = m.obj["status"];
      const lb = status && typeof status === "object" ? (status as Raw)["loadBalancer"] : undefined;
      const ingress = lb && typeof lb === "object" ? (lb as Raw)["ingress"] : undefined;
      const conditions = status && typeof status === "object" ? (status as Raw)["conditions"] : undefined;
      order.push({ kind: "svc", m, idx: services.length });
      services.push({ spec: d.svc, ingress, conditions });
    } else {
      const typo = misspeltKind(m.obj["kind"], PLANNED_KINDS);
      if (typo !== undefined) report(m, `${String(m.obj["kind"])} ${JSON.stringify(String((m.obj["metadata"] as Raw | undefined)?.["name"] ?? "<unnamed>"))}`, "error", { path: ["kind"], message: typo });
    }
  }

  const result = runLbIpam(pools, services, settings);
  const poolBySpec = new Map(result.pools.map((p) => [p.spec, p]));
  const poolObjects = new Map<PoolState, Raw>();
  const serviceOut: Raw[] = new Array<Raw>(result.services.length);
  const items: Raw[] = [];
  for (const o of order) {
    if (o.kind === "pool") {
      const st = o.spec ? poolBySpec.get(o.spec) : undefined;
      const out = st ? writePoolStatus(o.m.obj, st, now) : o.m.obj;
      if (st) poolObjects.set(st, out);
      items.push(out);
    } else {
      const st = o.idx === undefined ? undefined : result.services[o.idx];
      const out = st ? writeServiceStatus(o.m.obj, st, now) : o.m.obj;
      if (st) serviceOut[o.idx!] = out;
      items.push(out);
    }
  }
  let serviceObjects: Map<SvcState, Raw> | undefined;
  return {
    result,
    items,
    poolObjects,
    get serviceObjects() {
      return (serviceObjects ??= new Map(result.services.map((s, i) => [s, serviceOut[i]!])));
    },
    invalidPools,
    problems,
  };
}

/** The `-o json|yaml` document: a v1 List, like `kubectl get -o yaml`. */
export function planList(plan: PoolPlan): Raw {
  return { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items: plan.items };
}

/** RFC 3339 seconds, as Kubernetes writes lastTransitionTime. */
export function kubeTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function identity(m: PlanInput): string {
  const meta = (m.obj["metadata"] ?? {}) as Record<string, unknown>;
  const kind = String(m.obj["kind"]);
  // Both pool API versions are one resource to the cluster, so they are one identity here too.
  return `${kind}/${String(meta["namespace"] ?? "")}/${String(meta["name"] ?? "")}`;
}

/**
 * "What happens if I apply these files?": a file object replaces the cluster object of the same
 * kind, namespace and name in place (as `kubectl apply` would update it); new objects come after
 * the cluster's, in file order. Input order is renumbered so ties still break by position.
 */
export function overlay<T extends PlanInput>(cluster: readonly T[], files: readonly T[]): T[] {
  const fromFiles = new Map<string, T>();
  for (const f of files) fromFiles.set(identity(f), f);
  const out: T[] = [];
  const used = new Set<string>();
  for (const c of cluster) {
    const id = identity(c);
    const replacement = fromFiles.get(id);
    out.push(replacement ?? c);
    if (replacement) used.add(id);
  }
  for (const f of files) if (!used.has(identity(f))) out.push(f);
  return out.map((m, order) => ({ ...m, source: { ...m.source, order } }));
}

const PLANNED_KINDS = ["CiliumLoadBalancerIPPool", "Service"] as const;

