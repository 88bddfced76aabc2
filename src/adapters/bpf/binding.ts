// Loads the read-only bpf() addon (native/bpf.c, target lbctl_bpf) on first use only.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SetupError } from "../../errors.ts";
import { packageRoot } from "../packet/binding.ts";

export interface MapInfo {
  type: number;
  id: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  name: string;
}

export interface RawDump {
  keys: Buffer;
  values: Buffer;
  count: number;
  /** Whether BPF_MAP_LOOKUP_BATCH was used (else GET_NEXT_KEY + LOOKUP_ELEM). */
  batch: boolean;
}

/** The addon's exports; errors carry `code` (EPERM, ENOENT, …) and `errno`. */
export interface BpfBinding {
  /** BPF_OBJ_GET with BPF_F_RDONLY, always. */
  objGet(path: string): number;
  /** BPF_MAP_GET_FD_BY_ID with BPF_F_RDONLY (Maglev inner maps, which are not pinned). */
  mapFdById(id: number): number;
  mapInfo(fd: number): MapInfo;
  /** mode 0: batch with fallback; 1: key by key. */
  dump(fd: number, keySize: number, valueSize: number, maxEntries: number, mode: number): RawDump;
  close(fd: number): void;
}

let cached: BpfBinding | undefined;

/** The addon, loaded once; LBCTL_BPF_ADDON overrides the path. One-line SetupError if missing. */
export function loadBpfBinding(env: Readonly<Record<string, string | undefined>> = process.env): BpfBinding {
  if (cached) return cached;
  const root = packageRoot();
  const path = env["LBCTL_BPF_ADDON"] ?? ["build/Release/lbctl_bpf.node", "build/Debug/lbctl_bpf.node"].map((p) => join(root, p)).find((p) => existsSync(p));
  if (path === undefined || !existsSync(path)) {
    throw new SetupError("the bpf addon (build/Release/lbctl_bpf.node) is not built: run `npm run build:addon` in the lbctl checkout", { code: "E_ADDON_MISSING" });
  }
  try {
    cached = createRequire(import.meta.url)(path) as BpfBinding;
  } catch (err) {
    throw new SetupError(`the bpf addon ${path} could not be loaded: ${(err as Error).message} (rebuild it: npm run build:addon)`, { code: "E_ADDON_MISSING", cause: err });
  }
  return cached;
}
