// Table, wide and json/yaml forms of `lbctl announce status`.
import type { Paint, Table, View } from "../output.ts";
import type { GroupStatus } from "../../core/announce/status-rows.ts";
import { ageText } from "../../core/announce/lease-record.ts";

export function announceStatusView(rows: readonly GroupStatus[]): View {
  const stateText = (p: Paint, r: GroupStatus): string => (r.state === "held" || r.state === "answering" ? p.ok(r.state) : r.state === "released" ? p.dim(r.state) : p.warn(r.state));
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
