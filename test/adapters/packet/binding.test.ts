// Where the packet addon is looked for: the checkout root found from this code's own location,
// which differs between the compiled module graph (dist/src/...) and the bundle (dist/lbctl.cjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { addonCandidates, loadBinding } from "../../../src/adapters/packet/binding.ts";
import { LbctlError } from "../../../src/cli/errors.ts";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

test("the addon is looked for under the checkout's build/ directory, Release first", () => {
  assert.deepEqual(addonCandidates(), [`${ROOT}build/Release/lbctl_packet.node`, `${ROOT}build/Debug/lbctl_packet.node`]);
});

test("LBCTL_PACKET_ADDON pointing nowhere gives a one-line error naming the path", () => {
  assert.throws(
    () => loadBinding({ LBCTL_PACKET_ADDON: "/nonexistent/x.node" }),
    (err: unknown) => err instanceof LbctlError && err.exitCode === 2 && /looked for \/nonexistent\/x\.node/.test(err.message) && !err.message.includes("\n"),
  );
});

test("the addon's entry points reject missing or wrong arguments with a TypeError naming their usage", (t) => {
  let b;
  try {
    b = loadBinding({});
  } catch (err) {
    t.skip(`packet addon not built here: ${(err as Error).message}`);
    return;
  }
  const notAHandle = {} as never;
  const cases: [string, () => unknown, RegExp][] = [
    ["send, no arguments", () => (b.send as (...a: unknown[]) => unknown)(), /^send\(handle, frame\)$/],
    ["setRef, one argument", () => (b.setRef as (...a: unknown[]) => unknown)(notAHandle), /^setRef\(handle, boolean\)$/],
    ["timestampMode, no arguments", () => (b.timestampMode as (...a: unknown[]) => unknown)(), /^timestampMode\(handle\)$/],
    ["attachFilter, not a handle", () => b.attachFilter(notAHandle, Buffer.alloc(8)), /^expected a packet socket handle$/],
    ["close, not a handle", () => b.close(notAHandle), /^close\(handle\)$/],
    ["open, bad ifindex", () => b.open(0, 0x0806, () => undefined), /^open\(ifindex > 0, ethertype 0\.\.65535, onFrame\)$/],
  ];
  for (const [name, call, message] of cases) {
    assert.throws(call, (err: unknown) => err instanceof TypeError && (err as NodeJS.ErrnoException).code === "ERR_INVALID_ARG" && message.test(err.message), name);
  }
});
