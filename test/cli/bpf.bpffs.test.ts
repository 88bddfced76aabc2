// `lbctl bpf lb list|dump` and `lbctl bpf l2 list` against real kernel maps of Cilium's exact
// shapes, written by bpftool in a private mount namespace (test/helpers/bpffs.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { bpffsSkipReason, CILIUM_MAPS as M, deleteLine, inBpffs, updateLine as u } from "../helpers/bpffs.ts";
import { onPath } from "../helpers/tools.ts";
import { decodeLbMaps } from "../../src/core/bpf/snapshot.ts";
import { mapsDumpLines } from "../../src/core/bpf/render.ts";

const skip = bpffsSkipReason();
const S4 = "cilium_lb4_services_v2";
const S6 = "cilium_lb6_services_v2";
const B4 = "cilium_lb4_backends_v3";
const B6 = "cilium_lb6_backends_v3";
const R4 = "cilium_lb4_reverse_nat";
const R6 = "cilium_lb6_reverse_nat";
const LB = [M.services4!, M.services6!, M.backends4!, M.backends6!, M.revnat4!, M.revnat6!, M.sourceRange4!];

const FILL = [
  u(S4, "0a60000a 0035 0000 11 00 0000", "00000000 0200 0003 00 00 0000"),
  u(S4, "0a60000a 0035 0100 11 00 0000", "01000000 0000 0003 00 00 0000"),
  u(S4, "0a60000a 0035 0200 11 00 0000", "02000000 0000 0003 00 00 0000"),
  u(S4, "0a60000a 0035 0300 11 00 0000", "09000000 0000 0003 00 00 0000"),
  u(S4, "0a60000a 0000 0000 00 00 0000", "000000000000000000000000"),
  u(B4, "01000000", "0af40017 0035 11 00 0000 00 00"),
  u(B4, "02000000", "0af40047 0035 11 01 0000 00 00"),
  u(R4, "0003", "0a60000a 0035"),
  u("cilium_lb4_source_range", "38000000 0004 0000 0a000000", "00"),
  u(S6, "20010db8000000000000000000000001 01bb 0000 06 00 0000", "00000000 0100 0005 64 00 0000"),
  u(S6, "20010db8000000000000000000000001 01bb 0100 06 00 0000", "0a000000 0000 0005 64 00 0000"),
  u(B6, "0a000000", "20010db8000000000000000000000abc 1f90 06 00 0000 00 00"),
  u(R6, "0005", "20010db8000000000000000000000001 01bb"),
];

test("bpf lb list / dump: IPv4 and IPv6, dangling slot, wildcard, -o json; errors are one line, exit 2", { skip }, async () => {
  const r = await inBpffs({
    maps: LB,
    fill: FILL,
    steps: [
      { lbctl: ["bpf", "lb", "list"] },
      { lbctl: ["bpf", "lb", "list", "-o", "json"] },
      { lbctl: ["bpf", "lb", "list", "--backends"] },
      { lbctl: ["bpf", "lb", "list", "--revnat"] },
      { lbctl: ["bpf", "lb", "dump"] },
      { sh: `LBCTL_BPF_NO_BATCH=1 ${process.execPath} ${JSON.stringify(await import("../helpers/cli.ts").then((m) => m.LBCTL_BIN))} bpf lb dump --bpffs "$D"` },
      { lbctl: ["bpf", "lb", "list", "--frontends", "--revnat"] },
      { lbctl: ["service", "list", "--datapath"] },
    ],
  });
  const [list, json, be, rev, dump, dumpNext, both, svc] = r;
  assert.equal(svc!.code, 0, svc!.stderr);
  assert.match(svc!.stdout, /^3\s+10\.96\.0\.10:53\/UDP\s+ClusterIP\s+1 => 10\.244\.0\.23:53\/UDP \(active\)$/m);
  assert.match(svc!.stdout, /^\s+3 => backend 9 not found \(missing\)$/m);
  assert.match(svc!.stdout, /^5\s+\[2001:db8::1\]:443\/TCP\s+LoadBalancer\s+1 => \[2001:db8::abc\]:8080\/TCP \(active\)$/m);
  assert.equal(list!.code, 0, list!.stderr);
  assert.equal(
    list!.stdout,
    [
      "SERVICE ADDRESS             BACKEND ADDRESS (REVNAT_ID) (SLOT)",
      "10.96.0.10:0/ANY (0)        0.0.0.0:0 (0) (0) [ClusterIP, non-routable]",
      "10.96.0.10:53/UDP (0)       0.0.0.0:0 (3) (0) [ClusterIP, non-routable]",
      "10.96.0.10:53/UDP (1)       10.244.0.23:53/UDP (3) (1)",
      "10.96.0.10:53/UDP (2)       10.244.0.71:53/UDP (3) (2)",
      "10.96.0.10:53/UDP (3)       backend 9 not found",
      "[2001:db8::1]:443/TCP (0)   [::]:0 (5) (0) [LoadBalancer, Local]",
      "[2001:db8::1]:443/TCP (1)   [2001:db8::abc]:8080/TCP (5) (1)",
      "",
    ].join("\n"),
  );
  assert.deepEqual(JSON.parse(json!.stdout)["10.96.0.10:53/UDP (3)"], ["backend 9 not found"]);
  assert.match(be!.stdout, /^10\s+TCP:\/\/2001:db8::abc$/m);
  assert.match(rev!.stdout, /^5\s+\[2001:db8::1\]:443$/m);
  assert.equal(dump!.code, 0, dump!.stderr);
  assert.ok(dump!.stdout.includes("SVC: ID=5 ADDR=[2001:db8::1]:443/TCP SLOT=1 BEID=10 COUNT=0 QCOUNT=0 FLAGS=LoadBalancer+Local\n"));
  assert.ok(dump!.stdout.includes("BE: ID=10 ADDR=[2001:db8::abc]:8080/TCP STATE=active\n"));
  assert.equal(dump!.stdout.split("\n").filter(Boolean).length, 13);
  assert.equal(dumpNext!.stdout, dump!.stdout, "key-by-key fallback reads the same entries");
  assert.equal(both!.code, 2);
});

