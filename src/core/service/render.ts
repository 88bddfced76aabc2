// Presentation of the map: the cilium-dbg table (one row per frontend, further backends on
// continuation rows), the wide table, and the cilium-dbg REST JSON shape.
import { formatL3n4 } from "./addr.ts";
import type { Backend, BackendState } from "./backends.ts";
import type { MapEntry } from "./map.ts";

export const TABLE_HEADERS = ["ID", "Frontend", "Service Type", "Backend"];
export const WIDE_HEADERS = ["ID", "Frontend", "Service Type", "Service", "Traffic-Policy", "Backend", "Node", "Zone"];

export const frontendText = (e: MapEntry): string => formatL3n4(e.ip, e.port, e.protocol, e.scope === "internal");
/** Decorates a backend state word (colour on a terminal); identity by default. */
export type StateStyle = (state: BackendState) => string;
const plainState: StateStyle = (s) => s;

const backendText = (b: Backend, n: number, style: StateStyle): string => [n, " => ", formatL3n4(b.ip, b.port, b.protocol), " (", style(b.state), ")"].join("");

export function tableRows(entries: readonly MapEntry[], style: StateStyle = plainState): string[][] {
  const rows: string[][] = [];
  for (const e of entries) {
    const fe = frontendText(e);
    if (e.backends.length === 0) rows.push([String(e.id), fe, e.type, ""]);
    e.backends.forEach((b, i) => rows.push(i === 0 ? [String(e.id), fe, e.type, backendText(b, 1, style)] : ["", "", "", backendText(b, i + 1, style)]));
  }
  return rows;
}

/** `Cluster`, `Local`, or `Ext=Local,Int=Cluster` when they differ (no spaces: kubectl column rule). */
export function policyText(e: MapEntry): string {
  const s = e.service;
  return s.etp === s.itp ? s.etp : `Ext=${s.etp},Int=${s.itp}`;
}

export function wideRows(entries: readonly MapEntry[], style: StateStyle = plainState): string[][] {
  const rows: string[][] = [];
  for (const e of entries) {
    const head = [String(e.id), frontendText(e), e.type, `${e.service.namespace}/${e.service.name}`, policyText(e)];
    if (e.backends.length === 0) rows.push([...head, "", "", ""]);
    e.backends.forEach((b, i) => {
      const cells = [backendText(b, i + 1, style), b.nodeName || "<none>", b.zone || "<none>"];
      rows.push(i === 0 ? [...head, ...cells] : ["", "", "", "", "", ...cells]);
    });
    // Backends this node does not use (--node): after the used ones, with the reason.
    for (const l of e.leftOut ?? []) {
      const b = l.backend;
      rows.push(["", "", "", "", "", `- ${formatL3n4(b.ip, b.port, b.protocol)} (left out: ${l.reason})`, b.nodeName || "<none>", b.zone || "<none>"]);
    }
  }
  return rows;
}

export interface RestOptions {
  /** enable-health-check-nodeport: healthCheckNodePort is only reported when the agent serves it. */
  readonly healthCheckNodePort?: boolean | undefined;
}

/** The cilium-dbg `GET /v1/service` model; empty optional fields omitted as go-swagger does. */
export function toRestModel(entries: readonly MapEntry[], o: RestOptions = {}): unknown[] {
  const hc = o.healthCheckNodePort !== false;
  return entries.map((e) => {
    const s = e.service;
    const a = e.annotations;
    const spec = {
      id: e.id,
      "frontend-address": { ip: e.ip, port: e.port, protocol: e.protocol, scope: e.scope },
      "backend-addresses": e.backends.map((b) => ({
        ip: b.ip,
        port: b.port,
        protocol: b.protocol,
        ...(b.nodeName ? { nodeName: b.nodeName } : {}),
        ...(b.zone ? { zone: b.zone } : {}),
        state: b.state,
        preferred: true,
        weight: 100,
      })),
      flags: {
        type: e.type,
        trafficPolicy: e.policy,
        extTrafficPolicy: s.etp,
        intTrafficPolicy: s.itp,
        ...(s.healthCheckNodePort && hc ? { healthCheckNodePort: s.healthCheckNodePort } : {}),
        ...(a?.proxyDelegation === "delegate-if-local" ? { proxyDelegation: a.proxyDelegation } : {}),
        ...(a?.forwardingMode !== undefined ? { forwardingMode: a.forwardingMode } : {}),
        ...(a !== undefined && a.affinity !== "none" ? { clusterAffinity: a.affinity } : {}),
        name: s.name,
        namespace: s.namespace,
      },
    };
    return { spec, status: { realized: spec } };
  });
}
