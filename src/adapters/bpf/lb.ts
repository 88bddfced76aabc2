// Reads every LB map lbctl decodes from one node, for core/bpf/snapshot.ts.
import { SetupError } from "../../errors.ts";
import { globalsDir, readMaglevTables, readMaps, type RawMap, type ReadOptions } from "./maps.ts";
import { decodeL2Maps } from "../../core/bpf/snapshot.ts";
import type { L2Entry } from "../../core/bpf/decode.ts";

const LB_MAPS = ["services4", "services6", "backends4", "backends6", "revnat4", "revnat6", "affinityMatch", "sourceRange4", "sourceRange6", "maglev4", "maglev6"] as const;

export type LbRawMaps = Partial<Record<(typeof LB_MAPS)[number], RawMap>> & { maglevTables?: Map<number, Uint8Array> };

export function readLbMaps(bpffs: string, opts: ReadOptions = {}): LbRawMaps {
  const dir = globalsDir(bpffs);
  const raw = readMaps(dir, LB_MAPS, opts);
  if (!raw.services4 && !raw.services6) throw new SetupError(`no Cilium LB maps under ${dir} (cilium_lb4_services_v2 / cilium_lb6_services_v2 are not pinned)`, { code: "E_NO_MAPS" });
  if (raw.maglev4 || raw.maglev6) return { ...raw, maglevTables: readMaglevTables([raw.maglev4, raw.maglev6], opts) };
  return raw;
}

/** The L2 responder entries (IPv4 and IPv6), or undefined when neither map is pinned (L2 announcements off). */
export function readL2Entries(bpffs: string, opts: ReadOptions = {}): L2Entry[] | undefined {
  const raw = readMaps(globalsDir(bpffs), ["l2responder4", "l2responder6"], opts);
  return raw.l2responder4 || raw.l2responder6 ? decodeL2Maps(raw) : undefined;
}

/** Entries versus max_entries of every LB map read. */
export function lbCapacity(raw: LbRawMaps): { map: string; entries: number; maxEntries: number }[] {
  return LB_MAPS.flatMap((name) => {
    const m = raw[name];
    return m ? [{ map: m.layout.pin, entries: m.count, maxEntries: m.info.maxEntries }] : [];
  });
}
