import { test } from "node:test";
import assert from "node:assert/strict";
import { buildServiceMap, filterEntries, type MapEntry } from "../../../src/core/service/map.ts";
import { parseService, parseSlice } from "../../../src/core/service/parse.ts";
import { frontendText } from "../../../src/core/service/render.ts";

const svc = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}, labels: Record<string, string> = {}) =>
  parseService({ metadata: { name, namespace: "ns", labels }, spec, status }, []);
const slice = (service: string, endpoints: { ip: string; node: string; ready?: boolean; terminating?: boolean; serving?: boolean }[], addressType = "IPv4", port = 8080, portName = "") =>
  parseSlice(
    {
      metadata: { name: `${service}-${addressType}`, namespace: "ns", labels: { "kubernetes.io/service-name": service } },
      addressType,
      ports: [{ name: portName, port, protocol: "TCP" }],
      endpoints: endpoints.map((e) => ({ addresses: [e.ip], nodeName: e.node, conditions: { ready: e.ready ?? true, serving: e.serving, terminating: e.terminating } })),
    },
    [],
  );
const rows = (es: MapEntry[]): string[] => es.map((e) => `${e.id} ${frontendText(e)} ${e.type} [${e.backends.map((b) => `${b.ip}(${b.state})`).join(" ")}]`);

const lb = (etp: string, itp: string) =>
  svc("lb", { type: "LoadBalancer", clusterIP: "10.96.0.5", externalTrafficPolicy: etp, internalTrafficPolicy: itp, ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }] }, { loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } });
const lbSlices = [slice("lb", [{ ip: "10.244.1.5", node: "w1" }, { ip: "10.244.2.9", node: "w2" }])];

test("frontend kinds and traffic policies, cluster view and per-node view", () => {
  const cases: { name: string; etp: string; itp: string; node?: string; want: string[] }[] = [
    {
      name: "cluster-wide: no filtering, no /i",
      etp: "Local",
      itp: "Cluster",
      want: ["1 10.96.0.5:80/TCP ClusterIP [10.244.1.5(active) 10.244.2.9(active)]", "2 0.0.0.0:30080/TCP NodePort [10.244.1.5(active) 10.244.2.9(active)]", "3 192.0.2.10:80/TCP LoadBalancer [10.244.1.5(active) 10.244.2.9(active)]"],
    },
    {
      name: "node w1, ETP=Local ITP=Cluster: external scope local, /i all",
      etp: "Local",
      itp: "Cluster",
      node: "w1",
      want: [
        "1 10.96.0.5:80/TCP ClusterIP [10.244.1.5(active) 10.244.2.9(active)]",
        "2 0.0.0.0:30080/TCP NodePort [10.244.1.5(active)]",
        "3 0.0.0.0:30080/TCP/i NodePort [10.244.1.5(active) 10.244.2.9(active)]",
        "4 192.0.2.10:80/TCP LoadBalancer [10.244.1.5(active)]",
        "5 192.0.2.10:80/TCP/i LoadBalancer [10.244.1.5(active) 10.244.2.9(active)]",
      ],
    },
    {
      name: "node w2, ETP=Cluster ITP=Local: ClusterIP and /i local",
      etp: "Cluster",
      itp: "Local",
      node: "w2",
      want: [
        "1 10.96.0.5:80/TCP ClusterIP [10.244.2.9(active)]",
        "2 0.0.0.0:30080/TCP NodePort [10.244.1.5(active) 10.244.2.9(active)]",
        "3 0.0.0.0:30080/TCP/i NodePort [10.244.2.9(active)]",
        "4 192.0.2.10:80/TCP LoadBalancer [10.244.1.5(active) 10.244.2.9(active)]",
        "5 192.0.2.10:80/TCP/i LoadBalancer [10.244.2.9(active)]",
      ],
    },
    {
      name: "node w3, both Local: one scope, no local backends",
      etp: "Local",
      itp: "Local",
      node: "w3",
      want: ["1 10.96.0.5:80/TCP ClusterIP []", "2 0.0.0.0:30080/TCP NodePort []", "3 192.0.2.10:80/TCP LoadBalancer []"],
    },
  ];
  for (const c of cases) assert.deepEqual(rows(buildServiceMap([lb(c.etp, c.itp)], lbSlices, { node: c.node }).entries), c.want, c.name);
});

