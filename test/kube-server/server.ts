// A small Kubernetes API server for tests and benchmarks: real REST protocol over HTTPS, an
// in-memory store, optional bearer-token / client-certificate authentication and fault hooks.
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { Store } from "./store.ts";
import { testPki, type TestPki } from "./certs.ts";
import { parseRoute, type Route } from "./route.ts";
import * as h from "./handlers.ts";
import * as disc from "./discovery.ts";
import { serveWatch } from "./watch.ts";
import { toTable, wantsTable } from "./table.ts";
import { StatusError, statusObject } from "./status.ts";
import { forbidden, injected, noFaults, type Faults } from "./faults.ts";
import { writeKubeconfig, type KubeconfigOptions } from "./kubeconfig.ts";

export interface TestApiServerOptions {
  port?: number;
  host?: string;
  /** Bearer token → user name. When given (or requireClientCert), anonymous requests get 401. */
  tokens?: Record<string, string>;
  requireClientCert?: boolean;
  historySize?: number;
  bookmarkIntervalMs?: number;
}

export interface RequestRecord {
  readonly method: string;
  readonly url: string;
  readonly verb: string;
  readonly user: string;
}

export interface TestApiServer {
  readonly url: string;
  readonly port: number;
  readonly caPem: string;
  readonly pki: TestPki;
  readonly store: Store;
  readonly faults: Faults;
  readonly requests: RequestRecord[];
  kubeconfigPath(opts?: KubeconfigOptions): string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

function verbOf(method: string, r: Route, q: URLSearchParams): string {
  const watch = q.get("watch") === "true" || q.get("watch") === "1";
  switch (method) {
    case "GET":
      return r.name === undefined ? (watch ? "watch" : "list") : "get";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return r.name === undefined ? "deletecollection" : "delete";
    default:
      return method.toLowerCase();
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startTestApiServer(opts: TestApiServerOptions = {}): Promise<TestApiServer> {
  const pki = testPki();
  const store = new Store(opts.historySize);
  const faults = noFaults();
  const requests: RequestRecord[] = [];
  const host = opts.host ?? "127.0.0.1";
  const authRequired = opts.tokens !== undefined || opts.requireClientCert === true;
  const sockets = new Set<Socket>();

  const authenticate = (req: IncomingMessage): string | undefined => {
    const sock = req.socket as TLSSocket;
    if (sock.authorized) {
      const cn = sock.getPeerCertificate()?.subject?.CN;
      if (cn) return String(cn);
    }
    if (opts.requireClientCert) return undefined;
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    if (m && opts.tokens) return opts.tokens[m[1]!];
    return authRequired ? undefined : "system:anonymous";
  };

  const send = (res: ServerResponse, status: number, body: string): void => {
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (faults.dropRequests > 0) {
      faults.dropRequests--;
      req.socket.destroy();
      return;
    }
    if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
    const url = new URL(req.url ?? "/", "https://x");
    const q = url.searchParams;
    const user = authenticate(req);
    if (user === undefined) return send(res, 401, JSON.stringify(statusObject(401, "Unauthorized", "Unauthorized")));
    const p = url.pathname.replace(/\/+$/, "") || "/";
    const route = parseRoute(p);
    const method = req.method ?? "GET";
    requests.push({ method, url: req.url ?? "", verb: route ? verbOf(method, route, q) : "get", user });
    if (requests.length > 2000) requests.splice(0, 1000);
    if (!route) {
      const doc = discovery(p, `${host}:${actualPort}`);
      if (doc === undefined) return send(res, 404, JSON.stringify(statusObject(404, "NotFound", "the server could not find the requested resource")));
      return send(res, 200, JSON.stringify(doc));
    }
    const verb = verbOf(method, route, q);
    const resource = route.subresource ? `${route.rt.resource}/${route.subresource}` : route.rt.resource;
    const denied = forbidden(faults, verb, route.rt.group, resource, route.namespace, user);
    if (denied) throw denied;
    const failure = injected(faults, verb, resource, route.name ?? "");
    if (failure) throw failure;
    if (verb === "watch") {
      const sel = h.selectors(q);
      const timeout = q.get("timeoutSeconds");
      return serveWatch(
        store,
        {
          rt: route.rt,
          namespace: route.namespace,
          ...sel,
          resourceVersion: q.get("resourceVersion") ?? undefined,
          bookmarks: q.get("allowWatchBookmarks") === "true",
          timeoutSeconds: timeout === null ? undefined : Number(timeout),
          bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000,
        },
        req,
        res,
      );
    }
    const body = method === "GET" || method === "DELETE" ? "" : await readBody(req);
    let reply: h.Reply;
    if (verb === "list") reply = h.list(store, route, q);
    else if (verb === "get") reply = h.get(store, route);
    else if (verb === "create" && route.name === undefined) reply = h.create(store, route, body);
    else if (verb === "update") reply = h.update(store, route, body);
    else if (verb === "patch") reply = h.patch(store, route, body, req.headers["content-type"] ?? "");
    else if (verb === "delete" || verb === "deletecollection") reply = h.remove(store, route, q);
    else throw new StatusError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`);
    if ((verb === "list" || verb === "get") && wantsTable(req.headers.accept)) return send(res, reply.status, toTable(route.rt, reply.body, q.get("includeObject")));
    send(res, reply.status, reply.body);
  };

  const server: Server = createServer(
    { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        if (res.headersSent) return void res.end();
        if (err instanceof StatusError) return send(res, err.code, JSON.stringify(err.toStatus()));
        send(res, 500, JSON.stringify(statusObject(500, "InternalError", `internal error: ${(err as Error).message}`)));
      });
    },
  );
  server.keepAliveTimeout = 30_000;
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        const a = server.address();
        resolve(typeof a === "object" && a ? a.port : port);
      });
    });
  let actualPort = await listen(opts.port ?? 0);
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${actualPort}`;

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  return {
    url,
    port: actualPort,
    caPem: pki.caPem,
    pki,
    store,
    faults,
    requests,
    kubeconfigPath: (k = {}) => writeKubeconfig(url, pki, k),
    stop,
    restart: async () => {
      await stop();
      actualPort = await listen(actualPort);
    },
    close: stop,
  };
}

function discovery(path: string, serverAddress: string): unknown {
  if (path === "/version") return disc.version();
  if (path === "/api") return disc.apiVersions(serverAddress);
  if (path === "/apis") return disc.groupList();
  if (path === "/openapi/v3") return disc.openapiV3Index();
  let m = /^\/openapi\/v3\/api\/([^/]+)$/.exec(path);
  if (m) return disc.openapiV3GroupVersion("", m[1]!);
  m = /^\/openapi\/v3\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (m) return disc.openapiV3GroupVersion(m[1]!, m[2]!);
  m = /^\/api\/([^/]+)$/.exec(path);
  if (m) return disc.resourceList("", m[1]!);
  m = /^\/apis\/([^/]+)$/.exec(path);
  if (m) return disc.group(m[1]!);
  m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (m) return disc.resourceList(m[1]!, m[2]!);
  return undefined;
}
