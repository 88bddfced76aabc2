// Makes the in-process test API server (127.0.0.1 in the test's own namespace) reachable from
// inside lab namespaces without any link to the host: a Unix socket (filesystem, so it crosses
// network namespaces) relays to the server, and a tiny relay inside each namespace listens on
// that namespace's own 127.0.0.1:<same port>. The kubeconfig's https://127.0.0.1:PORT (and its
// certificate) therefore work unchanged inside the namespaces. No packet leaves a namespace.
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NetnsLab } from "./netns.ts";

let n = 0;

export interface ApiBridge {
  close(): Promise<void>;
}

export async function bridgeApi(lab: NetnsLab, port: number, namespaces: readonly string[]): Promise<ApiBridge> {
  const path = join(tmpdir(), `lbt-api-${process.pid}-${++n}.sock`);
  rmSync(path, { force: true });
  const sockets = new Set<Socket>();
  const server: Server = createServer((down) => {
    const up = createConnection(port, "127.0.0.1");
    sockets.add(down).add(up);
    const end = (): void => {
      down.destroy();
      up.destroy();
      sockets.delete(down);
      sockets.delete(up);
    };
    down.pipe(up).pipe(down);
    down.on("error", end).on("close", end);
    up.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const relay = `
    const net = require("node:net");
    net.createServer((c) => {
      const u = net.connect(${JSON.stringify(path)});
      c.pipe(u).pipe(c);
      const end = () => { c.destroy(); u.destroy(); };
      c.on("error", end); u.on("error", end); c.on("close", end); u.on("close", end);
    }).listen(${port}, "127.0.0.1", () => console.log("relay ready"));
  `;
  await Promise.all(namespaces.map((ns) => new Promise<void>((resolve, reject) => {
    const child = lab.spawn(ns, [process.execPath, "-e", relay]);
    const t = setTimeout(() => reject(new Error(`API relay in ${ns} did not start`)), 5000);
    child.stdout?.once("data", () => {
      clearTimeout(t);
      resolve();
    });
  })));
  return {
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(path, { force: true });
    },
  };
}