test("skipped and special frontends: headless, ExternalName, hostname/Proxy ingress, ExternalIPs, dual stack, --node-ips", () => {
  const services = [
    svc("headless", { clusterIP: "None", ports: [{ port: 80 }] }),
    svc("headless-label", { clusterIP: "10.96.0.8", ports: [{ port: 80 }] }, {}, { "service.kubernetes.io/headless": "" }),
    svc("ext", { type: "ExternalName", externalName: "example.com" }),
    svc("dual", {
      type: "LoadBalancer",
      clusterIPs: ["2001:db8::a", "10.96.0.9"],
      ipFamilies: ["IPv4", "IPv6"],
      externalIPs: ["198.51.100.7"],
      ports: [{ port: 443, nodePort: 30443, protocol: "TCP" }],
    }, { loadBalancer: { ingress: [{ hostname: "x.example" }, { ip: "192.0.2.20", ipMode: "Proxy" }, { ip: "2001:db8::20" }] } }),
  ];
  const slices = [slice("dual", [{ ip: "10.244.0.1", node: "n1" }], "IPv4", 8443), slice("dual", [{ ip: "2001:db8:1::1", node: "n1" }], "IPv6", 8443)];
  const nodes = [{ name: "n1", addresses: ["192.0.2.101", "2001:db8::101"] }, { name: "n2", addresses: ["192.0.2.102"] }];
  assert.deepEqual(rows(buildServiceMap(services, slices, { nodeIps: nodes }).entries), [
    "1 10.96.0.9:443/TCP ClusterIP [10.244.0.1(active)]",
    "2 [2001:db8::a]:443/TCP ClusterIP [2001:db8:1::1(active)]",
    "3 192.0.2.101:30443/TCP NodePort [10.244.0.1(active)]",
    "4 192.0.2.102:30443/TCP NodePort [10.244.0.1(active)]",
    "5 0.0.0.0:30443/TCP NodePort [10.244.0.1(active)]",
    "6 [2001:db8::101]:30443/TCP NodePort [2001:db8:1::1(active)]",
    "7 [::]:30443/TCP NodePort [2001:db8:1::1(active)]",
    "8 [2001:db8::20]:443/TCP LoadBalancer [2001:db8:1::1(active)]",
    "9 198.51.100.7:443/TCP ExternalIPs [10.244.0.1(active)]",
  ]);
});

test("IDs do not depend on input order and filters never renumber", () => {
  const services = ["c", "a", "b"].map((n, i) => svc(n, { clusterIP: `10.96.1.${i + 1}`, type: "NodePort", ports: [{ port: 80, nodePort: 30100 + i }] }));
  const a = buildServiceMap(services, []).entries.map((e) => `${e.id}:${e.service.name}:${e.type}`);
  const b = buildServiceMap([...services].reverse(), []).entries.map((e) => `${e.id}:${e.service.name}:${e.type}`);
  assert.deepEqual(a, b);
  assert.deepEqual(a, ["1:a:ClusterIP", "2:a:NodePort", "3:b:ClusterIP", "4:b:NodePort", "5:c:ClusterIP", "6:c:NodePort"]);
  const all = buildServiceMap(services, []).entries;
  assert.deepEqual(filterEntries(all, { types: ["NodePort"] }).map((e) => e.id), [2, 4, 6]);
  assert.deepEqual(filterEntries(all, { frontend: { ip: "10.96.1.2", port: undefined } }).map((e) => e.id), [1]);
  assert.deepEqual(filterEntries(all, { frontend: { ip: "10.96.1.2", port: 81 } }).map((e) => e.id), []);
});

test("terminating backends keep their state; named ports only match named slice ports", () => {
  const s = svc("t", { clusterIP: "10.96.2.1", ports: [{ name: "web", port: 80 }] });
  const slices = [
    slice("t", [{ ip: "10.0.0.1", node: "a", ready: false, serving: true, terminating: true }, { ip: "10.0.0.2", node: "a", ready: false }], "IPv4", 8080, "web"),
    slice("t", [{ ip: "10.0.0.3", node: "a" }], "IPv6", 8080, "other"),
  ];
  assert.deepEqual(rows(buildServiceMap([s], slices).entries), ["1 10.96.2.1:80/TCP ClusterIP [10.0.0.1(terminating) 10.0.0.2(maintenance)]"]);
});

test("warnings: Services without EndpointSlices and EndpointSlices without a Service", () => {
  const m = buildServiceMap([svc("lonely", { clusterIP: "10.96.3.1", ports: [{ port: 80 }] })], [slice("ghost", [{ ip: "10.0.0.1", node: "a" }])], { warnOrphanSlices: true });
  assert.deepEqual(m.warnings, [
    "1 Services have no EndpointSlices and are listed without backends: ns/lonely",
    '1 EndpointSlices have no Service and are ignored: ns/ghost-IPv4 (Service "ghost")',
  ]);
  assert.deepEqual(rows(m.entries), ["1 10.96.3.1:80/TCP ClusterIP []"]);
});
