// The real addon in a namespace: a tiny NDP responder (fixtures/ndp-responder.ts) answers for an
// address that only exists on b's loopback, and ndisc6 in a must get b's MAC from it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { NetnsLab, twoHosts } from "../../helpers/netns.ts";

const RESPONDER = fileURLToPath(new URL("./fixtures/ndp-responder.js", import.meta.url));

test("addon: filter, multicast join, RX/TX timestamps, send, unref: answers ndisc6 for a VIP on lo", async (t) => {
  const lab = await NetnsLab.start(t, "sock", { tools: ["ndisc6"] });
  if (!lab) return;
  const { a, b } = await twoHosts(lab);
  await lab.ip(b, "addr", "add", "2001:db8::50/128", "dev", "lo"); // the kernel never answers NS for it
  const before = await lab.exec(a, ["ndisc6", "-n", "-r", "1", "-w", "300", "2001:db8::50", "vA"]);
  assert.equal(before.code, 2, "nobody answers before the responder runs");

  const child = lab.spawn(b, [process.execPath, RESPONDER, "vB", "2001:db8::50", "1", "4000"], { env: { ...process.env, LBCTL_TEST_NETNS_GUARD: "1" } });
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (out += d));
  await new Promise<void>((res) => {
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      err += d;
      if (err.includes("ready")) res();
    });
    child.on("close", () => res());
  });
  lab.assertOurs(child.pid!);
  const nd = await lab.exec(a, ["ndisc6", "-n", "-r", "2", "-w", "1000", "2001:db8::50", "vA"]);
  const code = await new Promise<number | null>((res) => (child.exitCode !== null ? res(child.exitCode) : child.on("close", (c) => res(c))));
  assert.equal(code, 0, err);
  assert.equal(nd.code, 0, nd.stdout + nd.stderr);
  assert.match(nd.stdout, /^Target link-layer address: 02:00:00:00:00:0B$/m);
  const report = JSON.parse(out.trim()) as Record<string, unknown>;
  assert.equal(report["timestampMode"], "timestamping");
  assert.equal(report["answered"], 1);
  assert.equal(report["txKernel"], true, "the send stamp came from the kernel");
  assert.equal(report["tsInWindow"], true, "receive stamps are CLOCK_REALTIME and not in the future");
  assert.equal(report["nonNdpOnFiltered"], 0, "the BPF filter passes NDP only");
  assert.deepEqual(report["errors"], []);
});
