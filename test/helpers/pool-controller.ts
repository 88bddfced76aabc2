// A test API server plus in-process `pool controller` instances, and helpers to change objects
// and wait until the controller has answered every change (quiescence).
import { spawn } from "node:child_process";
import { Background } from "./netns.ts";
import { LBCTL_BIN } from "./cli.ts";
import { startTestApiServer, type TestApiServer } from "../kube-server/server.ts";
import { connectKube } from "../../src/adapters/kube/connect.ts";
import { RESOURCES, type Gvr, type Kube, type KubeObject } from "../../src/adapters/kube/types.ts";
import { makeLogger } from "../../src/adapters/announce/logger.ts";
import { PoolController } from "../../src/adapters/controller/controller.ts";
import { DEFAULT_SETTINGS, type ControllerScope, type LbIpamSettings, type Raw } from "../../src/core/ipam/index.ts";

export const FAST = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 };
export const POOLS = RESOURCES.poolsV2;
export const SERVICES = RESOURCES.services;

export interface Harness {
  srv: TestApiServer;
  kube: Kube;
  logs: string[];
  start(identity?: string, o?: { settings?: Partial<LbIpamSettings>; scope?: Partial<ControllerScope>; events?: boolean }): PoolController;
  apply(obj: Raw): Promise<KubeObject>;
  remove(gvr: Gvr, name: string, ns?: string): Promise<void>;
  get(gvr: Gvr, name: string, ns?: string): Promise<Raw | undefined>;
  settle(): Promise<void>;
  /** PUT/PATCH requests on a /status subresource so far. */
  statusWrites(): number;
  close(): Promise<void>;
}

const gvrOf = (o: Raw): Gvr => (o["kind"] === "Service" ? SERVICES : POOLS);

export async function harness(): Promise<Harness> {
  const srv = await startTestApiServer({ bookmarkIntervalMs: 200 });
  const kube = connectKube({ kubeconfig: srv.kubeconfigPath(), env: {} });
  const logs: string[] = [];
  const controllers: PoolController[] = [];
  const kubes: Kube[] = [];
  const countWrites = (): number => srv.requests.filter((r) => (r.verb === "update" || r.verb === "patch") && /\/status(\?|$)/.test(r.url)).length;
  const h: Harness = {
    srv,
    kube,
    logs,
    start(identity = "c1", o = {}) {
      const k = connectKube({ kubeconfig: srv.kubeconfigPath(), env: {} });
      kubes.push(k);
      const log = makeLogger({ write: (s: string) => logs.push(`[${identity}] ${s}`) }, "text", "info", () => Date.now());
      const c = new PoolController({
        kube: k, log, identity, leaseNamespace: "kube-system", timing: FAST, now: () => Date.now(), events: o.events ?? true,
        settings: { ...DEFAULT_SETTINGS, ...o.settings }, scope: { writePoolStatus: true, ...o.scope },
      });
      controllers.push(c);
      c.start();
      return c;
    },
    async apply(obj) {
      const m = obj["metadata"] as { name: string; namespace?: string };
      const cur = await kube.get(gvrOf(obj), m.name, m.namespace);
      if (!cur) return kube.create(gvrOf(obj), structuredClone(obj));
      const next = { ...structuredClone(obj), metadata: { ...(cur["metadata"] as Raw), ...(obj["metadata"] as Raw), resourceVersion: undefined } };
      return kube.update(gvrOf(obj), next);
    },
    async remove(gvr, name, ns) {
      await kube.delete(gvr, name, ns);
    },
    async get(gvr, name, ns) {
      return kube.get(gvr, name, ns);
    },
    async settle() {
      // Quiet: the store's resourceVersion unchanged for 150 ms, and every leader idle.
      let last = "";
      let stableSince = Date.now();
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        const rv = srv.store.resourceVersion;
        if (rv !== last) {
          last = rv;
          stableSince = Date.now();
          continue;
        }
        const leaders = controllers.filter((c) => c.isLeading());
        if (Date.now() - stableSince >= 150 && leaders.length > 0) {
          await Promise.all(leaders.map((c) => c.idle()));
          if (srv.store.resourceVersion === last) return;
        }
      }
      throw new Error(`no quiescence within 15 s\n${logs.join("")}`);
    },
    statusWrites: countWrites,
    async close() {
      await Promise.all(controllers.map((c) => c.stop()));
      for (const k of kubes) k.close();
      kube.close();
      await srv.close();
    },
  };
  return h;
}

/** The status fields LB-IPAM writes, without timestamps: for comparing runs. */
export function lbStatus(o: Raw | undefined): { ips: string[]; cond: string | undefined } {
  const st = (o?.["status"] ?? {}) as Raw;
  const lb = (st["loadBalancer"] ?? {}) as Raw;
  const ips = ((lb["ingress"] as Raw[] | undefined) ?? []).map((e) => String(e["ip"] ?? e["hostname"]));
  const c = ((st["conditions"] as Raw[] | undefined) ?? []).find((x) => x["type"] === "cilium.io/IPAMRequestSatisfied");
  return { ips, cond: c ? `${String(c["status"])}/${String(c["reason"])}/${String(c["message"])}` : undefined };
}

/** "total/available/used" and conflict status from a pool's conditions. */
export function poolStatus(o: Raw | undefined): string {
  const conds = (((o?.["status"] ?? {}) as Raw)["conditions"] as Raw[] | undefined) ?? [];
  const m = (t: string): string => String(conds.find((c) => c["type"] === t)?.["message"] ?? "-");
  const s = (t: string): string => String(conds.find((c) => c["type"] === t)?.["status"] ?? "-");
  return `${m("cilium.io/IPsTotal")}/${m("cilium.io/IPsAvailable")}/${m("cilium.io/IPsUsed")} conflict=${s("cilium.io/PoolConflict")}`;
}

/** `lbctl pool controller` as a real process (bounded by `timeout`), following its log. */
export function spawnController(kubeconfig: string, identity: string, extra: string[] = []): Background {
  const child = spawn("timeout", ["-k", "1", "120", process.execPath, LBCTL_BIN, "pool", "controller", "--kubeconfig", kubeconfig, "--identity", identity,
    "--lease-duration", "1.5s", "--lease-renew-deadline", "1s", "--lease-retry-period", "200ms", ...extra], {
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Background(child);
}