test("bpf errors: unknown layout, no maps, not a bpffs, not root: one line each, exit 2", { skip }, async () => {
  const setpriv = onPath("setpriv");
  const bin = (await import("../helpers/cli.ts")).LBCTL_BIN;
  const r = await inBpffs({
    maps: [M.services4!, { ...M.backends4!, value: 8 }],
    steps: [
      { lbctl: ["bpf", "lb", "list"] },
      { sh: `mkdir -p "$D/other/tc/globals"; ${process.execPath} ${bin} bpf lb list --bpffs "$D/other"` },
      { sh: `${process.execPath} ${bin} bpf lb list --bpffs /tmp` },
      { sh: `${process.execPath} ${bin} bpf lb list --bpffs /nonexistent-lbctl` },
      { sh: setpriv ? `setpriv --reuid 65534 --regid 65534 --clear-groups ${process.execPath} ${bin} bpf lb list --bpffs "$D"` : "echo skipped >&2; exit 2" },
    ],
  });
  for (const s of r) {
    assert.equal(s.code, 2, s.stderr);
    assert.equal(s.stdout, "");
    assert.equal(s.stderr.trim().split("\n").length, 1, s.stderr);
    assert.doesNotMatch(s.stderr, /\bat .*\.js:\d+/);
  }
  assert.match(r[0]!.stderr, /map cilium_lb4_backends_v3 has an unknown layout: hash key 4 B value 8 B, expected hash key 4 B value 12 B/);
  assert.match(r[1]!.stderr, /no Cilium maps under .*\/other\/tc\/globals/);
  assert.match(r[2]!.stderr, /--bpffs: \/tmp is not a BPF file system/);
  assert.match(r[3]!.stderr, /--bpffs: \/nonexistent-lbctl does not exist/);
  if (setpriv) assert.match(r[4]!.stderr, /needs root/);
});

test("property: random entries written by bpftool come back identical (batch and key by key)", { skip }, async () => {
  const entry = fc.record({
    ip: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
    port: fc.integer({ min: 0, max: 65535 }),
    slot: fc.integer({ min: 0, max: 65535 }),
    proto: fc.constantFrom(0, 6, 17, 132),
    scope: fc.integer({ min: 0, max: 1 }),
    value: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  });
  const sample = fc.sample(fc.uniqueArray(entry, { minLength: 50, maxLength: 300, selector: (e) => `${e.ip}|${e.port}|${e.slot}|${e.proto}|${e.scope}` }), { numRuns: 1, seed: 11 })[0]!;
  const h = (b: ArrayLike<number>): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  const keys = sample.map((e) => Uint8Array.from([...e.ip, e.port >> 8, e.port & 255, e.slot & 255, e.slot >> 8, e.proto, e.scope, 0, 0]));
  const values = sample.map((e) => Uint8Array.from([...e.value.slice(0, 10), 0, 0].map((x, i) => (i >= 10 ? 0 : x))));
  const cat = (xs: Uint8Array[]): Uint8Array => Uint8Array.from(xs.flatMap((x) => Array.from(x)));
  const want = mapsDumpLines(decodeLbMaps({ services4: { keys: cat(keys), values: cat(values) } }));
  const bin = (await import("../helpers/cli.ts")).LBCTL_BIN;
  const r = await inBpffs({
    maps: [M.services4!],
    fill: keys.map((k, i) => u(S4, h(k), h(values[i]!))),
    steps: [{ lbctl: ["bpf", "lb", "dump"] }, { sh: `LBCTL_BPF_NO_BATCH=1 ${process.execPath} ${bin} bpf lb dump --bpffs "$D"` }],
  });
  assert.deepEqual(r[0]!.stdout.trimEnd().split("\n"), want);
  assert.deepEqual(r[1]!.stdout.trimEnd().split("\n"), want);
});

