// Builders for pool and Service objects, and a runner returning what each Service got.
import { computePoolPlan, type PlanInput, type PoolPlan } from "../../src/core/ipam/plan.ts";
import { DEFAULT_SETTINGS, effectiveCondition, poolCounts, type LbIpamSettings, type Raw } from "../../src/core/ipam/index.ts";

export const NOW = "2026-11-27T12:00:00Z";

/** Plain objects as planner input, as if loaded from `file` (no line numbers). */
export function planInputs(raws: readonly Raw[], file: string): PlanInput[] {
  return raws.map((obj, order) => ({ obj, source: { file, line: undefined, order }, locate: () => undefined }));
}

export interface PoolOpts {
  selector?: Raw;
  disabled?: boolean;
  allowFirstLastIPs?: string;
  created?: string;
  apiVersion?: string;
}

/** Blocks: "10.0.0.0/24" is a cidr, "a-b" a start/stop range, "a-" a single start. */
export function pool(name: string, blocks: string[], o: PoolOpts = {}): Raw {
  const spec: Raw = {
    blocks: blocks.map((b) => {
      if (b.includes("/")) return { cidr: b };
      const [start, stop] = b.split("-") as [string, string | undefined];
      return stop ? { start, stop } : { start };
    }),
  };
  if (o.selector) spec["serviceSelector"] = o.selector;
  if (o.disabled !== undefined) spec["disabled"] = o.disabled;
  if (o.allowFirstLastIPs !== undefined) spec["allowFirstLastIPs"] = o.allowFirstLastIPs;
  const metadata: Raw = { name };
  if (o.created) metadata["creationTimestamp"] = o.created;
  return { apiVersion: o.apiVersion ?? "cilium.io/v2", kind: "CiliumLoadBalancerIPPool", metadata, spec };
}

export interface SvcOpts {
  ns?: string;
  labels?: Record<string, string>;
  ann?: Record<string, string>;
  lbIP?: string;
  ports?: { port: number; protocol?: string }[];
  etp?: string;
  selector?: Record<string, string>;
  families?: string[];
  policy?: string;
  cls?: string;
  type?: string;
  ingress?: string[];
}

export function svc(name: string, o: SvcOpts = {}): Raw {
  const spec: Raw = { type: o.type ?? "LoadBalancer" };
  if (o.lbIP) spec["loadBalancerIP"] = o.lbIP;
  if (o.ports) spec["ports"] = o.ports;
  if (o.etp) spec["externalTrafficPolicy"] = o.etp;
  if (o.selector) spec["selector"] = o.selector;
  if (o.families) spec["ipFamilies"] = o.families;
  if (o.policy) spec["ipFamilyPolicy"] = o.policy;
  if (o.cls) spec["loadBalancerClass"] = o.cls;
  const metadata: Raw = { name, namespace: o.ns ?? "default" };
  if (o.labels) metadata["labels"] = o.labels;
  if (o.ann) metadata["annotations"] = o.ann;
  const obj: Raw = { apiVersion: "v1", kind: "Service", metadata, spec };
  if (o.ingress) obj["status"] = { loadBalancer: { ingress: o.ingress.map((ip) => (ip.startsWith("host:") ? { hostname: ip.slice(5) } : { ip })) } };
  return obj;
}

export interface SvcOutcome {
  ips: readonly string[];
  status: string | undefined;
  reason: string | undefined;
  message: string | undefined;
  /** Whether LB-IPAM would write the Service's status. */
  written: boolean;
}

export interface Run {
  plan: PoolPlan;
  svc(name: string, ns?: string): SvcOutcome;
  counts(pool: string): string;
  conflict(pool: string): string | undefined;
}

