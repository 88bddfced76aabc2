// Reads every LB map lbctl decodes from one node, for core/bpf/snapshot.ts.
import { SetupError } from "../../errors.ts";
import { globalsDir, readMaps, type RawMap, type ReadOptions } from "./maps.ts";

const LB_MAPS = ["services4", "services6", "backends4", "backends6", "revnat4", "revnat6", "affinityMatch", "sourceRange4", "sourceRange6"] as const;

export type LbRawMaps = Partial<Record<(typeof LB_MAPS)[number], RawMap>>;

export function readLbMaps(bpffs: string, opts: ReadOptions = {}): LbRawMaps {
  const dir = globalsDir(bpffs);
  const raw = readMaps(dir, LB_MAPS, opts);
  if (!raw.services4 && !raw.services6) throw new SetupError(`no Cilium LB maps under ${dir} (cilium_lb4_services_v2 / cilium_lb6_services_v2 are not pinned)`, { code: "E_NO_MAPS" });
  return raw;
}

/** Entries versus max_entries of every LB map read. */
export function lbCapacity(raw: LbRawMaps): { map: string; entries: number; maxEntries: number }[] {
  return Object.values(raw).map((m) => ({ map: m.layout.pin, entries: m.count, maxEntries: m.info.maxEntries }));
}
