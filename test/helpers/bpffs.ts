// Real kernel BPF maps for tests, never the host's: a child runs under `unshare -m --propagation
// private`, mounts a fresh bpffs on a temporary directory (asserted to be a new bpf file system,
// not /sys/fs/bpf), creates maps of Cilium's exact types, sizes and flags with bpftool (an
// independent writer: lbctl has no write path), fills them, runs lbctl against them, and unmounts.
// The mount exists only in the child's namespace and disappears with it.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LBCTL_BIN } from "./cli.ts";
import { missingTools } from "./tools.ts";

export interface MapSpec {
  /** Pin file name under tc/globals/. */
  pin: string;
  type: "hash" | "lru_hash" | "lpm_trie" | "array";
  key: number;
  value: number;
  entries: number;
  flags: number;
}

/** Cilium's maps as the agent creates them (spec cilium-bpf-maps.md §2). */
export const CILIUM_MAPS: Readonly<Record<string, MapSpec>> = {
  services4: { pin: "cilium_lb4_services_v2", type: "hash", key: 12, value: 12, entries: 65536, flags: 1 },
  services6: { pin: "cilium_lb6_services_v2", type: "hash", key: 24, value: 12, entries: 65536, flags: 1 },
  backends4: { pin: "cilium_lb4_backends_v3", type: "hash", key: 4, value: 12, entries: 65536, flags: 1 },
  backends6: { pin: "cilium_lb6_backends_v3", type: "hash", key: 4, value: 24, entries: 65536, flags: 1 },
  revnat4: { pin: "cilium_lb4_reverse_nat", type: "hash", key: 2, value: 6, entries: 65536, flags: 1 },
  revnat6: { pin: "cilium_lb6_reverse_nat", type: "hash", key: 2, value: 18, entries: 65536, flags: 1 },
  affinityMatch: { pin: "cilium_lb_affinity_match", type: "hash", key: 8, value: 1, entries: 65536, flags: 1 },
  sourceRange4: { pin: "cilium_lb4_source_range", type: "lpm_trie", key: 12, value: 1, entries: 65536, flags: 1 },
  l2responder4: { pin: "cilium_l2_responder_v4", type: "hash", key: 8, value: 8, entries: 4096, flags: 1 },
  l2responder6: { pin: "cilium_l2_responder_v6", type: "hash", key: 24, value: 8, entries: 4096, flags: 1 },
  runtimeConfig: { pin: "cilium_runtime_config", type: "array", key: 4, value: 8, entries: 256, flags: 0 },
};

/** A skip reason when this machine cannot run the namespace tests, else undefined. */
export function bpffsSkipReason(): string | undefined {
  if (process.platform !== "linux") return "needs Linux";
  if (process.getuid?.() !== 0) return "needs root (BPF maps and a private mount namespace)";
  return missingTools(["bpftool", "unshare", "mount"]);
}

/** `bpftool map update` line for an entry, bytes as hex strings ("0a60000a 0035 …"; spaces ignored). */
export function updateLine(pin: string, keyHex: string, valueHex: string): string {
  const bytes = (h: string): string => (h.replace(/\s+/g, "").match(/../g) ?? []).join(" ");
  return `map update pinned @G/${pin} key hex ${bytes(keyHex)} value hex ${bytes(valueHex)}`;
}

export function deleteLine(pin: string, keyHex: string): string {
  return `map delete pinned @G/${pin} key hex ${(keyHex.replace(/\s+/g, "").match(/../g) ?? []).join(" ")}`;
}

export interface Step {
  /** lbctl arguments; --bpffs <dir> is appended. */
  lbctl?: string[];
  /** A shell command run in the namespace; $D is the bpffs, $G its tc/globals. */
  sh?: string;
}

export interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface BpffsRun {
  maps: readonly MapSpec[];
  /** bpftool batch lines (use updateLine/deleteLine); @G is replaced by the tc/globals path. */
  fill?: readonly string[];
  /** bpftool batch lines looped in the background while the steps run (a concurrent writer). */
  writer?: readonly string[];
  steps: readonly Step[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs the steps in a private mount namespace with a fresh bpffs holding `maps`. */
export async function inBpffs(run: BpffsRun): Promise<StepResult[]> {
  const work = mkdtempSync(join(tmpdir(), "lbctl-bpf-"));
  const d = join(work, "bpffs");
  if (d.startsWith("/sys/fs/bpf")) throw new Error(`refusing to use ${d}: it is under the host's /sys/fs/bpf`);
  try {
    const g = `${d}/tc/globals`;
    const sub = (l: string): string => l.replaceAll("@G", g);
    writeFileSync(join(work, "create.txt"), run.maps.map((m) => `map create ${g}/${m.pin} type ${m.type} key ${m.key} value ${m.value} entries ${m.entries} name ${m.pin.slice(0, 15)} flags ${m.flags}`).join("\n") + "\n");
    writeFileSync(join(work, "fill.txt"), (run.fill ?? []).map(sub).join("\n") + "\n");
    writeFileSync(join(work, "writer.txt"), (run.writer ?? []).map(sub).join("\n") + "\n");
    const q = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
    const steps = run.steps
      .map((s, i) => {
        const cmd = s.lbctl ? [process.execPath, LBCTL_BIN, ...s.lbctl, "--bpffs", d].map(q).join(" ") : s.sh!;
        return `( ${cmd} ) >"$W/${i}.out" 2>"$W/${i}.err"; echo $? >"$W/${i}.rc"`;
      })
      .join("\n");
    const script = `set -u
W=${q(work)}; D=${q(d)}; G="$D/tc/globals"
mkdir -p "$D"
mount -t bpf bpf "$D" || exit 90
trap 'umount "$D"' EXIT
# a fresh bpf file system, not the host's /sys/fs/bpf
[ "$(stat -f -c %T "$D")" = bpf_fs ] || exit 91
if [ -d /sys/fs/bpf ] && [ "$(stat -c %d "$D")" = "$(stat -c %d /sys/fs/bpf)" ]; then exit 92; fi
mkdir -p "$G"
bpftool batch file "$W/create.txt" >/dev/null || exit 93
[ -s "$W/fill.txt" ] && { bpftool batch file "$W/fill.txt" >/dev/null || exit 94; }
WP=
if [ -s "$W/writer.txt" ]; then ( while :; do bpftool batch file "$W/writer.txt" >/dev/null 2>&1; done ) & WP=$!; fi
${steps}
[ -n "$WP" ] && kill $WP && wait $WP 2>/dev/null
exit 0
`;
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn("unshare", ["-m", "--propagation", "private", "sh", "-c", script], {
        env: { ...process.env, NO_COLOR: "1", ...run.env },
        stdio: ["ignore", "ignore", "pipe"],
        timeout: run.timeoutMs ?? 60_000,
      });
      let err = "";
      child.stderr.setEncoding("utf8").on("data", (s: string) => (err += s));
      child.on("error", reject);
      child.on("close", (c) => (c === 0 ? resolve(0) : reject(new Error(`bpffs namespace script failed (exit ${c}): ${err.trim()}`))));
    });
    void code;
    return run.steps.map((_, i) => ({
      code: Number(readFileSync(join(work, `${i}.rc`), "utf8").trim()),
      stdout: readFileSync(join(work, `${i}.out`), "utf8"),
      stderr: readFileSync(join(work, `${i}.err`), "utf8"),
    }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
