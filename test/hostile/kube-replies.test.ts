// Hostile API servers on 127.0.0.1: replies that are not what the Kubernetes API sends (a login
// page, truncated or wrong-shaped JSON, endless pagination, huge or stalling bodies, throttling).
// Each gets one stderr line naming the server and the request, no stack trace, an empty stdout
// and exit 1 — or, for 429 with Retry-After, a retry as client-go does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { runCli, type CliResult } from "../helpers/cli.ts";
import { assertOneLine } from "./one-line.ts";
import { sendHugeBody } from "./huge-body.ts";

const dir = mkdtempSync(join(tmpdir(), "lbt-hostile-"));

/** `n` counts the requests to the same resource path (lists run side by side). */
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

async function serve(handler: Handler): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const path = (req.url ?? "").split("?")[0];
    handler(req, res, requests.filter((u) => u.split("?")[0] === path).length);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests };
}

function kubeconfigFor(url: string): string {
  const file = join(dir, `kc-${url.replace(/\W+/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({
    apiVersion: "v1", kind: "Config", "current-context": "c",
    clusters: [{ name: "k", cluster: { server: url } }],
    contexts: [{ name: "c", context: { cluster: "k" } }],
    users: [],
  }));
  return file;
}

const emptyList = (kind: string): string => JSON.stringify({ kind, apiVersion: "v1", metadata: { resourceVersion: "1" }, items: [] });

async function against(handler: Handler, argv: string[] = ["service", "list", "-A"], timeout = "2s"): Promise<CliResult & { requests: string[]; ms: number }> {
  const s = await serve(handler);
  const started = Date.now();
  try {
    const r = await runCli([...argv, "--kubeconfig", kubeconfigFor(s.url), "--request-timeout", timeout]);
    return { ...r, requests: s.requests, ms: Date.now() - started };
  } finally {
    s.server.closeAllConnections();
    s.server.close();
  }
}

const oneLine = (r: CliResult, want: RegExp): string => assertOneLine(r, want);

const send = (status: number, type: string, body: string): Handler => (_req, res) => {
  res.writeHead(status, { "Content-Type": type });
  res.end(body);
};

const shapes: [string, Handler, RegExp][] = [
  ["an HTML login page", send(200, "text/html", "<html><body>Sign in to the corporate proxy</body></html>"), /did not answer list services as the Kubernetes API does: not JSON \(200 text\/html: "<html><body>Sign in/],
  ["truncated JSON", send(200, "application/json", '{"kind":"ServiceList","items":[{"metadata":'), /list services as the Kubernetes API does: not JSON \(200 application\/json/],
  ["an empty 200 body", send(200, "application/json", ""), /: an empty body \(200 application\/json: empty body\)/],
  ["a 204", send(204, "application/json", ""), /: an empty body \(204/],
  ["a bare array", send(200, "application/json", "[1,2,3]"), /: not a JSON object \(200/],
  ["null", send(200, "application/json", "null"), /: not a JSON object/],
  ["items: 5", send(200, "application/json", '{"kind":"ServiceList","items":5}'), /: "items" is not a list/],
  ["items: [null]", send(200, "application/json", '{"kind":"ServiceList","items":[null]}'), /: "items" holds something that is not an object/],
  ["items: [\"x\"]", send(200, "application/json", '{"kind":"ServiceList","items":["x"]}'), /: "items" holds something that is not an object/],
  ["a bogus gzip body", (_q, res) => { res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" }); res.end(Buffer.from([0x1f, 0x8b, 1, 2, 3])); }, /: not JSON/],
  ["a protobuf body", send(200, "application/vnd.kubernetes.protobuf", "k8s\u0000\n\u000b\n\u0002v1"), /: not JSON \(200 application\/vnd\.kubernetes\.protobuf/],
];

for (const [name, handler, want] of shapes) {
  test(`API reply: ${name} → one line naming the server and the request`, async () => {
    const r = await against(handler);
    oneLine(r, want);
    assert.match(r.stderr, /the API server at http:\/\/127\.0\.0\.1:\d+/);
  });
}

test("API reply: every command that lists from the cluster checks the reply the same way", async () => {
  const html = send(200, "text/html", "<html>login</html>");
  for (const argv of [["pool", "list", "--cluster"], ["l2", "status"], ["announce", "status"]]) {
    const r = await against(html, argv);
    assert.notEqual(r.code, 0, `${argv.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "", argv.join(" "));
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `${argv.join(" ")}: ${r.stderr}`);
    assert.match(lines[0]!, /did not answer list [\w.]+ .*as the Kubernetes API does: not JSON \(200 text\/html/, argv.join(" "));
  }
});

