// Table, wide and json/yaml forms of `lbctl l2 status`. The table answers "is it fine, and if not
// why" in one line per address; wide adds the evidence (policies, lease, MACs, RTT).
import type { Paint, Table, View } from "../output.ts";
import type { AddressStatus, StatusSummary } from "../../core/l2status/model.ts";
import { ageText } from "../../core/announce/lease-record.ts";

function answeredText(r: AddressStatus, wide: boolean): string {
  if (r.probe === null) return "-";
  if (r.probe.sent === 0) return "<skipped>";
  if (r.probe.answers.length === 0) return "<none>";
  return r.probe.answers.map((a) => (wide && a.rttMs !== null ? `${a.mac}(${a.rttMs.toFixed(2)}ms)` : a.mac)).join(",");
}

function holderText(r: AddressStatus): string {
  if (r.lease === null) return "<none>";
  return r.lease.holder ?? "<released>";
}

function summaryLine(s: StatusSummary): string {
  const parts = Object.entries(s.byVerdict).filter(([k]) => k !== "ok").map(([k, n]) => `${n} ${k}`);
  return `${s.addresses} address${s.addresses === 1 ? "" : "es"}: ${s.ok} ok${parts.length > 0 ? ", " + parts.join(", ") : ""}${s.probed ? "" : " (not probed: pass --probe to check the wire)"}`;
}

export function l2StatusView(rows: readonly AddressStatus[], summary: StatusSummary): View {
  const verdict = (p: Paint, r: AddressStatus): string => (r.verdict === "ok" ? p.ok(r.verdict) : r.verdict === "pending-ip" ? p.warn(r.verdict) : p.bad(r.verdict));
  const table = (p: Paint, wide: boolean): Table => ({
    headers: wide
      ? ["ADDRESS", "SERVICES", "POOL", "POLICIES", "LEASE", "HOLDER", "RENEWED", "HOLDER-MAC", "ANSWERED", "VERDICT", "REASON"]
      : ["ADDRESS", "SERVICES", "POOL", "HOLDER", "RENEWED", "ANSWERED", "VERDICT", "REASON"],
    rows: rows.map((r) => {
      const address = r.address ?? "<pending>";
      const services = r.services.join(",");
      const pool = r.pool ?? "<none>";
      const renewed = ageText(r.lease?.renewAgeSeconds ?? null);
      if (!wide) return [address, services, pool, holderText(r), renewed, answeredText(r, false), verdict(p, r), r.reason];
      const macs = r.holderMacs.map((m) => `${m.interface}=${m.mac}`).join(",") || "<unknown>";
      const lease = r.lease === null ? "<none>" : `${r.lease.namespace}/${r.lease.name}`;
      return [address, services, pool, r.policies.join(",") || "<none>", lease, holderText(r), renewed, macs, answeredText(r, true), verdict(p, r), r.reason];
    }),
    footer: [summaryLine(summary)],
  });
  return {
    table: (p) => table(p, false),
    wide: (p) => table(p, true),
    data: () => ({ kind: "L2Status", apiVersion: "lbctl.io/v1alpha1", summary, addresses: rows }),
  };
}
