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