export function run(objs: Raw[], settings: Partial<LbIpamSettings> = {}): Run {
  const plan = computePoolPlan(planInputs(objs, "test.yaml"), { ...DEFAULT_SETTINGS, ...settings }, NOW);
  return {
    plan,
    svc(name, ns = "default") {
      const s = plan.result.services.find((x) => x.spec.name === name && x.spec.namespace === ns);
      if (!s) throw new Error(`no service ${ns}/${name}`);
      const out = plan.serviceObjects.get(s)!;
      const c = effectiveCondition(out, s);
      const ips = s.ignored === undefined ? s.ingress.map((e) => (e as Raw)["ip"] as string) : [];
      return { ips, status: c?.status, reason: c?.reason, message: c?.message, written: out !== objs[s.spec.order] };
    },
    counts(name) {
      const p = plan.result.pools.find((x) => x.spec.name === name);
      if (!p) throw new Error(`no pool ${name}`);
      const c = poolCounts(p);
      return `${c.total}/${c.available}/${c.used}`;
    },
    conflict(name) {
      return plan.result.pools.find((x) => x.spec.name === name)?.conflict;
    },
  };
}

/** A random pool, as the property tests draw them (blocks as written in a manifest). */
export interface GenPool {
  blocks: readonly Raw[];
  disabled: boolean;
  aflip?: string | undefined;
  selector?: Raw | undefined;
  created?: string | undefined;
}

/** A random Service, as the property tests draw them. */
export interface GenSvc {
  ns: string;
  team?: string | undefined;
  tier?: string | undefined;
  key: string;
  cross?: string | undefined;
  permit?: string | undefined;
  ips: readonly string[];
  useIps: boolean;
  ports: readonly number[];
  proto?: string | undefined;
  etp?: string | undefined;
  app?: string | undefined;
  policy?: string | undefined;
  families?: readonly string[] | undefined;
  cls?: string | undefined;
  ingress: readonly string[];
  /** With status: carry LB-IPAM's condition too. */
  condition?: boolean | undefined;
}

export function genPoolObject(p: GenPool, i: number): Raw {
  const spec: Raw = { blocks: p.blocks, disabled: p.disabled };
  if (p.aflip) spec["allowFirstLastIPs"] = p.aflip;
  if (p.selector) spec["serviceSelector"] = p.selector;
  return { apiVersion: "cilium.io/v2", kind: "CiliumLoadBalancerIPPool", metadata: { name: `p${i}`, ...(p.created ? { creationTimestamp: p.created } : {}) }, spec };
}

export function genServiceObject(s: GenSvc, i: number, withStatus: boolean): Raw {
  const ann: Record<string, string> = {};
  if (s.key) ann["lbipam.cilium.io/sharing-key"] = s.key;
  if (s.cross) ann["lbipam.cilium.io/sharing-cross-namespace"] = s.cross;
  if (s.permit) ann["lbipam.cilium.io/sharing-permit-different-pods"] = s.permit;
  if (s.useIps && s.ips.length > 0) ann["lbipam.cilium.io/ips"] = s.ips.join(",");
  const spec: Raw = { type: "LoadBalancer", ports: s.ports.map((port) => ({ port, ...(s.proto ? { protocol: s.proto } : {}) })) };
  if (s.etp) spec["externalTrafficPolicy"] = s.etp;
  if (s.app) spec["selector"] = { app: s.app };
  if (s.policy) spec["ipFamilyPolicy"] = s.policy;
  if (s.families) spec["ipFamilies"] = s.families;
  if (s.cls) spec["loadBalancerClass"] = s.cls;
  const labels: Record<string, string> = {};
  if (s.team) labels["team"] = s.team;
  if (s.tier) labels["tier"] = s.tier;
  const obj: Raw = { apiVersion: "v1", kind: "Service", metadata: { name: `s${i}`, namespace: s.ns, labels, annotations: ann }, spec };
  if (withStatus && (s.ingress.length > 0 || s.condition)) {
    obj["status"] = {
      loadBalancer: { ingress: s.ingress.map((ip) => ({ ip })) },
      ...(s.condition ? { conditions: [{ type: "cilium.io/IPAMRequestSatisfied", status: "True", reason: "satisfied", message: "" }] } : {}),
    };
  }
  return obj;
}
