import { test } from "node:test";
import assert from "node:assert/strict";
import { PacketSocket, explain } from "../../../src/adapters/packet/socket.ts";
import type { PacketBinding, PacketHandle } from "../../../src/adapters/packet/binding.ts";
import { NDP_FILTER } from "../../../src/core/packet/bpf.ts";
import { LbctlError } from "../../../src/cli/errors.ts";

// Records: u32 len, u32 pkttype, u64 ts (LE), frame, zero padding to 8 bytes.
function rec(data: Uint8Array | number[], pkttype: number, ts: bigint): Buffer {
  const b = Buffer.alloc((16 + data.length + 7) & ~7);
  b.writeUInt32LE(data.length, 0);
  b.writeUInt32LE(pkttype, 4);
  b.writeBigUInt64LE(ts, 8);
  Buffer.from(data).copy(b, 16);
  return b;
}

/** A fake addon that records calls and lets the test push frames (one per batch) or batches. */
function fakeBinding() {
  const calls: string[] = [];
  const opened: unknown[] = [];
  let onBatch: ((records: Buffer, count: number) => void) | undefined;
  const handle = { id: 1 } as unknown as PacketHandle;
  const binding: PacketBinding = {
    open(ifindex, ethertype, cb, flags, rcvbuf) {
      calls.push(`open ${ifindex} 0x${ethertype.toString(16)}`);
      opened.push([ifindex, ethertype, flags, rcvbuf]);
      onBatch = cb;
      return handle;
    },
    send(_h, frame) {
      calls.push(`send ${frame.length}`);
      return { ns: 42n, kernel: true };
    },
    close() {
      calls.push("close");
    },
    setRef(_h, on) {
      calls.push(`ref ${on}`);
    },
    attachFilter(_h, program) {
      calls.push(`filter ${program.length}`);
    },
    realtimeNs: () => 7n,
    timestampMode: () => "timestamping",
  };
  return { binding, calls, opened, push: (b: Buffer, p: number, t: bigint) => onBatch?.(rec(b, p, t), 1), batch: (records: Buffer, count: number) => onBatch?.(records, count) };
}

test("PacketSocket: open, frames as events, send stamp, filter, close once", () => {
  const f = fakeBinding();
  const s = PacketSocket.open({ ifname: "vA", ifindex: 3, ethertype: 0x86dd, binding: f.binding, env: {} });
  const got: number[] = [];
  s.on("frame", (fr) => got.push(fr.pkttype));
  f.push(Buffer.alloc(42), 0, 5n);
  f.push(Buffer.alloc(42), 2, 6n);
  assert.deepEqual(got, [0, 2]);
  assert.deepEqual(s.send(new Uint8Array(42)), { ns: 42n, kernel: true });
  s.attachFilter(NDP_FILTER);
  s.unref();
  s.close();
  s.close();
  assert.equal(s.closed, true);
  assert.throws(() => s.send(new Uint8Array(42)), /closed/);
  assert.deepEqual(f.calls, ["open 3 0x86dd", "send 42", `filter ${NDP_FILTER.length * 8}`, "ref false", "close"]);
});

test("errno codes become one-line errors; EPERM names CAP_NET_RAW", () => {
  const errno = (code: string) => Object.assign(new Error(`socket(AF_PACKET): ${code}`), { code });
  const cases: [string, RegExp, number][] = [
    ["EPERM", /CAP_NET_RAW is needed/, 2],
    ["EACCES", /CAP_NET_RAW is needed/, 2],
    ["ENODEV", /no such interface/, 2],
    ["ENETDOWN", /is down/, 2],
    ["EMSGSIZE", /sending on vA: socket/, 1],
  ];
  for (const [code, want, exit] of cases) {
    const e = explain(errno(code), code === "EMSGSIZE" ? "sending on vA" : "opening a packet socket on vA");
    assert.ok(e instanceof LbctlError);
    assert.match(e.message, want, code);
    assert.equal(e.exitCode, exit, code);
  }
  const f = fakeBinding();
  f.binding.open = () => {
    throw errno("EPERM");
  };
  assert.throws(() => PacketSocket.open({ ifname: "vA", ifindex: 3, ethertype: 0x806, binding: f.binding, env: {} }), /CAP_NET_RAW/);
});

test("netns guard: refuses to open outside a test namespace when LBCTL_TEST_NETNS_GUARD=1", async () => {
  const { currentNetnsName } = await import("../../../src/adapters/packet/netns-guard.ts");
  const f = fakeBinding();
  const here = currentNetnsName();
  if (here?.startsWith("lbt-")) return; // the suite itself runs inside a test namespace: nothing to refuse
  assert.throws(
    () => PacketSocket.open({ ifname: "eth0", ifindex: 2, ethertype: 0x806, binding: f.binding, env: { LBCTL_TEST_NETNS_GUARD: "1" } }),
    /refusing to open a packet socket/,
  );
  assert.deepEqual(f.calls, [], "the binding was never touched");
});

test("PacketSocket: a batch becomes one 'frame' event per record; options reach the binding", () => {
  const f = fakeBinding();
  const s = PacketSocket.open({ ifname: "vA", ifindex: 3, ethertype: 0x806, txTimestamps: false, receiveBufferBytes: 1 << 20, binding: f.binding, env: {} });
  assert.deepEqual(f.opened, [[3, 0x806, 1, 1 << 20]]);
  const got: [string, number, bigint][] = [];
  s.on("frame", (fr) => got.push([fr.data.toString("hex"), fr.pkttype, fr.timestampNs]));
  f.batch(Buffer.concat([rec([1, 2, 3], 1, 10n), rec([4, 5, 6, 7, 8, 9, 10, 11], 0, 2n ** 60n), rec([], 3, 0n)]), 3);
  assert.deepEqual(got, [["010203", 1, 10n], ["0405060708090a0b", 0, 2n ** 60n], ["", 3, 0n]]);
  s.close();
});
