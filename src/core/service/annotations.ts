// The Service annotations the Cilium agent reads when it turns a Service into frontends, decoded
// once per Service. Unknown values fall back as the agent does and are reported once per
// (annotation, value) pair, however many Services carry them (AnnotationWarnings).
import { labelMatcher, parseLabelQuery, type LabelMatcher } from "../label-query.ts";
import type { ServiceInfo } from "./model.ts";

export const ANNOTATIONS = {
  type: "service.cilium.io/type",
  node: "service.cilium.io/node",
  nodeSelector: "service.cilium.io/node-selector",
  proxyDelegation: "service.cilium.io/proxy-delegation",
  global: "service.cilium.io/global",
  shared: "service.cilium.io/shared",
  affinity: "service.cilium.io/affinity",
  scope: "service.cilium.io/scope",
  forwardingMode: "service.cilium.io/forwarding-mode",
  topologyMode: "service.kubernetes.io/topology-mode",
  topologyHints: "service.kubernetes.io/topology-aware-hints",
} as const;

/** The node label `service.cilium.io/node` (annotation) is compared with. */
export const NODE_EXPOSURE_LABEL = "service.cilium.io/node";

export const isAgentAnnotation = (k: string): boolean => k.startsWith("service.cilium.io/") || k === ANNOTATIONS.topologyMode || k === ANNOTATIONS.topologyHints;

export type ExposedType = "ClusterIP" | "NodePort" | "LoadBalancer";
export type TopologyRule = "none" | "zone" | "node";

export interface ServiceAnnotations {
  /** service.cilium.io/type: only frontends of this type; undefined = every type. */
  readonly exposeOnly: ExposedType | undefined;
  /** Node exposure: does a node with these labels program the Service? undefined = every node. */
  readonly exposedOn: ((labels: Readonly<Record<string, string>>) => boolean) | undefined;
  readonly proxyDelegation: "none" | "delegate-if-local";
  readonly global: boolean;
  readonly shared: boolean;
  readonly affinity: "none" | "local" | "remote";
  readonly forwardingMode: "dsr" | "snat" | undefined;
  /** Topology-aware routing from trafficDistribution or topology-mode: Auto. */
  readonly topology: TopologyRule;
}

/** Collects "unknown value" warnings, one line per annotation and value. */
export class AnnotationWarnings {
  private readonly seen = new Map<string, { first: string; count: number; text: string }>();
  add(svc: ServiceInfo, key: string, value: string, fallback: string): void {
    const k = `${key}\u0000${value}`;
    const e = this.seen.get(k);
    if (e) e.count++;
    else this.seen.set(k, { first: `${svc.namespace}/${svc.name}`, count: 1, text: `${key}: "${value}" ${fallback}` });
  }
  lines(): string[] {
    return [...this.seen.values()].map((e) => `${e.text} (${e.first}${e.count > 1 ? ` and ${e.count - 1} more` : ""})`);
  }
}

const NONE: ServiceAnnotations = { exposeOnly: undefined, exposedOn: undefined, proxyDelegation: "none", global: false, shared: true, affinity: "none", forwardingMode: undefined, topology: "none" };
const matcherCache = new Map<string, LabelMatcher | null>();

function bool(svc: ServiceInfo, key: string, v: string | undefined, d: boolean, w: AnnotationWarnings): boolean {
  if (v === undefined) return d;
  const t = v.trim().toLowerCase();
  if (t === "true") return true;
  if (t === "false") return false;
  w.add(svc, key, v, `is not true or false; taken as ${String(d)}, as the agent does`);
  return d;
}

