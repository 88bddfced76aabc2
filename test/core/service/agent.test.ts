// Issue 14: the agent's settings (cilium-config), its Service annotations, topology-aware
// backends and HostPort frontends — table-driven, each case with its frontend rows written out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildServiceMap, type MapEntry } from "../../../src/core/service/map.ts";
import { parseNode, parsePod, parseService, parseSlice } from "../../../src/core/service/parse.ts";
import { frontendText, toRestModel, wideRows } from "../../../src/core/service/render.ts";
import { ASSUMED_SETTINGS, configRows, parseOverride, resolveAgentConfig, type AgentSettings } from "../../../src/core/service/agent-config.ts";

type Spec = Record<string, unknown>;
const svc = (name: string, spec: Spec, status: Spec = {}, annotations: Record<string, string> = {}) =>
  parseService({ metadata: { name, namespace: "ns", annotations }, spec, status }, []);
interface Ep { ip: string; node: string; zone?: string; forZones?: string[]; forNodes?: string[] }
const slice = (service: string, endpoints: Ep[]) =>
  parseSlice(
    {
      metadata: { name: `${service}-1`, namespace: "ns", labels: { "kubernetes.io/service-name": service } },
      addressType: "IPv4",
      ports: [{ name: "", port: 8080, protocol: "TCP" }],
      endpoints: endpoints.map((e) => ({
        addresses: [e.ip], nodeName: e.node, zone: e.zone, conditions: { ready: true },
        ...(e.forZones || e.forNodes ? { hints: { ...(e.forZones ? { forZones: e.forZones.map((name) => ({ name })) } : {}), ...(e.forNodes ? { forNodes: e.forNodes.map((name) => ({ name })) } : {}) } } : {}),
      })),
    },
    [],
  );
const rows = (es: readonly MapEntry[]): string[] => es.map((e) => `${e.id} ${frontendText(e)} ${e.type} [${e.backends.map((b) => b.ip).join(" ")}]`);

// One LoadBalancer Service with every frontend kind: ClusterIP, NodePort, LoadBalancer, ExternalIPs.
const lbSpec = (extra: Spec = {}): Spec => ({
  type: "LoadBalancer", clusterIP: "10.96.0.5", ipFamilies: ["IPv4"], externalIPs: ["198.51.100.7"], ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }], ...extra,
});
const lbStatus = { loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } };
const lbSlices = [slice("lb", [{ ip: "10.244.1.5", node: "w1" }, { ip: "10.244.2.9", node: "w2" }])];
const ALL = [
  "1 10.96.0.5:80/TCP ClusterIP [10.244.1.5 10.244.2.9]",
  "2 0.0.0.0:30080/TCP NodePort [10.244.1.5 10.244.2.9]",
  "3 192.0.2.10:80/TCP LoadBalancer [10.244.1.5 10.244.2.9]",
  "4 198.51.100.7:80/TCP ExternalIPs [10.244.1.5 10.244.2.9]",
];

test("cilium-config settings: each one's effect on the frontends", () => {
  const cases: { name: string; data: Record<string, string> | undefined; flags?: Record<string, boolean>; want: string[] }[] = [
    { name: "no cilium-config: every kind assumed on (the listing lbctl always gave)", data: undefined, want: ALL },
    { name: "cilium-config without the keys: the agent's defaults (no kube-proxy replacement)", data: {}, want: ["1 10.96.0.5:80/TCP ClusterIP [10.244.1.5 10.244.2.9]"] },
    { name: "kube-proxy-replacement true: NodePort, LoadBalancer, ExternalIPs follow it", data: { "kube-proxy-replacement": "true" }, want: ALL },
    { name: "kube-proxy-replacement strict (before 1.14) is true", data: { "kube-proxy-replacement": "strict" }, want: ALL },
    {
      name: "enable-node-port false: no NodePort and no LoadBalancer frontends",
      data: { "kube-proxy-replacement": "true", "enable-node-port": "false" },
      want: ["1 10.96.0.5:80/TCP ClusterIP [10.244.1.5 10.244.2.9]", "2 198.51.100.7:80/TCP ExternalIPs [10.244.1.5 10.244.2.9]"],
    },
    {
      name: "enable-external-ips false: no ExternalIPs frontends",
      data: { "kube-proxy-replacement": "true", "enable-external-ips": "false" },
      want: ALL.slice(0, 3),
    },
    { name: "enable-ipv4 false: no IPv4 frontends at all", data: { "kube-proxy-replacement": "true", "enable-ipv4": "false" }, want: [] },
    {
      name: "--config beats cilium-config",
      data: { "kube-proxy-replacement": "false" },
      flags: { "kube-proxy-replacement": true },
      want: ALL,
    },
  ];
  for (const c of cases) {
    const cfg = resolveAgentConfig(c.data, new Map(Object.entries(c.flags ?? {})), "test");
    const m = buildServiceMap([svc("lb", lbSpec(), lbStatus)], lbSlices, { agent: cfg.settings });
    assert.deepEqual(rows(m.entries), c.want, c.name);
  }
});

