// `lbctl service diff` against real kernel maps (test/helpers/bpffs.ts): a consistent fixture
// reports nothing; each fault kind is reported once, by name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { bpffsSkipReason, CILIUM_MAPS as M, deleteLine, inBpffs, updateLine as u } from "../helpers/bpffs.ts";
import { LBCTL_BIN } from "../helpers/cli.ts";

const skip = bpffsSkipReason();
const FIXTURE = fileURLToPath(new URL("../../../test/fixtures/bpf/diff.yaml", import.meta.url));
const S4 = "cilium_lb4_services_v2";
const B4 = "cilium_lb4_backends_v3";
const R4 = "cilium_lb4_reverse_nat";
const L2 = "cilium_l2_responder_v4";
const MASTER = "0a60000a 0035 0000 11 00 0000";
const CONSISTENT = [
  u(S4, MASTER, "00000000 0200 0003 00 00 0000"),
  u(S4, "0a60000a 0035 0100 11 00 0000", "01000000 0000 0003 00 00 0000"),
  u(S4, "0a60000a 0035 0200 11 00 0000", "02000000 0000 0003 00 00 0000"),
  u(S4, "0a60000a 0000 0000 00 00 0000", "000000000000000000000000"), // wildcard: exempt
  u(B4, "01000000", "0af40017 0035 11 00 0000 00 00"),
  u(B4, "02000000", "0af40047 0035 11 00 0000 00 00"),
  u(R4, "0003", "0a60000a 0035"),
];

/** A fault applied with bpftool, the diff, then the fault undone (restore = refill). */
const faults: [kind: string, apply: string[]][] = [
  ["missing-slot", [deleteLine(S4, "0a60000a 0035 0200 11 00 0000")]],
  ["dangling-revnat", [deleteLine(R4, "0003")]],
  ["orphan-backend", [u(B4, "07000000", "0af40063 0035 11 00 0000 00 00")]],
  ["unexpected-frontend", [u(S4, "0a600063 0050 0000 06 00 0000", "00000000 0000 0009 00 00 0000"), u(R4, "0009", "0a600063 0050")]],
  ["flag-mismatch", [u(S4, MASTER, "00000000 0200 0003 02 00 0000")]],
  // sessionAffinity (0x10) with a 3 h timeout in the union, on a Service without ClientIP affinity
  ["flag-mismatch", [u(S4, MASTER, "302a0000 0200 0003 10 00 0000")]],
  // an L2 responder entry for 198.51.100.7 on ifindex 2, an address no Service has
  ["stale-l2-entry", [u(L2, "c6336407 02000000", "0000000000000000")]],
];

test("service diff: consistent maps exit 0; each fault kind is reported once, by name, exit 1", { skip }, async () => {
  const diff = (extra = ""): string => `${process.execPath} ${LBCTL_BIN} service diff --node node-a -f ${FIXTURE} --bpffs "$D" --interval 0 -o json ${extra}`;
  const steps = [{ sh: diff() }];
  for (const [, apply] of faults) {
    steps.push({ sh: `printf '%s\\n' ${apply.map((l) => JSON.stringify(l.replaceAll("@G", "$G"))).join(" ")} > "$D/../f.txt"; bpftool batch file "$D/../f.txt" >/dev/null; ${diff()}` });
    // undo: remove what the fault added, restore what it removed or changed
    steps.push({ sh: `bpftool map delete pinned "$G/${B4}" key hex 07 00 00 00 2>/dev/null; bpftool map delete pinned "$G/${S4}" key hex 0a 60 00 63 00 50 00 00 06 00 00 00 2>/dev/null; bpftool map delete pinned "$G/${R4}" key hex 00 09 2>/dev/null; bpftool map delete pinned "$G/${L2}" key hex c6 33 64 07 02 00 00 00 2>/dev/null; printf '%s\\n' ${CONSISTENT.map((l) => JSON.stringify(l.replaceAll("@G", "$G"))).join(" ")} > "$D/../c.txt"; bpftool batch file "$D/../c.txt" >/dev/null` });
  }
  // cilium-config overrides reach the expected side: NodePort off leaves the ClusterIP fixture in sync; a bad value is a usage error
  steps.push({ sh: diff("--config enable-node-port=false") });
  steps.push({ sh: diff("--config enable-node-port=maybe") });
  steps.push({ sh: `${process.execPath} ${LBCTL_BIN} service diff --node node-a -f ${FIXTURE} --bpffs "$D" --interval 200ms` });
  const r = await inBpffs({ maps: [M.services4!, M.backends4!, M.revnat4!, M.l2responder4!], fill: CONSISTENT, steps });
  assert.equal(r[0]!.code, 0, r[0]!.stdout + r[0]!.stderr);
  assert.deepEqual(JSON.parse(r[0]!.stdout).problems, []);
  faults.forEach(([kind], i) => {
    const s = r[1 + 2 * i]!;
    assert.equal(s.code, 1, `${kind}: ${s.stdout}${s.stderr}`);
    const problems = JSON.parse(s.stdout).problems as { kind: string }[];
    assert.deepEqual(problems.map((p) => p.kind), [kind], `${kind}: ${JSON.stringify(problems)}`);
  });
  const [nodePortOff, badValue] = [r[r.length - 3]!, r[r.length - 2]!];
  assert.equal(nodePortOff.code, 0, nodePortOff.stdout + nodePortOff.stderr);
  assert.equal(badValue.code, 2, badValue.stderr);
  assert.match(badValue.stderr, /enable-node-port.*maybe/);
  const last = r[r.length - 1]!;
  assert.equal(last.code, 0, last.stdout + last.stderr);
  assert.match(last.stdout, /node node-a: the datapath matches Kubernetes/);
});

