// The README's promise: on a machine without the optional peers (iputils arping, ndisc6, curl,
// kubectl, bpftool) `npm test` passes, their tests skipping with a message that names what is
// missing. Proved by running real test files of the suite with those tools hidden from PATH.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { missingTools, onPath } from "./tools.ts";

test("missingTools names each missing tool with its Debian package", () => {
  const empty = mkdtempSync(join(tmpdir(), "lbt-path-"));
  assert.equal(missingTools([], empty), undefined);
  assert.equal(missingTools(["arping", "kubectl"], empty), "needs arping (apt-get install iputils-arping), kubectl (apt-get install kubectl)");
  assert.equal(onPath("sh", "/usr/bin:/bin"), true);
  assert.equal(missingTools(["sh"], "/usr/bin:/bin"), undefined);
});

test("with the peers hidden from PATH, their tests skip with the reason and the files pass", () => {
  // A PATH with only what a bare machine has for these tests: ip (iproute2), openssl (the test API
  // server's certificates), sh and coreutils; node is run by its full path.
  const bin = mkdtempSync(join(tmpdir(), "lbt-bare-path-"));
  for (const tool of ["ip", "openssl", "sh", "timeout", "env"]) {
    const found = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].map((d) => join(d, tool)).find((p) => onPath(tool, p.slice(0, -tool.length - 1)));
    if (found) symlinkSync(found, join(bin, tool));
  }
  const dist = new URL("../", import.meta.url).pathname;
  const files = ["helpers/netns.test.js", "cli/arping.netns.test.js", "adapters/packet/socket.netns.test.js", "kube-server/kubectl.test.js"].map((f) => join(dist, f));
  // NODE_TEST_CONTEXT would make the inner runner talk to ours instead of printing TAP.
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
  delete env["NODE_TEST_CONTEXT"];
  const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", ...files], { env, encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /# fail 0/);
  for (const why of ["needs arping (apt-get install iputils-arping)", "needs ndisc6 (apt-get install ndisc6)", "needs kubectl (apt-get install kubectl)"]) {
    assert.ok(r.stdout.includes(`# SKIP ${why}`) || r.stdout.includes(why), `no skip naming "${why}":\n${r.stdout}`);
  }
});