test("cilium-config: malformed values warn once naming key and value and take the agent's default; sources are reported", () => {
  const cfg = resolveAgentConfig({ "kube-proxy-replacement": "true", "enable-external-ips": "maybe", "enable-l2-announcements": "false", unrelated: "x" }, new Map([["enable-node-port", false]]), "dump.yaml:12");
  assert.deepEqual(cfg.warnings, ['cilium-config: enable-external-ips: "maybe" is not a boolean; using the agent\'s default true']);
  assert.equal(cfg.settings.externalIPs, true);
  assert.equal(cfg.settings.l2Announcements, false);
  assert.equal(cfg.settings.nodePort, false);
  const byKey = Object.fromEntries(configRows(cfg).map(([k, v, s]) => [k, `${v} ${s}`]));
  assert.equal(byKey["kube-proxy-replacement"], "true cilium-config (dump.yaml:12)");
  assert.equal(byKey["enable-node-port"], "false --config");
  assert.equal(byKey["enable-external-ips"], "true agent default (key absent)");
  assert.equal(byKey["enable-ipv6"], "false agent default (key absent)");
  assert.equal(resolveAgentConfig(undefined).info.every((i) => i.source === "assumed"), true);
  assert.deepEqual(resolveAgentConfig(undefined).settings, ASSUMED_SETTINGS);
});

