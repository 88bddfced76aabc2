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
import type { ServiceInfo, SliceInfo } from "./model.ts";

export interface MapEntry extends FrontendDef {
  readonly id: number;
  readonly service: ServiceInfo;
  readonly backends: readonly Backend[];
}

export interface ServiceMap {
  readonly entries: MapEntry[];
  readonly warnings: string[];
}

export interface MapOptions extends FrontendOptions {
  /** Warn about EndpointSlices whose Service is absent (off when a selector explains it). */
  readonly warnOrphanSlices?: boolean;
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
  for (const svc of sorted) {
    const k = key(svc.namespace, svc.name);
    known.add(k);
    const mine = byService.get(k) ?? [];
    const fronts = frontendsOf(svc, o);
    if (fronts.length > 0 && mine.length === 0) withoutSlices.push(k);
    const cache = new Map<string, Backend[]>();
    for (const f of fronts) {
      const ck = `${f.portName}|${f.protocol}|${f.family}`;
      let all = cache.get(ck);
      if (!all) cache.set(ck, (all = backendsFor(mine, f.portName, f.protocol, f.family)));
      const backends = o.node !== undefined && f.policy === "Local" ? all.filter((b) => b.nodeName === o.node) : all;
      entries.push({ ...f, id: ++id, service: svc, backends });
    }
  }
  const warnings: string[] = [];
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
