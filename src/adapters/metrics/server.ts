// `--metrics-addr`: Prometheus exposition on /metrics and a liveness answer on /healthz, for
// every long-running command.
import { createServer, type Server } from "node:http";
import type { MetricsRegistry } from "./registry.ts";
import { parseListenAddr } from "../../core/listen-addr.ts";

export interface MetricsServer {
  readonly address: string;
  close(): Promise<void>;
}

export async function startMetricsServer(addr: string, metrics: MetricsRegistry, healthy: () => boolean): Promise<MetricsServer> {
  const where = parseListenAddr(addr);
  if (!where) throw new Error(`--metrics-addr: "${addr}" is not host:port`);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
    } else if (path === "/metrics") {
      metrics.render().then(
        (text) => res.writeHead(200, { "content-type": metrics.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`${(err as Error).message}\n`),
      );
    } else if (path === "/healthz") {
      const ok = healthy();
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : "unhealthy\n");
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(where.port, where.host, () => resolve());
  });
  const a = server.address();
  const address = typeof a === "object" && a !== null ? `${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}` : addr;
  return {
    address,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
