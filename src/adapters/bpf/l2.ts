// Reads the L2 responder maps and the agent heartbeat (cilium_runtime_config[1]) on this node.
import { readdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { decodeRuntimeConfig, RUNTIME_CONFIG_AGENT_LIVENESS, type L2Entry } from "../../core/bpf/decode.ts";
import { entries } from "../../core/bpf/decode.ts";
import { decodeL2Maps } from "../../core/bpf/snapshot.ts";
import { LAYOUTS } from "../../core/bpf/layout.ts";
import { SetupError } from "../../errors.ts";
import { globalsDir, readMaps, type ReadOptions } from "./maps.ts";

export interface L2Datapath {
  entries: L2Entry[];
  /** CLOCK_MONOTONIC ns of the agent's last heartbeat; undefined without the runtime-config map. */
  heartbeatNs: bigint | undefined;
  /** CLOCK_MONOTONIC ns when the maps were read. */
  readAtNs: bigint;
}

export function readL2Datapath(bpffs: string, opts: ReadOptions = {}): L2Datapath {
  const dir = globalsDir(bpffs);
  const raw = readMaps(dir, ["l2responder4", "l2responder6", "runtimeConfig"], opts);
  const readAtNs = process.hrtime.bigint(); // CLOCK_MONOTONIC, as the agent's heartbeat
  if (!raw.l2responder4 && !raw.l2responder6) throw new SetupError(`no L2 responder map under ${dir} (cilium_l2_responder_v4 is not pinned: are L2 announcements enabled?)`, { code: "E_NO_MAPS" });
  let heartbeatNs: bigint | undefined;
  const rc = raw.runtimeConfig;
  if (rc) {
    for (const [k, v] of entries(rc.keys, rc.values, LAYOUTS.runtimeConfig.keySize, LAYOUTS.runtimeConfig.valueSize)) {
      const e = decodeRuntimeConfig(k, v);
      if (e.index === RUNTIME_CONFIG_AGENT_LIVENESS) heartbeatNs = e.value;
    }
  }
  return { entries: decodeL2Maps(raw), heartbeatNs, readAtNs };
}

/** ifindex → interface name of this network namespace (from /sys/class/net). */
export function interfaceNames(): Map<number, string> {
  const out = new Map<number, string>();
  let names: string[] = [];
  try {
    names = readdirSync("/sys/class/net");
  } catch {
    return out;
  }
  for (const n of names) {
    try {
      out.set(Number(readFileSync(`/sys/class/net/${n}/ifindex`, "utf8").trim()), n);
    } catch {
      // vanished
    }
  }
  return out;
}

/** This node's name as lease holders usually spell it: the hostname. */
export function thisNodeName(): string {
  return hostname();
}
