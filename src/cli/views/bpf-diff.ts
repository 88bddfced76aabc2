// `lbctl service diff`: one row per persistent problem, with how long it has been seen.
import type { View } from "../output.ts";
import type { Problem } from "../../core/bpf/diff.ts";

export function serviceDiffView(problems: readonly Problem[], ageMs: number, node: string): View {
  const age = `>=${(ageMs / 1000).toFixed(1)}s`;
  return {
    table: (p) => ({
      headers: ["KIND", "SUBJECT", "DETAIL", "AGE"],
      rows: problems.map((x) => [p.bad(x.kind), x.subject, x.detail, age]),
      footer: [problems.length === 0 ? p.ok(`node ${node}: the datapath matches Kubernetes`) : `node ${node}: ${problems.length} problem${problems.length === 1 ? "" : "s"} seen in two reads ${(ageMs / 1000).toFixed(1)}s apart`],
    }),
    data: () => ({ node, inSync: problems.length === 0, ageSeconds: ageMs / 1000, problems }),
  };
}
