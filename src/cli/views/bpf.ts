// Views of `lbctl bpf …`. `bpf lb list` prints cilium-dbg's two columns; its json/yaml is
// cilium-dbg's map of first column → second-column values (keys sorted).
import type { View } from "../output.ts";
import type { L2Row } from "../../core/bpf/l2.ts";

export function bpfListView(headers: [string, string], rows: readonly [string, string][]): View {
  return {
    table: () => ({ headers: [...headers], rows: rows.map((r) => [...r]) }),
    data: () => {
      const out: Record<string, string[]> = {};
      for (const [k, v] of [...rows].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) (out[k] ??= []).push(v);
      return out;
    },
  };
}

export interface HeartbeatState {
  /** null: unknown (see `present`). */
  ageMs: number | null;
  /** Whether cilium_runtime_config is pinned. */
  present: boolean;
  stale: boolean;
}

export function heartbeatLine(h: HeartbeatState): string {
  if (!h.present) return "agent heartbeat: unknown (cilium_runtime_config is not pinned)";
  if (h.ageMs === null) return "agent heartbeat: never written (AgentLiveness is 0): the datapath will not answer";
  const age = `${(h.ageMs / 1000).toFixed(1)}s old`;
  return h.stale ? `agent heartbeat: ${age}, older than the L2 lease duration: the entries exist but the datapath will not answer` : `agent heartbeat: ${age}`;
}

export function bpfL2View(rows: readonly L2Row[], heartbeat: HeartbeatState): View {
  return {
    table: (p) => ({
      headers: ["ADDRESS", "INTERFACE", "IFINDEX", "RESPONSES"],
      rows: rows.map((r) => [r.address, r.interface ?? "<unknown>", String(r.ifindex), r.responses]),
      footer: [heartbeat.stale || heartbeat.ageMs === null ? p.bad(heartbeatLine(heartbeat)) : heartbeatLine(heartbeat)],
    }),
    data: () => ({ entries: rows, heartbeatAgeSeconds: heartbeat.ageMs === null ? null : heartbeat.ageMs / 1000, heartbeatStale: heartbeat.stale, heartbeat: heartbeatLine(heartbeat) }),
  };
}
