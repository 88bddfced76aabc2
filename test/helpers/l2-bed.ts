// The `l2 status` namespace test bed: a switch namespace with a bridge, a client, two nodes and
// a rogue host, each joined to the bridge by a veth; the test API server runs inside the client
// namespace (127.0.0.1 there) so that lbctl in the client reaches it. Holders answer through
// their kernel (the VIP as an interface address, as kube-vip does) and publish Leases with the
// `lbctl.io/interfaces` annotation exactly as `lbctl announce` does.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NetnsLab } from "./netns.ts";
import { ANNOTATION_INTERFACES, ANNOTATION_IP, ANNOTATION_SERVICES, leaseNameFor } from "../../src/core/announce/lease-record.ts";

export const MACS = { client: "02:00:00:00:00:0c", node1: "02:00:00:00:00:a1", node2: "02:00:00:00:00:b1", rogue: "02:00:00:00:00:66" } as const;
export type Host = keyof typeof MACS;

export interface Bed {
  readonly ns: Record<Host | "sw", string>;
  readonly dir: string;
}

const HOST_IP: Record<Host, string> = { client: "192.0.2.100", node1: "192.0.2.1", node2: "192.0.2.2", rogue: "192.0.2.66" };
const HOST_IP6: Record<Host, string> = { client: "2001:db8::100", node1: "2001:db8::1", node2: "2001:db8::2", rogue: "2001:db8::66" };

export async function startBed(lab: NetnsLab): Promise<Bed> {
  const hosts: Host[] = ["client", "node1", "node2", "rogue"];
  const sw = await lab.ns("sw");
  const names = await Promise.all(hosts.map((h) => lab.ns(h)));
  const ns = { sw, client: names[0] ?? "", node1: names[1] ?? "", node2: names[2] ?? "", rogue: names[3] ?? "" };
  await lab.bridge(sw, "br0");
  await lab.ip(sw, "link", "set", "br0", "type", "bridge", "mcast_snooping", "0");
  await Promise.all(hosts.map(async (h, i) => {
    await lab.veth(ns[h], "eth0", MACS[h], sw, `p${i}`, `02:00:00:00:01:0${i}`);
    await lab.attach(sw, `p${i}`, "br0");
    await lab.addr(ns[h], "eth0", `${HOST_IP[h]}/24`);
    await lab.addr(ns[h], "eth0", `${HOST_IP6[h]}/64`, { nodad: true });
    // a veth reports carrier only when both ends are up: raise ours first, then wait on each
    await lab.ip(ns[h], "link", "set", "eth0", "up");
    await lab.up(sw, `p${i}`);
    await lab.up(ns[h], "eth0");
  }));
  return { ns, dir: mkdtempSync(join(tmpdir(), "lbt-l2-")) };
}

/** Makes `host`'s kernel answer ARP/NDP for `vip` (or stop answering). */
export async function answerFor(lab: NetnsLab, bed: Bed, host: Host, vip: string, on = true): Promise<void> {
  await lab.ip(bed.ns[host], "addr", on ? "add" : "del", vip.includes(":") ? `${vip}/128` : `${vip}/32`, "dev", "eth0", ...(on && vip.includes(":") ? ["nodad"] : []));
}

export function lease(vip: string, holder: Host, services: string, renewedAt = Date.now()): Record<string, unknown> {
  const name = leaseNameFor(vip);
  return {
    apiVersion: "coordination.k8s.io/v1", kind: "Lease",
    metadata: { name, namespace: "kube-system", annotations: { [ANNOTATION_IP]: vip, [ANNOTATION_SERVICES]: services, [ANNOTATION_INTERFACES]: `eth0=${MACS[holder]}` } },
    spec: { holderIdentity: holder, leaseDurationSeconds: 3600, renewTime: new Date(renewedAt).toISOString().replace("Z", "000Z"), leaseTransitions: 0 },
  };
}


export function service(name: string, ip: string, labels: Record<string, string> = { announce: "yes" }): Record<string, unknown> {
  return {
    apiVersion: "v1", kind: "Service", metadata: { name, namespace: "shop", labels },
    spec: { type: "LoadBalancer", ports: [{ port: 80 }] }, status: { loadBalancer: { ingress: [{ ip }] } },
  };
}

export const POLICY = {
  apiVersion: "cilium.io/v2alpha1", kind: "CiliumL2AnnouncementPolicy", metadata: { name: "announce-lab" },
  spec: { serviceSelector: { matchLabels: { announce: "yes" } }, loadBalancerIPs: true },
};
export const POOL = { apiVersion: "cilium.io/v2", kind: "CiliumLoadBalancerIPPool", metadata: { name: "lab-pool" }, spec: { blocks: [{ cidr: "192.0.2.0/26" }, { cidr: "2001:db8::/120" }] } };

const SERVER = fileURLToPath(new URL("../kube-server/main.js", import.meta.url));

/** Starts the test API server inside `ns` seeded with `objects`; resolves with its kubeconfig path. */
export async function apiServerIn(lab: NetnsLab, bed: Bed, host: Host, objects: unknown[]): Promise<string> {
  const seed = join(bed.dir, "seed.json");
  const kubeconfig = join(bed.dir, "kubeconfig");
  writeFileSync(seed, JSON.stringify(objects));
  const child = lab.spawn(bed.ns[host], [process.execPath, SERVER, "--port", "0", "--seed", seed, "--kubeconfig-out", kubeconfig]);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("test API server did not start in 10 s")), 10_000);
    child.stdout?.once("data", () => (clearTimeout(t), resolve()));
    child.once("exit", (c) => (clearTimeout(t), reject(new Error(`test API server exited ${c}`))));
  });
  return kubeconfig;
}
