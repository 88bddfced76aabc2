// `lbctl l2 status --datapath` on "node-a" against real responder maps (test/helpers/bpffs.ts):
// .10 held and programmed (ok), .11 held but not programmed (responder-missing), .12 held by
// node-b but programmed here (responder-stale); then a stale heartbeat (agent-stale).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { bpffsSkipReason, CILIUM_MAPS as M, inBpffs, updateLine as u } from "../helpers/bpffs.ts";
import { LBCTL_BIN } from "../helpers/cli.ts";

const skip = bpffsSkipReason();
const FIXTURE = fileURLToPath(new URL("../../../test/fixtures/bpf/l2.yaml", import.meta.url));

test("l2 status --datapath: ok, responder-missing, responder-stale, agent-stale", { skip }, async () => {
  const beat = (agoS: number): string =>
    `H=$(${process.execPath} -e 'const b=Buffer.alloc(8);b.writeBigUInt64LE(process.hrtime.bigint()-${agoS * 1e9}n);process.stdout.write(b.toString("hex").match(/../g).join(" "))'); bpftool map update pinned "$G/cilium_runtime_config" key hex 01 00 00 00 value hex $H`;
  const status = `${process.execPath} ${LBCTL_BIN} l2 status -f ${FIXTURE} --datapath --node node-a --bpffs "$D" -o json`;
  const r = await inBpffs({
    maps: [M.l2responder4!, M.runtimeConfig!],
    fill: [u("cilium_l2_responder_v4", "c000020a 02000000", "0000000000000000"), u("cilium_l2_responder_v4", "c000020c 02000000", "0000000000000000")],
    steps: [{ sh: `${beat(0)}; ${status}` }, { sh: `${beat(60)}; ${status}` }],
  });
  const verdicts = (s: { stdout: string; stderr: string }): Record<string, string> => {
    const j = JSON.parse(s.stdout) as { addresses: { address: string; verdict: string }[] };
    return Object.fromEntries(j.addresses.map((i) => [i.address, i.verdict]));
  };
  assert.equal(r[0]!.code, 3, r[0]!.stdout + r[0]!.stderr);
  assert.deepEqual(verdicts(r[0]!), { "192.0.2.10": "ok", "192.0.2.11": "responder-missing", "192.0.2.12": "responder-stale" });
  assert.deepEqual(verdicts(r[1]!), { "192.0.2.10": "agent-stale", "192.0.2.11": "agent-stale", "192.0.2.12": "agent-stale" });
});
