// `lbctl service list --datapath`: the service list table (core/service/render.ts columns) built
// from this node's LB maps instead of from Kubernetes. ID = the rev-NAT (service) ID.
import { backendStateName, frontendAddr, sortedByKey, hostPort, protoName, serviceType, type LbMaps, type ServiceEntry } from "./render.ts";

export interface DatapathFrontend {
  id: number;
  frontend: string;
  type: string;
  backends: { slot: number; address: string; state: string }[];
}

export function datapathFrontends(m: LbMaps): DatapathFrontend[] {
  const backends = new Map(m.backends.map((b) => [b.id, b]));
  const slots = new Map<string, ServiceEntry[]>();
  const masters: ServiceEntry[] = [];
  for (const s of m.services) {
    if (s.key.slot === 0) masters.push(s);
    else {
      const k = frontendAddr(s.key);
      const l = slots.get(k);
      if (l) l.push(s);
      else slots.set(k, [s]);
    }
  }
  return sortedByKey(masters).map((mst) => {
    const fe = frontendAddr(mst.key);
    const mine = (slots.get(fe) ?? []).sort((a, b) => a.key.slot - b.key.slot);
    return {
      id: mst.value.revNat,
      frontend: fe,
      type: serviceType(mst.value.flags),
      backends: mine.map((s) => {
        const b = backends.get(s.value.union);
        if (!b) return { slot: s.key.slot, address: `backend ${s.value.union} not found`, state: "missing" };
        const state = s.key.slot > mst.value.count ? (b.state === 0 ? "quarantined" : backendStateName(b.state)) : backendStateName(b.state);
        return { slot: s.key.slot, address: `${hostPort(b.address, b.family, b.port)}/${protoName(b.proto)}`, state };
      }),
    };
  });
}

export function datapathTableRows(fes: readonly DatapathFrontend[]): string[][] {
  const rows: string[][] = [];
  for (const f of fes) {
    if (f.backends.length === 0) rows.push([String(f.id), f.frontend, f.type, ""]);
    f.backends.forEach((b, i) => {
      const text = `${b.slot} => ${b.address} (${b.state})`;
      rows.push(i === 0 ? [String(f.id), f.frontend, f.type, text] : ["", "", "", text]);
    });
  }
  return rows;
}
