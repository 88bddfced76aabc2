// `lbctl announce status`: each announced address group with its Services, lease holder, renew
// age and the interfaces/MACs the holder published. Built from the cluster-wide plan plus the
// Leases; a Lease without a group is shown as stale.
import type { Paint, Table, View } from "../../cli/output.ts";
import type { AddressGroup } from "./policy.ts";
import type { LeaseObject } from "./objects.ts";
import { toStoredLease } from "./objects.ts";

export interface GroupStatus {
  readonly address: string;
  readonly lease: string;
  readonly services: readonly string[];
  readonly policies: readonly string[];
  readonly holder: string | null;
  readonly renewTime: string | null;
  readonly renewAgeSeconds: number | null;
  readonly expired: boolean;
  readonly interfaces: readonly { name: string; mac: string }[];
  readonly transitions: number;
  readonly state: "held" | "expired" | "released" | "no-lease" | "stale";
}

export function groupStatuses(groups: readonly AddressGroup[], leases: readonly LeaseObject[], now: number): GroupStatus[] {
  const byName = new Map(leases.map((l) => [l.metadata?.name ?? "", l]));
  const rows: GroupStatus[] = groups.map((g) => row(g.ip, g.leaseName, g.services, g.policies, byName.get(g.leaseName), now, false));
  const known = new Set(groups.map((g) => g.leaseName));
  for (const [name, l] of byName) {
    if (!name.startsWith("lbctl-l2-") || known.has(name)) continue;
    const ann = l.metadata?.annotations ?? {};
    rows.push(row(ann["lbctl.io/ip"] ?? "?", name, (ann["lbctl.io/services"] ?? "").split(",").filter(Boolean), [], l, now, true));
  }
  return rows;
}

function row(address: string, lease: string, services: readonly string[], policies: readonly string[], l: LeaseObject | undefined, now: number, stale: boolean): GroupStatus {
  if (!l) return { address, lease, services, policies, holder: null, renewTime: null, renewAgeSeconds: null, expired: false, interfaces: [], transitions: 0, state: "no-lease" };
  const { record } = toStoredLease(l);
  const renew = record.renewTime;
  const age = renew === undefined ? null : Math.max(0, Math.round((now - renew) / 1000));
  const expired = renew === undefined || now > renew + record.leaseDurationSeconds * 1000;
  const interfaces = (l.metadata?.annotations?.["lbctl.io/interfaces"] ?? "").split(",").filter(Boolean).map((p) => {
    const [name = "", mac = ""] = p.split("=");
    return { name, mac };
  });
  const state = stale ? "stale" : record.holderIdentity === "" ? "released" : expired ? "expired" : "held";
  return {
    address, lease, services, policies, holder: record.holderIdentity || null, renewTime: renew === undefined ? null : new Date(renew).toISOString(),
    renewAgeSeconds: age, expired, interfaces, transitions: record.leaseTransitions, state,
  };
}

function ageText(s: number | null): string {
  if (s === null) return "<none>";
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

export function statusView(rows: readonly GroupStatus[]): View {
  const stateText = (p: Paint, r: GroupStatus): string => (r.state === "held" ? p.ok(r.state) : r.state === "released" ? p.dim(r.state) : p.warn(r.state));
  const table = (p: Paint, wide: boolean): Table => ({
    headers: wide
      ? ["ADDRESS", "SERVICES", "HOLDER", "STATE", "RENEWED", "INTERFACES", "LEASE", "POLICIES", "TRANSITIONS"]
      : ["ADDRESS", "SERVICES", "HOLDER", "STATE", "RENEWED", "INTERFACES"],
    rows: rows.map((r) => {
      const base = [
        r.address, r.services.join(",") || "<none>", r.holder ?? "<none>", stateText(p, r), ageText(r.renewAgeSeconds),
        r.interfaces.map((i) => (wide ? `${i.name}(${i.mac})` : i.name)).join(",") || "<none>",
      ];
      return wide ? [...base, r.lease, r.policies.join(",") || "<none>", String(r.transitions)] : base;
    }),
  });
  return { table: (p) => table(p, false), wide: (p) => table(p, true), data: () => ({ groups: rows }) };
}
