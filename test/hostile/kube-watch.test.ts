// Hostile watch streams: a line that is not a watch event, and a line that never ends, are one
// error naming the server and the request (the reflector logs it and lists again), not a crash
// or unbounded memory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type ServerResponse } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { connectKube } from "../../src/adapters/kube/connect.ts";
import { RESOURCES } from "../../src/adapters/kube/types.ts";
import { watchEvent } from "../../src/adapters/kube/watch.ts";
import { sendHugeBody } from "./huge-body.ts";

async function watchAgainst(stream: (res: ServerResponse) => void): Promise<{ events: string[]; error: Error | undefined }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    stream(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const dir = mkdtempSync(join(tmpdir(), "lbt-watch-"));
  const kc = join(dir, "kc.json");
  writeFileSync(kc, JSON.stringify({
    apiVersion: "v1", kind: "Config", "current-context": "c",
    clusters: [{ name: "k", cluster: { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } }],
    contexts: [{ name: "c", context: { cluster: "k" } }], users: [],
  }));
  const kube = connectKube({ kubeconfig: kc, env: {}, requestTimeoutMs: 5000 });
  const events: string[] = [];
  let error: Error | undefined;
  try {
    for await (const ev of kube.watch(RESOURCES.services, { resourceVersion: "1" })) events.push(ev.type);
  } catch (err) {
    error = err as Error;
  } finally {
    kube.close();
    server.closeAllConnections();
    server.close();
  }
  return { events, error };
}

const svc = { kind: "Service", metadata: { name: "a", namespace: "default", resourceVersion: "2" } };

test("watch: a line that is not an event ends the stream with one line naming server and request", async () => {
  const r = await watchAgainst((res) => {
    res.write(JSON.stringify({ type: "ADDED", object: svc }) + "\n");
    res.end("<html>proxy timeout</html>\n");
  });
  assert.deepEqual(r.events, ["ADDED"]);
  assert.ok(r.error, "an error");
  assert.match(r.error.message, /^the API server at http:\/\/127\.0\.0\.1:\d+ did not answer watch services as the Kubernetes API does: a watch event that is not \{type, object\} JSON \(200 application\/json: "<html>proxy timeout<\/html>"\)$/);
});

test("watch: a line that never ends is cut at the body cap, not buffered for ever", async () => {
  const r = await watchAgainst((res) => {
    sendHugeBody(res, { head: '{"type":"ADDED","object":{"x":"', fill: 0x61, mib: 80 });
  });
  assert.deepEqual(r.events, []);
  assert.match(r.error?.message ?? "", /a watch event longer than 64 MiB/);
});

test("watchEvent accepts the API's events and nothing else", () => {
  assert.deepEqual(watchEvent(JSON.stringify({ type: "MODIFIED", object: svc })), { type: "MODIFIED", object: svc });
  for (const bad of ["", "null", "[1]", '{"type":"ADDED"}', '{"type":"ADDED","object":[1]}', '{"type":"UPSERT","object":{}}', '{"type":1,"object":{}}', '{"type":"ADDED","object":']) {
    assert.equal(watchEvent(bad), undefined, bad);
  }
});