test("Maglev (hash of maps, inner tables by ID, read-only): MAGLEV: lines in bpf lb dump; a table without a master is stale-maglev", { skip }, async () => {
  const le = (ids: number[]): string => ids.map((v) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24].map((b) => b.toString(16).padStart(2, "0")).join(" ")).join(" ");
  // The template fixes the inner shape (table size 7 here; 16381 on a default agent).
  const maglev = [
    `bpftool map create "$D/tmpl" type array key 4 value 28 entries 1 name cilium_maglev_i`,
    `bpftool map create "$G/cilium_lb4_maglev" type hash_of_maps key 2 value 4 entries 65536 name cilium_lb4_magl flags 1 inner_map pinned "$D/tmpl"`,
    `bpftool map create "$D/t3" type array key 4 value 28 entries 1 name cilium_maglev_i`,
    `bpftool map update pinned "$D/t3" key hex 00 00 00 00 value hex ${le([1, 2, 1, 2, 1, 2, 1])}`,
    `bpftool map create "$D/t9" type array key 4 value 28 entries 1 name cilium_maglev_i`,
    `bpftool map update pinned "$D/t9" key hex 00 00 00 00 value hex ${le([5, 5, 5, 5, 5, 5, 5])}`,
    `bpftool map update pinned "$G/cilium_lb4_maglev" key hex 00 03 value pinned "$D/t3"`,
    `bpftool map update pinned "$G/cilium_lb4_maglev" key hex 00 09 value pinned "$D/t9"`,
    // the pins of the inner maps go: the outer map alone keeps them, as on a node
    `rm "$D/t3" "$D/t9" "$D/tmpl"`,
  ].join(" && ");
  const r = await inBpffs({
    maps: [M.services4!, M.backends4!, M.revnat4!],
    fill: CONSISTENT,
    steps: [{ sh: maglev }, { lbctl: ["bpf", "lb", "dump"] }, { sh: `${process.execPath} ${LBCTL_BIN} service diff --node node-a -f ${FIXTURE} --bpffs "$D" --interval 0 -o json` }],
  });
  assert.equal(r[0]!.code, 0, r[0]!.stderr);
  assert.equal(r[1]!.code, 0, r[1]!.stderr);
  const mag = r[1]!.stdout.split("\n").filter((l) => l.startsWith("MAGLEV:"));
  assert.deepEqual(mag, ["MAGLEV: ID=3 INNER=[1(4), 2(3)]", "MAGLEV: ID=9 INNER=[5(7)]"]);
  // sorted with the other lines as plain strings
  const lines = r[1]!.stdout.trimEnd().split("\n");
  assert.deepEqual(lines, [...lines].sort());
  assert.equal(r[2]!.code, 1, r[2]!.stdout + r[2]!.stderr);
  const problems = JSON.parse(r[2]!.stdout).problems as { kind: string; subject: string }[];
  assert.deepEqual(problems.map((p) => `${p.kind} ${p.subject}`), ["stale-maglev Maglev rev-NAT 9 (IPv4)"]);
});
