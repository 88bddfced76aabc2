// The service map: every frontend of every Service with its backends and a stable ID.
//
// ID rule: Services are ordered by namespace then name; each Service's frontends follow in
// emission order (frontends.ts); IDs count from 1 along that order. The same input therefore
// always gets the same IDs, and the filters (--type, --frontend) never renumber; only the set
// of Services read (-n, -l, -f) and --node/--node-ips (which add or remove rows) change them.
import { backendsFor, type Backend } from "./backends.ts";
import { frontendsOf, type FrontendDef, type FrontendOptions, type FrontendType } from "./frontends.ts";
import { canonicalIp } from "../ip.ts";
import type { FrontendQuery } from "./addr.ts";
import type { NodeInfo, PodInfo, ServiceInfo, SliceInfo } from "./model.ts";
import { AnnotationWarnings, serviceAnnotations, type ServiceAnnotations } from "./annotations.ts";
import { selectByTopology, type LeftOut } from "./topology.ts";
import { hostPortEntries } from "./hostport.ts";

export interface MapEntry extends FrontendDef {
  readonly id: number;
  readonly service: ServiceInfo;
  readonly backends: readonly Backend[];
  /** Backends this node does not use, with the reason (only with --node; -o wide shows them). */
  readonly leftOut?: readonly LeftOut[] | undefined;
  /** The Service's agent annotations (proxy delegation, forwarding mode, …) when it has any. */
  readonly annotations?: ServiceAnnotations | undefined;
}

export interface ServiceMap {
  readonly entries: MapEntry[];
  readonly warnings: string[];
}

export interface MapOptions extends FrontendOptions {
  /** Warn about EndpointSlices whose Service is absent (off when a selector explains it). */
  readonly warnOrphanSlices?: boolean;
  /** The Node object of `node`, for its zone (topology) and labels (service.cilium.io/node exposure). */
  readonly nodeInfo?: NodeInfo | undefined;
  /** Pods whose hostPorts become HostPort frontends (needs agent.hostPort; with `node`, that node's only). */
  readonly pods?: readonly PodInfo[] | undefined;
}

const key = (ns: string, name: string): string => `${ns}/${name}`;

function summary(what: string, names: string[]): string {
  const shown = names.slice(0, 5).join(", ");
  return `${names.length} ${what}: ${shown}${names.length > 5 ? `, … (${names.length - 5} more)` : ""}`;
}

export function buildServiceMap(services: readonly ServiceInfo[], slices: readonly SliceInfo[], o: MapOptions = {}): ServiceMap {
  const byService = new Map<string, SliceInfo[]>();
  for (const s of slices) {
    const k = key(s.namespace, s.service);
    const list = byService.get(k);
    if (list) list.push(s);
    else byService.set(k, [s]);
  }
  for (const list of byService.values()) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sorted = [...services].sort((a, b) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.namespace < b.namespace ? -1 : 1));

  const entries: MapEntry[] = [];
  const known = new Set<string>();
  const withoutSlices: string[] = [];
  let id = 0;
  const annWarnings = new AnnotationWarnings();
  const notExposed: string[] = [];
  const topologyOn = o.node !== undefined && (o.agent === undefined || o.agent.serviceTopology);
  const zone = o.nodeInfo?.zone ?? "";
  const global: string[] = [];
  for (const svc of sorted) {
    const k = key(svc.namespace, svc.name);
    known.add(k);
    const ann = serviceAnnotations(svc, annWarnings);
    if (ann.global) global.push(k);
    // Node exposure: on a node whose labels do not match, the agent programs nothing for it.
    if (o.node !== undefined && ann.exposedOn !== undefined && !ann.exposedOn(o.nodeInfo?.labels ?? {})) {
      notExposed.push(k);
      continue;
    }
    const mine = byService.get(k) ?? [];
    const fronts = frontendsOf(svc, o, ann);
    if (fronts.length > 0 && mine.length === 0) withoutSlices.push(k);
    const cache = new Map<string, Backend[]>();
    const annField = svc.annotations === undefined ? {} : { annotations: ann };
    for (const f of fronts) {
      const ck = `${f.portName}|${f.protocol}|${f.family}`;
      let all = cache.get(ck);
      if (!all) cache.set(ck, (all = backendsFor(mine, f.portName, f.protocol, f.family)));
      if (o.node === undefined) {
        entries.push({ ...f, id: ++id, service: svc, backends: all, ...annField });
        continue;
      }
      let backends: readonly Backend[] = all;
      const leftOut: LeftOut[] = [];
      if (f.policy === "Local") {
        backends = all.filter((b) => b.nodeName === o.node);
        for (const b of all) if (b.nodeName !== o.node) leftOut.push({ backend: b, reason: "not local" });
      } else if (topologyOn) {
        const sel = selectByTopology(all, ann.topology, o.node, zone);
        backends = sel.used;
        leftOut.push(...sel.leftOut);
      }
      entries.push({ ...f, id: ++id, service: svc, backends, ...annField, ...(leftOut.length > 0 ? { leftOut } : {}) });
    }
  }
  if (o.pods !== undefined && (o.agent === undefined || o.agent.hostPort)) {
    for (const e of hostPortEntries(o.pods, o.node, o.agent)) entries.push({ ...e, id: ++id });
  }
  const warnings: string[] = [...annWarnings.lines()];
  if (notExposed.length > 0) warnings.push(summary(`Services are not exposed on node ${o.node ?? ""} (service.cilium.io/node or node-selector does not match its labels) and are left out`, notExposed));
  if (global.length > 0) warnings.push(summary("Services are global (service.cilium.io/global): backends in other clusters of the mesh are not in this cluster's API and are not shown", global));
  if (withoutSlices.length > 0) warnings.push(summary("Services have no EndpointSlices and are listed without backends", withoutSlices));
  if (o.warnOrphanSlices) {
    const orphans = slices.filter((s) => !known.has(key(s.namespace, s.service))).map((s) => `${key(s.namespace, s.name)} (Service "${s.service || "<no kubernetes.io/service-name label>"}")`);
    if (orphans.length > 0) warnings.push(summary("EndpointSlices have no Service and are ignored", orphans));
  }
  return { entries, warnings };
}

export interface EntryFilter {
  readonly types?: readonly FrontendType[] | undefined;
  readonly frontend?: FrontendQuery | undefined;
}

export function filterEntries(entries: readonly MapEntry[], f: EntryFilter): MapEntry[] {
  return entries.filter(
    (e) =>
      (f.types === undefined || f.types.length === 0 || f.types.includes(e.type)) &&
      (f.frontend === undefined || (canonicalIp(e.ip) === f.frontend.ip && (f.frontend.port === undefined || f.frontend.port === e.port))),
  );
}
