import { test } from "node:test";
import assert from "node:assert/strict";
import { backendState, backendsFor } from "../../../src/core/service/backends.ts";
import type { SliceInfo } from "../../../src/core/service/model.ts";

test("EndpointSlice conditions → Cilium backend state", () => {
  const U = undefined;
  const cases: [boolean | undefined, boolean | undefined, boolean | undefined, string][] = [
    // ready, serving, terminating → state
    [true, true, false, "active"],
    [true, U, U, "active"],
    [U, U, U, "active"], // unknown readiness counts as ready (EndpointSlice API)
    [true, true, true, "active"], // publishNotReadyAddresses
    [false, true, true, "terminating"],
    [false, false, true, "terminating-not-serving"],
    [false, U, true, "terminating-not-serving"],
    [U, U, true, "terminating-not-serving"],
    [false, false, false, "maintenance"],
    [false, U, U, "maintenance"],
  ];
  for (const [ready, serving, terminating, want] of cases) {
    assert.equal(backendState({ ready, serving, terminating }), want, JSON.stringify({ ready, serving, terminating }));
  }
});

const slice = (over: Partial<SliceInfo>): SliceInfo => ({
  namespace: "ns",
  name: "s",
  service: "svc",
  addressType: "IPv4",
  ports: [{ name: "", port: 8080, protocol: "TCP" }],
  endpoints: [],
  ...over,
});
const ep = (addresses: string[], nodeName = "", ready: boolean | undefined = true) => ({ addresses, ready, serving: undefined, terminating: undefined, nodeName, zone: "" });

test("backendsFor matches port name, protocol and family; dedups and sorts", () => {
  const slices = [
    slice({ name: "b", ports: [{ name: "http", port: 8080, protocol: "TCP" }, { name: "dns", port: 53, protocol: "UDP" }], endpoints: [ep(["10.0.0.10"]), ep(["10.0.0.9"])] }),
    slice({ name: "a", ports: [{ name: "http", port: 8080, protocol: "TCP" }], endpoints: [ep(["10.0.0.9"])] }),
    slice({ name: "v6", addressType: "IPv6", ports: [{ name: "http", port: 8080, protocol: "TCP" }], endpoints: [ep(["2001:db8::2"])] }),
    slice({ name: "fqdn", addressType: "FQDN", ports: [{ name: "http", port: 8080, protocol: "TCP" }], endpoints: [ep([])] }),
  ];
  const show = (bs: ReturnType<typeof backendsFor>): string[] => bs.map((b) => `${b.ip}:${b.port}/${b.protocol}`);
  const cases: [string, string, 4 | 6, string[]][] = [
    ["http", "TCP", 4, ["10.0.0.9:8080/TCP", "10.0.0.10:8080/TCP"]],
    ["http", "UDP", 4, []],
    ["dns", "UDP", 4, ["10.0.0.9:53/UDP", "10.0.0.10:53/UDP"]],
    ["", "TCP", 4, []],
    ["http", "TCP", 6, ["2001:db8::2:8080/TCP"]],
  ];
  for (const [name, proto, fam, want] of cases) assert.deepEqual(show(backendsFor(slices, name, proto, fam)), want, `${name}/${proto}/v${fam}`);
});