test("a writer mutating the maps during dumps never crashes them or yields duplicate lines", { skip }, async () => {
  const keys = Array.from({ length: 2000 }, (_, i) => `c0000${(2 + (i >> 8)).toString(16)}${(i & 255).toString(16).padStart(2, "0")} 0050 0000 06 00 0000`);
  const fill = keys.map((k) => u(S4, k, "00000000 0000 0001 00 00 0000"));
  // the writer deletes and re-adds a quarter of the keys in a loop
  const writer = keys.filter((_, i) => i % 4 === 0).flatMap((k) => [deleteLine(S4, k), u(S4, k, "00000000 0100 0001 00 00 0000")]);
  const bin = (await import("../helpers/cli.ts")).LBCTL_BIN;
  const steps = [];
  for (let i = 0; i < 4; i++) steps.push({ lbctl: ["bpf", "lb", "dump"] }, { sh: `LBCTL_BPF_NO_BATCH=1 ${process.execPath} ${bin} bpf lb dump --bpffs "$D"` });
  const r = await inBpffs({ maps: [M.services4!], fill, writer, steps });
  for (const s of r) {
    assert.equal(s.code, 0, s.stderr);
    const lines = s.stdout.trimEnd().split("\n");
    assert.equal(new Set(lines).size, lines.length, "no duplicate lines");
    assert.ok(lines.length >= 1500 && lines.length <= 2000, `${lines.length} lines`);
  }
});

test("bpf l2 list: entries with interface names, heartbeat fresh and stale", { skip }, async () => {
  const bin = (await import("../helpers/cli.ts")).LBCTL_BIN;
  // The heartbeat: CLOCK_MONOTONIC ns (process.hrtime.bigint), little-endian, into index 1.
  const beat = (agoS: number): string =>
    `H=$(${process.execPath} -e 'const b=Buffer.alloc(8);b.writeBigUInt64LE(process.hrtime.bigint()-${agoS}000000000n);process.stdout.write(b.toString("hex").match(/../g).join(" "))'); bpftool map update pinned "$G/cilium_runtime_config" key hex 01 00 00 00 value hex $H`;
  const r = await inBpffs({
    maps: [M.l2responder4!, M.l2responder6!, M.runtimeConfig!],
    fill: [u("cilium_l2_responder_v4", "c0000205 01000000", "0500000000000000"), u("cilium_l2_responder_v6", "20010db8000000000000000000000010 01000000 00000000", "0000000000000000")],
    steps: [
      { lbctl: ["bpf", "l2", "list"] },
      { sh: `${beat(1)}; ${process.execPath} ${bin} bpf l2 list --bpffs "$D"` },
      { sh: `${beat(60)}; ${process.execPath} ${bin} bpf l2 list -o json --bpffs "$D"` },
    ],
  });
  assert.equal(r[0]!.code, 0, r[0]!.stderr);
  assert.match(r[0]!.stdout, /^192\.0\.2\.5\s+lo\s+1\s+5$/m);
  assert.match(r[0]!.stdout, /^2001:db8::10\s+lo\s+1\s+0$/m);
  assert.match(r[0]!.stdout, /never written/);
  assert.match(r[1]!.stdout, /agent heartbeat: \d+\.\ds old$/m); // fresh: no "older than the lease duration" (1 s ago + start-up under load)
  const j = JSON.parse(r[2]!.stdout);
  assert.equal(j.heartbeatStale, true);
  assert.ok(j.heartbeatAgeSeconds >= 60 && j.heartbeatAgeSeconds < 70);
  assert.match(j.heartbeat, /older than the L2 lease duration/);
});