export function serviceAnnotations(svc: ServiceInfo, w: AnnotationWarnings): ServiceAnnotations {
  const a = svc.annotations;
  const td = svc.trafficDistribution;
  if (a === undefined && td === undefined) return NONE;
  const get = (k: string): string | undefined => a?.[k];

  let exposeOnly: ExposedType | undefined;
  const type = get(ANNOTATIONS.type);
  if (type !== undefined) {
    const t = (["ClusterIP", "NodePort", "LoadBalancer"] as const).find((x) => x.toLowerCase() === type.trim().toLowerCase());
    if (t) exposeOnly = t;
    else w.add(svc, ANNOTATIONS.type, type, "is not ClusterIP, NodePort or LoadBalancer; every frontend type is exposed, as the agent does");
  }

  let exposedOn: ServiceAnnotations["exposedOn"];
  const sel = get(ANNOTATIONS.nodeSelector);
  const node = get(ANNOTATIONS.node);
  if (sel !== undefined) {
    let m = matcherCache.get(sel);
    if (m === undefined) {
      try {
        m = labelMatcher(parseLabelQuery(sel));
      } catch {
        m = null;
      }
      matcherCache.set(sel, m);
    }
    if (m === null) w.add(svc, ANNOTATIONS.nodeSelector, sel, "is not a label selector; the Service is exposed on every node");
    else {
      const match = m;
      exposedOn = (labels) => match(labels);
    }
  } else if (node !== undefined) {
    const values = new Set(node.split(",").map((v) => v.trim()).filter((v) => v !== ""));
    exposedOn = (labels) => values.has(labels[NODE_EXPOSURE_LABEL] ?? "");
  }

  let proxyDelegation: ServiceAnnotations["proxyDelegation"] = "none";
  const pd = get(ANNOTATIONS.proxyDelegation);
  if (pd !== undefined) {
    if (pd === "delegate-if-local") proxyDelegation = pd;
    else if (pd !== "none") w.add(svc, ANNOTATIONS.proxyDelegation, pd, "is not none or delegate-if-local; taken as none, as the agent does");
  }

  let affinity: ServiceAnnotations["affinity"] = "none";
  const af = get(ANNOTATIONS.affinity);
  if (af !== undefined) {
    const t = af.trim().toLowerCase();
    if (t === "local" || t === "remote" || t === "none") affinity = t;
    else w.add(svc, ANNOTATIONS.affinity, af, "is not local, remote or none; taken as none, as the agent does");
  }

  let forwardingMode: ServiceAnnotations["forwardingMode"];
  const fm = get(ANNOTATIONS.forwardingMode);
  if (fm !== undefined) {
    const t = fm.trim().toLowerCase();
    if (t === "dsr" || t === "snat") forwardingMode = t;
    else w.add(svc, ANNOTATIONS.forwardingMode, fm, "is not dsr or snat; the agent's global mode applies");
  }

  const scope = get(ANNOTATIONS.scope);
  if (scope !== undefined) w.add(svc, ANNOTATIONS.scope, scope, "is not read by the Cilium agent (scopes follow the traffic policies); ignored");

  let topology: TopologyRule = "none";
  if (td !== undefined) {
    if (td === "PreferClose" || td === "PreferSameZone") topology = "zone";
    else if (td === "PreferSameNode") topology = "node";
    else w.add(svc, "spec.trafficDistribution", td, "is not PreferClose, PreferSameZone or PreferSameNode; ignored, as kube-proxy and the agent do");
  }
  const mode = get(ANNOTATIONS.topologyMode) ?? get(ANNOTATIONS.topologyHints);
  if (topology === "none" && mode !== undefined) {
    const t = mode.trim().toLowerCase();
    if (t === "auto") topology = "zone";
    else if (t !== "disabled" && t !== "") w.add(svc, a?.[ANNOTATIONS.topologyMode] !== undefined ? ANNOTATIONS.topologyMode : ANNOTATIONS.topologyHints, mode, "is not Auto or Disabled; topology hints are not used");
  }

  return {
    exposeOnly,
    exposedOn,
    proxyDelegation,
    global: bool(svc, ANNOTATIONS.global, get(ANNOTATIONS.global), false, w),
    shared: bool(svc, ANNOTATIONS.shared, get(ANNOTATIONS.shared), true, w),
    affinity,
    forwardingMode,
    topology,
  };
}
