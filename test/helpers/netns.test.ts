import { test } from "node:test";
import assert from "node:assert/strict";
import { isDocumentationAddress, NetnsLab, twoHosts } from "./netns.ts";

test("netns lab: two hosts reach each other (iputils arping), processes are ours, teardown removes everything", async (t) => {
  const lab = await NetnsLab.start(t, "lab", { tools: ["arping"] });
  if (!lab) return;
  const { a, b } = await twoHosts(lab);
  const ping = await lab.exec(a, ["arping", "-I", "vA", "-f", "-c", "1", "-w", "2", "198.51.100.2"]);
  assert.equal(ping.code, 0, ping.stdout + ping.stderr);
  const child = lab.spawn(b, ["sleep", "30"]);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(lab.assertOurs(child.pid!), b);
  assert.throws(() => lab.assertOurs(process.pid), /not in one of/);
  await assert.rejects(lab.addr(a, "vA", "10.0.0.1/24"), /not a documentation address/);
  await lab.teardown();
  assert.equal(lab.identify(child.pid!), "");
  const { execFileSync } = await import("node:child_process");
  assert.doesNotMatch(execFileSync("ip", ["netns", "list"], { encoding: "utf8" }), new RegExp(lab.prefix));
});

test("documentation address filter", () => {
  const cases: [string, boolean][] = [
    ["198.51.100.1/24", true],
    ["192.0.2.7/32", true],
    ["203.0.113.9", true],
    ["2001:db8::1/64", true],
    ["fe80::1/64", true],
    ["10.0.0.1/8", false],
    ["192.0.3.1/24", false],
    ["2001:db9::1/64", false],
  ];
  for (const [c, want] of cases) assert.equal(isDocumentationAddress(c), want, c);
});
