// Finds Cilium's pinned maps under <bpffs>/tc/globals/, checks each one's layout, and reads every
// entry as raw bytes through the read-only addon. Maps are opened BPF_F_RDONLY, per run, and
// closed right after the read (the agent may replace them on restart). Decoding: src/core/bpf/.
import { existsSync, readdirSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { SetupError } from "../../errors.ts";
import { BPF_MAP_TYPE, LAYOUTS, LEGACY_PINS, layoutMismatch, type LayoutName, type MapLayout } from "../../core/bpf/layout.ts";
import { loadBpfBinding, type MapInfo } from "./binding.ts";

export const DEFAULT_BPFFS = "/sys/fs/bpf";
const BPF_FS_MAGIC = 0xcafe4a11;

export interface RawMap {
  layout: MapLayout;
  path: string;
  info: MapInfo;
  keys: Uint8Array;
  values: Uint8Array;
  count: number;
}

export interface ReadOptions {
  /** Force the key-by-key path (tests of the fallback; env LBCTL_BPF_NO_BATCH=1). */
  keyByKey?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
}

/** The tc/globals directory of a bpffs mount, checked: exists, is bpffs, holds Cilium pins. */
export function globalsDir(bpffs: string): string {
  let type: number;
  try {
    type = statfsSync(bpffs).type;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw notRoot(bpffs);
    if (code === "ENOENT" || code === "ENOTDIR") throw new SetupError(`--bpffs: ${bpffs} does not exist (mount the BPF file system, or pass the agent's --bpf-root)`, { code: "E_NO_BPFFS" });
    throw new SetupError(`--bpffs: cannot stat ${bpffs}: ${(err as Error).message}`, { code: "E_NO_BPFFS" });
  }
  if (type !== BPF_FS_MAGIC) throw new SetupError(`--bpffs: ${bpffs} is not a BPF file system (mount -t bpf bpf ${bpffs}, or pass the agent's --bpf-root)`, { code: "E_NO_BPFFS" });
  const dir = join(bpffs, "tc", "globals");
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw notRoot(dir);
    throw new SetupError(`no Cilium maps under ${dir} (is the Cilium agent running on this node?)`, { code: "E_NO_MAPS" });
  }
  if (!names.some((n) => n.startsWith("cilium_") && !n.includes(":"))) throw new SetupError(`no Cilium maps under ${dir} (is the Cilium agent running on this node?)`, { code: "E_NO_MAPS" });
  return dir;
}

function notRoot(what: string): SetupError {
  return new SetupError(`reading BPF maps needs root (CAP_BPF and CAP_SYS_ADMIN): permission denied on ${what}`, { code: "E_PERMISSION" });
}

/** Reads one map; undefined when it is not pinned (a disabled family, an older release). */
export function readMap(dir: string, name: LayoutName, opts: ReadOptions = {}): RawMap | undefined {
  const layout = LAYOUTS[name];
  const path = join(dir, layout.pin);
  if (!existsSync(path)) {
    if (name === "services4" && existsSync(join(dir, "cilium_lb4_services"))) throw new SetupError(`map cilium_lb4_services is from ${LEGACY_PINS["cilium_lb4_services"]}: unsupported (lbctl reads Cilium 1.17-1.20)`, { code: "E_LAYOUT" });
    if (layout.kind === "backends") {
      for (const legacy of [layout.pin.replace("_v3", "_v2"), layout.pin.replace("_v3", "")]) {
        if (existsSync(join(dir, legacy))) throw new SetupError(`map ${legacy} is from ${LEGACY_PINS[legacy]}: unsupported (lbctl reads Cilium 1.17-1.20)`, { code: "E_LAYOUT" });
      }
    }
    return undefined;
  }
  const bpf = loadBpfBinding(opts.env);
  let fd: number;
  try {
    fd = bpf.objGet(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EPERM" || code === "EACCES") throw notRoot(path);
    if (code === "ENOENT") return undefined; // unpinned between the check and the open
    throw new SetupError(`cannot open map ${path}: ${(err as Error).message}`, { code: "E_BPF", cause: err });
  }
  try {
    const info = bpf.mapInfo(fd);
    const bad = layoutMismatch(layout, info);
    if (bad) throw new SetupError(bad, { code: "E_LAYOUT" });
    const keyByKey = opts.keyByKey ?? (opts.env ?? process.env)["LBCTL_BPF_NO_BATCH"] === "1";
    const d = bpf.dump(fd, info.keySize, info.valueSize, info.maxEntries, keyByKey ? 1 : 0);
    return { layout, path, info, keys: d.keys, values: d.values, count: d.count };
  } catch (err) {
    if (err instanceof SetupError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EPERM" || code === "EACCES") throw notRoot(path);
    throw new SetupError(`cannot read map ${path}: ${(err as Error).message}`, { code: "E_BPF", cause: err });
  } finally {
    bpf.close(fd);
  }
}

/**
 * The Maglev lookup tables the outer maps point to, by inner map ID, read-only. An inner map that
 * vanished since the outer read (the agent replaced the table) is left out: its outer entry then
 * has no table. A table of an unexpected shape is a one-line error naming it.
 */
export function readMaglevTables(outers: readonly (RawMap | undefined)[], opts: ReadOptions = {}): Map<number, Uint8Array> {
  const tables = new Map<number, Uint8Array>();
  const bpf = loadBpfBinding(opts.env);
  for (const m of outers) {
    if (!m) continue;
    const dv = new DataView(m.values.buffer, m.values.byteOffset, m.values.byteLength);
    for (let i = 0; i < m.count; i++) {
      const id = dv.getUint32(i * 4, true);
      if (tables.has(id)) continue;
      let fd: number;
      try {
        fd = bpf.mapFdById(id);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") continue;
        if (code === "EPERM" || code === "EACCES") throw notRoot(`Maglev inner map ${id} of ${m.path}`);
        throw new SetupError(`cannot open Maglev inner map ${id} of ${m.path}: ${(err as Error).message}`, { code: "E_BPF", cause: err });
      }
      try {
        const info = bpf.mapInfo(fd);
        if (info.type !== BPF_MAP_TYPE.ARRAY || info.keySize !== 4 || info.valueSize === 0 || info.valueSize % 4 !== 0 || info.maxEntries < 1) {
          throw new SetupError(`Maglev inner map ${id} of ${m.path} has an unknown layout: type ${info.type} key ${info.keySize} B value ${info.valueSize} B, expected an array of u32 backend IDs (key 4 B, one entry)`, { code: "E_LAYOUT" });
        }
        const d = bpf.dump(fd, 4, info.valueSize, info.maxEntries, 0);
        if (d.count > 0) tables.set(id, new Uint8Array(d.values.buffer, d.values.byteOffset, info.valueSize));
      } finally {
        bpf.close(fd);
      }
    }
  }
  return tables;
}

/** Reads the named maps that are pinned. */
export function readMaps<N extends LayoutName>(dir: string, names: readonly N[], opts: ReadOptions = {}): Partial<Record<N, RawMap>> {
  const out: Partial<Record<N, RawMap>> = {};
  for (const n of names) {
    const m = readMap(dir, n, opts);
    if (m) out[n] = m;
  }
  return out;
}
