import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeBpf, NDP_FILTER, runBpf } from "../../../src/core/packet/bpf.ts";
import { arpMessageBytes, newRequest } from "../../../src/core/packet/arp.ts";
import { encodeNdpFrame, newSolicitation, newUnsolicitedAdvertisement } from "../../../src/core/packet/ndp.ts";

test("NDP filter accepts NS and NA, rejects ARP, other ICMPv6 and short frames", () => {
  const ns = encodeNdpFrame(newSolicitation({ mac: "02:00:00:00:00:0a", src: "2001:db8::1", target: "2001:db8::2" }));
  const na = encodeNdpFrame(newUnsolicitedAdvertisement("02:00:00:00:00:0a", "2001:db8::1"));
  const echo = ns.slice();
  echo[54] = 128;
  const udp = ns.slice();
  udp[20] = 17;
  const arp = arpMessageBytes(newRequest({ sha: "02:00:00:00:00:0a", spa: "198.51.100.1", tpa: "198.51.100.2" }));
  const cases: [string, Uint8Array, boolean][] = [
    ["NS", ns, true],
    ["NA", na, true],
    ["echo request", echo, false],
    ["UDP", udp, false],
    ["ARP", arp, false],
    ["short", ns.subarray(0, 30), false],
  ];
  for (const [name, frame, want] of cases) assert.equal(runBpf(NDP_FILTER, frame) > 0, want, name);
});

test("encodeBpf lays out struct sock_filter in the requested byte order", () => {
  const le = encodeBpf([{ code: 0x28, jt: 1, jf: 2, k: 12 }], true);
  assert.deepEqual([...le], [0x28, 0, 1, 2, 12, 0, 0, 0]);
  const be = encodeBpf([{ code: 0x28, jt: 1, jf: 2, k: 12 }], false);
  assert.deepEqual([...be], [0, 0x28, 1, 2, 0, 0, 0, 12]);
});