test("--config key=value: unknown keys and values are usage errors naming them", () => {
  assert.deepEqual(parseOverride("enable-node-port=false"), { key: "enable-node-port", value: false });
  assert.deepEqual(parseOverride("kube-proxy-replacement=strict"), { key: "kube-proxy-replacement", value: true });
  assert.match((parseOverride("enable-nodeport=false") as { error: string }).error, /^--config: unknown setting "enable-nodeport" \(known: kube-proxy-replacement, /);
  assert.equal((parseOverride("enable-node-port=yes") as { error: string }).error, '--config: enable-node-port: "yes" is not true or false');
  assert.equal((parseOverride("enable-node-port") as { error: string }).error, '--config: "enable-node-port" is not key=value');
});

test("enable-health-check-loadbalancer-ip: the healthCheckNodePort as a frontend on each LoadBalancer IP (ETP Local only), without EndpointSlice backends", () => {
  const local = svc("lb", lbSpec({ externalTrafficPolicy: "Local", healthCheckNodePort: 31999 }), lbStatus);
  const cluster = svc("lb", lbSpec({ healthCheckNodePort: 0 }), lbStatus);
  const cfg = (data: Record<string, string>) => resolveAgentConfig({ "kube-proxy-replacement": "true", ...data }).settings;
  const cases: { name: string; s: typeof local; agent: AgentSettings; want: string[] }[] = [
    { name: "on, ETP Local", s: local, agent: cfg({ "enable-health-check-loadbalancer-ip": "true" }), want: [...ALL.slice(0, 3), "4 192.0.2.10:31999/TCP LoadBalancer []", "5 198.51.100.7:80/TCP ExternalIPs [10.244.1.5 10.244.2.9]"] },
    { name: "on, but health-check nodeport off", s: local, agent: cfg({ "enable-health-check-loadbalancer-ip": "true", "enable-health-check-nodeport": "false" }), want: ALL },
    { name: "off (the agent's default)", s: local, agent: cfg({}), want: ALL },
    { name: "on, ETP Cluster (no healthCheckNodePort)", s: cluster, agent: cfg({ "enable-health-check-loadbalancer-ip": "true" }), want: ALL },
  ];
  for (const c of cases) assert.deepEqual(rows(buildServiceMap([c.s], lbSlices, { agent: c.agent }).entries), c.want, c.name);
});

test("enable-health-check-nodeport: healthCheckNodePort in -o json only when the agent serves it", () => {
  const s = svc("lb", lbSpec({ externalTrafficPolicy: "Local", healthCheckNodePort: 31999 }), lbStatus);
  const flags = (on: boolean): unknown => (toRestModel(buildServiceMap([s], lbSlices).entries, { healthCheckNodePort: on })[0] as { spec: { flags: Record<string, unknown> } }).spec.flags["healthCheckNodePort"];
  assert.equal(flags(true), 31999);
  assert.equal(flags(false), undefined);
});

const w1 = parseNode({ metadata: { name: "w1", labels: { "topology.kubernetes.io/zone": "zone-a", "service.cilium.io/node": "beefy", tier: "edge" } }, status: {} });
const w2 = parseNode({ metadata: { name: "w2", labels: { "topology.kubernetes.io/zone": "zone-b" } }, status: {} });

test("annotations: each one's effect on the frontends (cluster view, and on nodes w1/w2)", () => {
  const cases: { name: string; ann: Record<string, string>; node?: typeof w1; want: string[]; warnings?: string[]; flags?: Record<string, unknown> }[] = [
    { name: "service.cilium.io/type: LoadBalancer → only the LoadBalancer frontend", ann: { "service.cilium.io/type": "LoadBalancer" }, want: ["1 192.0.2.10:80/TCP LoadBalancer [10.244.1.5 10.244.2.9]"] },
    { name: "service.cilium.io/type: NodePort → only NodePort", ann: { "service.cilium.io/type": "NodePort" }, want: ["1 0.0.0.0:30080/TCP NodePort [10.244.1.5 10.244.2.9]"] },
    { name: "service.cilium.io/type: ClusterIP → only ClusterIP", ann: { "service.cilium.io/type": "clusterip" }, want: ["1 10.96.0.5:80/TCP ClusterIP [10.244.1.5 10.244.2.9]"] },
    {
      name: "service.cilium.io/type: unknown → every type, one warning",
      ann: { "service.cilium.io/type": "Bogus" },
      want: ALL,
      warnings: ['service.cilium.io/type: "Bogus" is not ClusterIP, NodePort or LoadBalancer; every frontend type is exposed, as the agent does (ns/lb)'],
    },
    { name: "service.cilium.io/node: beefy on w1 (labelled beefy) → listed", ann: { "service.cilium.io/node": "beefy" }, node: w1, want: ALL },
    {
      name: "service.cilium.io/node: beefy on w2 → not exposed there",
      ann: { "service.cilium.io/node": "beefy" },
      node: w2,
      want: [],
      warnings: ["1 Services are not exposed on node w2 (service.cilium.io/node or node-selector does not match its labels) and are left out: ns/lb"],
    },
    { name: "service.cilium.io/node-selector: tier=edge on w1 → listed", ann: { "service.cilium.io/node-selector": "tier in (edge,core)" }, node: w1, want: ALL },
    { name: "service.cilium.io/node-selector on w2 → not exposed", ann: { "service.cilium.io/node-selector": "tier=edge" }, node: w2, want: [], warnings: ["1 Services are not exposed on node w2 (service.cilium.io/node or node-selector does not match its labels) and are left out: ns/lb"] },
    { name: "node exposure without --node: every node's union, listed", ann: { "service.cilium.io/node": "beefy" }, want: ALL },
    {
      name: "service.cilium.io/node-selector malformed → every node, one warning",
      ann: { "service.cilium.io/node-selector": "tier in edge" },
      node: w2,
      want: ALL,
      warnings: ['service.cilium.io/node-selector: "tier in edge" is not a label selector; the Service is exposed on every node (ns/lb)'],
    },
    { name: "proxy-delegation: delegate-if-local → same frontends, flag in JSON", ann: { "service.cilium.io/proxy-delegation": "delegate-if-local" }, want: ALL, flags: { proxyDelegation: "delegate-if-local" } },
    { name: "forwarding-mode: dsr → flag in JSON", ann: { "service.cilium.io/forwarding-mode": "dsr" }, want: ALL, flags: { forwardingMode: "dsr" } },
    {
      name: "global: true → same frontends, a warning that remote backends are not shown",
      ann: { "service.cilium.io/global": "true", "service.cilium.io/affinity": "local" },
      want: ALL,
      warnings: ["1 Services are global (service.cilium.io/global): backends in other clusters of the mesh are not in this cluster's API and are not shown: ns/lb"],
      flags: { clusterAffinity: "local" },
    },
    { name: "shared: maybe → warning, taken as true", ann: { "service.cilium.io/shared": "maybe" }, want: ALL, warnings: ['service.cilium.io/shared: "maybe" is not true or false; taken as true, as the agent does (ns/lb)'] },
    { name: "scope: external-only → not an agent annotation: ignored with a warning", ann: { "service.cilium.io/scope": "external-only" }, want: ALL, warnings: ['service.cilium.io/scope: "external-only" is not read by the Cilium agent (scopes follow the traffic policies); ignored (ns/lb)'] },
  ];
  for (const c of cases) {
    const m = buildServiceMap([svc("lb", lbSpec(), lbStatus, c.ann)], lbSlices, { node: c.node?.name, nodeInfo: c.node, agent: ASSUMED_SETTINGS });
    assert.deepEqual(rows(m.entries), c.want, c.name);
    assert.deepEqual(m.warnings, c.warnings ?? [], c.name);
    if (c.flags) {
      const f = (toRestModel(m.entries)[0] as { spec: { flags: Record<string, unknown> } }).spec.flags;
      for (const [k, v] of Object.entries(c.flags)) assert.equal(f[k], v, `${c.name}: flags.${k}`);
    }
  }
});

test("unknown annotation values warn once however many Services carry them", () => {
  const services = ["a", "b", "c"].map((n) => svc(n, { clusterIP: `10.96.0.${n.charCodeAt(0) - 90}`, ports: [{ port: 80 }] }, {}, { "service.cilium.io/type": "Nope" }));
  const m = buildServiceMap(services, []);
  assert.deepEqual(m.warnings.filter((w) => w.includes("Nope")), ['service.cilium.io/type: "Nope" is not ClusterIP, NodePort or LoadBalancer; every frontend type is exposed, as the agent does (ns/a and 2 more)']);
});

// Topology: a ClusterIP Service with one backend per zone/node, hinted as the EndpointSlice controller does.
const topoSlices = (hinted: boolean) => [
  slice("web", [
    { ip: "10.244.1.5", node: "w1", zone: "zone-a", ...(hinted ? { forZones: ["zone-a"], forNodes: ["w1"] } : {}) },
    { ip: "10.244.2.9", node: "w2", zone: "zone-b", ...(hinted ? { forZones: ["zone-b"], forNodes: ["w2"] } : {}) },
    { ip: "10.244.3.3", node: "w3", zone: "zone-b", ...(hinted ? { forZones: ["zone-b"], forNodes: ["w3"] } : {}) },
  ]),
];
const w3 = parseNode({ metadata: { name: "w3", labels: { "topology.kubernetes.io/zone": "zone-b" } }, status: {} });
const w4 = parseNode({ metadata: { name: "w4", labels: { "topology.kubernetes.io/zone": "zone-c" } }, status: {} });

test("topology-aware routing on a node: each rule, its fallbacks, and why a backend was left out", () => {
  const on: AgentSettings = { ...ASSUMED_SETTINGS, serviceTopology: true };
  const cases: { name: string; spec?: Spec; ann?: Record<string, string>; node: typeof w1; hinted?: boolean; agent?: AgentSettings; want: string; left: string[] }[] = [
    { name: "PreferClose on w1 (zone-a): the zone-a backend", spec: { trafficDistribution: "PreferClose" }, node: w1, want: "[10.244.1.5]", left: ["10.244.2.9 other zone", "10.244.3.3 other zone"] },
    { name: "PreferSameZone on w2 (zone-b): both zone-b backends", spec: { trafficDistribution: "PreferSameZone" }, node: w2, want: "[10.244.2.9 10.244.3.3]", left: ["10.244.1.5 other zone"] },
    { name: "PreferSameNode on w3: its own backend", spec: { trafficDistribution: "PreferSameNode" }, node: w3, want: "[10.244.3.3]", left: ["10.244.1.5 other node", "10.244.2.9 other node"] },
    { name: "topology-mode: Auto on w1: zone hints", ann: { "service.kubernetes.io/topology-mode": "Auto" }, node: w1, want: "[10.244.1.5]", left: ["10.244.2.9 other zone", "10.244.3.3 other zone"] },
    { name: "topology-aware-hints: auto (older annotation) on w1", ann: { "service.kubernetes.io/topology-aware-hints": "auto" }, node: w1, want: "[10.244.1.5]", left: ["10.244.2.9 other zone", "10.244.3.3 other zone"] },
    { name: "fallback: no hint for zone-c → every backend", spec: { trafficDistribution: "PreferClose" }, node: w4, want: "[10.244.1.5 10.244.2.9 10.244.3.3]", left: [] },
    { name: "fallback: slices without hints → every backend", spec: { trafficDistribution: "PreferClose" }, node: w1, hinted: false, want: "[10.244.1.5 10.244.2.9 10.244.3.3]", left: [] },
    { name: "enable-service-topology false → every backend", spec: { trafficDistribution: "PreferClose" }, node: w1, agent: { ...on, serviceTopology: false }, want: "[10.244.1.5 10.244.2.9 10.244.3.3]", left: [] },
    { name: "no rule on the Service → every backend", node: w1, want: "[10.244.1.5 10.244.2.9 10.244.3.3]", left: [] },
    { name: "internalTrafficPolicy Local wins: not local", spec: { trafficDistribution: "PreferClose", internalTrafficPolicy: "Local" }, node: w2, want: "[10.244.2.9]", left: ["10.244.1.5 not local", "10.244.3.3 not local"] },
  ];
  for (const c of cases) {
    const s = svc("web", { clusterIP: "10.96.7.7", ports: [{ port: 80 }], ...c.spec }, {}, c.ann);
    const m = buildServiceMap([s], topoSlices(c.hinted ?? true), { node: c.node.name, nodeInfo: c.node, agent: c.agent ?? on });
    assert.deepEqual(rows(m.entries), [`1 10.96.7.7:80/TCP ClusterIP ${c.want}`], c.name);
    assert.deepEqual((m.entries[0]?.leftOut ?? []).map((l) => `${l.backend.ip} ${l.reason}`), c.left, c.name);
  }
});

test("-o wide lists the left-out backends after the used ones, with the reason", () => {
  const s = svc("web", { clusterIP: "10.96.7.7", ports: [{ port: 80 }], trafficDistribution: "PreferClose" });
  const m = buildServiceMap([s], topoSlices(true), { node: "w1", nodeInfo: w1, agent: ASSUMED_SETTINGS });
  assert.deepEqual(wideRows(m.entries), [
    ["1", "10.96.7.7:80/TCP", "ClusterIP", "ns/web", "Cluster", "1 => 10.244.1.5:8080/TCP (active)", "w1", "zone-a"],
    ["", "", "", "", "", "- 10.244.2.9:8080/TCP (left out: other zone)", "w2", "zone-b"],
    ["", "", "", "", "", "- 10.244.3.3:8080/TCP (left out: other zone)", "w3", "zone-b"],
  ]);
});

test("HostPort frontends from Pods: per node, per family, hostIP honoured, finished Pods skipped", () => {
  const pod = (name: string, node: string, ips: string[], ports: Spec[], phase = "Running") =>
    parsePod({ metadata: { name, namespace: "ns" }, spec: { nodeName: node, containers: [{ ports }] }, status: { phase, podIPs: ips.map((ip) => ({ ip })) } }, []);
  const pods = [
    pod("dns", "w1", ["10.244.1.20", "fd00::20"], [{ containerPort: 53, hostPort: 53, protocol: "UDP" }, { containerPort: 8080 }]),
    pod("ingress", "w2", ["10.244.2.30"], [{ containerPort: 443, hostPort: 8443, hostIP: "192.0.2.2" }]),
    pod("done", "w1", ["10.244.1.21"], [{ containerPort: 80, hostPort: 80 }], "Succeeded"),
  ];
  const cases: { name: string; node?: string; agent?: AgentSettings; want: string[] }[] = [
    { name: "every node", want: ["1 0.0.0.0:53/UDP HostPort [10.244.1.20]", "2 [::]:53/UDP HostPort [fd00::20]", "3 192.0.2.2:8443/TCP HostPort [10.244.2.30]"] },
    { name: "node w1", node: "w1", want: ["1 0.0.0.0:53/UDP HostPort [10.244.1.20]", "2 [::]:53/UDP HostPort [fd00::20]"] },
    { name: "node w2", node: "w2", want: ["1 192.0.2.2:8443/TCP HostPort [10.244.2.30]"] },
    { name: "enable-host-port false", agent: { ...ASSUMED_SETTINGS, hostPort: false }, want: [] },
    { name: "enable-ipv6 false", node: "w1", agent: { ...ASSUMED_SETTINGS, ipv6: false }, want: ["1 0.0.0.0:53/UDP HostPort [10.244.1.20]"] },
  ];
  for (const c of cases) assert.deepEqual(rows(buildServiceMap([], [], { node: c.node, pods, agent: c.agent ?? ASSUMED_SETTINGS }).entries), c.want, c.name);
  // backends point at the containerPort
  const e = buildServiceMap([], [], { node: "w2", pods }).entries[0];
  assert.deepEqual(e?.backends.map((b) => `${b.ip}:${b.port}`), ["10.244.2.30:443"]);
});

test("property: any cilium-config data resolves every setting to a boolean, one warning per malformed key, overrides always win", async () => {
  const fc = (await import("fast-check")).default;
  const { SETTING_KEYS, parseSettingValue } = await import("../../../src/core/service/agent-config.ts");
  const value = fc.oneof(fc.constantFrom("true", "false", "1", "0", "t", "F", "strict", "partial", "yes", ""), fc.string({ maxLength: 6 }), fc.boolean(), fc.integer());
  const data = fc.dictionary(fc.oneof(fc.constantFrom(...SETTING_KEYS), fc.string({ maxLength: 8 })), value, { maxKeys: 14 });
  const overrides = fc.dictionary(fc.constantFrom(...SETTING_KEYS), fc.boolean(), { maxKeys: 4 });
  fc.assert(
    fc.property(fc.option(data, { nil: undefined }), overrides, (d, o) => {
      const c = resolveAgentConfig(d, new Map(Object.entries(o)), "p");
      for (const i of c.info) {
        assert.equal(typeof i.value, "boolean");
        assert.equal((c.settings as unknown as Record<string, boolean>)[i.field], i.value);
        if (o[i.key] !== undefined) assert.deepEqual([i.value, i.source], [o[i.key], "flag"]);
      }
      const malformed = SETTING_KEYS.filter((k) => {
        const v = d?.[k];
        return v !== undefined && typeof v !== "boolean" && (typeof v !== "string" || parseSettingValue(k, v) === undefined);
      });
      assert.deepEqual(c.warnings.map((w) => w.split(":")[1]?.trim()), malformed);
    }),
    { numRuns: 300 },
  );
});