test("API reply: a server that repeats its continue token is not paged forever", async () => {
  const r = await against((req, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ kind: "ServiceList", apiVersion: "v1", metadata: { continue: "again" }, items: [] }));
  });
  oneLine(r, /repeated the continue token "again" \(endless pagination\)/);
  const pages = r.requests.filter((p) => p.startsWith("/api/v1/services"));
  assert.ok(pages.length <= 2, `${pages.length} pages of services`);
});

test("API reply: a body past the 64 MiB cap is stopped, not buffered", async () => {
  const r = await against((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    // Bounded: the client gives up at 64 MiB; the server never sends more than 80.
    sendHugeBody(res, { head: "{", fill: 0x20, mib: 80, tail: "}" });
  }, ["service", "list", "-A"], "20s");
  oneLine(r, /sent more than 64 MiB to list services; that is no API reply/);
});

test("API reply: a body that stalls is a timeout, named as one", async () => {
  const r = await against((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.write('{"kind":"ServiceList","items":[');
  }, ["service", "list", "-A"], "1s");
  oneLine(r, /timed out after 1s waiting for the API server at .* to list services \(raise --request-timeout\)/);
  assert.ok(r.ms < 5000, `${r.ms} ms`);
});

test("API reply: a body that drips past the timeout is a timeout too", async () => {
  const r = await against((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    let i = 0;
    const t = setInterval(() => {
      if (res.destroyed || i++ > 40) return clearInterval(t);
      res.write(" ");
    }, 100);
  }, ["service", "list", "-A"], "1s");
  oneLine(r, /timed out after 1s/);
});

test("429 with Retry-After is retried after the delay, then succeeds", async () => {
  const r = await against((req, res, n) => {
    if (n <= 2) {
      res.writeHead(429, { "Content-Type": "application/json", "Retry-After": "1" });
      return void res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "TooManyRequests", message: "too many requests, please try again later", code: 429 }));
    }
    const kind = (req.url ?? "").includes("endpointslices") ? "EndpointSliceList" : (req.url ?? "").includes("nodes") ? "NodeList" : "ServiceList";
    send(200, "application/json", emptyList(kind))(req, res, n);
  }, ["service", "list", "-A"], "10s");
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.ms >= 1900, `waited for Retry-After twice: ${r.ms} ms`);
  assert.ok(r.requests.filter((p) => p.startsWith("/api/v1/services")).length >= 3, r.requests.join(" "));
});

test("429 for ever: lbctl gives up within the request timeout, naming the 429", async () => {
  const r = await against((_req, res) => {
    res.writeHead(429, { "Content-Type": "application/json", "Retry-After": "1" });
    res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "TooManyRequests", message: "too many requests", code: 429 }));
  }, ["service", "list", "-A"], "3s");
  oneLine(r, /cannot list services: too many requests \(429 TooManyRequests\) after \d tries/);
  assert.ok(r.ms < 6000, `${r.ms} ms`);
});

test("503 without Retry-After is not retried and is one line", async () => {
  const r = await against(send(503, "application/json", JSON.stringify({ kind: "Status", status: "Failure", reason: "ServiceUnavailable", message: "etcd is down", code: 503 })));
  oneLine(r, /cannot list services: etcd is down \(503 ServiceUnavailable\)/);
  assert.equal(r.requests.filter((p) => p.startsWith("/api/v1/services")).length, 1, r.requests.join(" "));
});

test("https:// pointed at a plain-HTTP port says so in one line", async () => {
  const s = await serve(send(200, "application/json", emptyList("ServiceList")));
  try {
    const kc = kubeconfigFor(s.url.replace("http:", "https:"));
    const r = await runCli(["service", "list", "-A", "--kubeconfig", kc, "--request-timeout", "2s"]);
    oneLine(r, /does not speak TLS .*: is it a plain-HTTP port\? then its server URL is http:\/\//);
  } finally {
    s.server.closeAllConnections();
    s.server.close();
  }
});
