// Reads every LB map lbctl decodes from one node, for core/bpf/snapshot.ts.
import type { RawMaps } from "../../core/bpf/snapshot.ts";
import { SetupError } from "../../errors.ts";
import { globalsDir, readMaps, type ReadOptions } from "./maps.ts";

const LB_MAPS = ["services4", "services6", "backends4", "backends6", "revnat4", "revnat6", "affinityMatch", "sourceRange4", "sourceRange6"] as const;

export function readLbMaps(bpffs: string, opts: ReadOptions = {}): RawMaps {
  const dir = globalsDir(bpffs);
  const raw = readMaps(dir, LB_MAPS, opts);
  if (!raw.services4 && !raw.services6) throw new SetupError(`no Cilium LB maps under ${dir} (cilium_lb4_services_v2 / cilium_lb6_services_v2 are not pinned)`, { code: "E_NO_MAPS" });
  return raw;
}
