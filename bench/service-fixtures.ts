// Synthetic clusters for the service-list benchmark: N Services (60% ClusterIP, 20% NodePort,
// 20% LoadBalancer with an ingress IP, every 10th dual-port) and one EndpointSlice per Service
// with three endpoints (one terminating every 7th), spread over 100 namespaces and 20 nodes.
// With `agent` (issue 14): the kube-system/cilium-config ConfigMap (topology on), the 20 Nodes
// with zone labels, zone hints on every endpoint, trafficDistribution: PreferClose on every 4th
// Service and one Pod with a hostPort per node.
type Obj = Record<string, unknown>;

export function* syntheticObjects(n: number, agent = false): Generator<Obj> {
  if (agent) {
    yield {
      apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cilium-config", namespace: "kube-system" },
      data: { "kube-proxy-replacement": "true", "enable-service-topology": "true", "enable-l2-announcements": "true", "enable-ipv6": "false" },
    };
    for (let k = 0; k < 20; k++) {
      yield { apiVersion: "v1", kind: "Node", metadata: { name: `node-${k}`, labels: { "topology.kubernetes.io/zone": `zone-${k % 3}` } }, status: { addresses: [{ type: "InternalIP", address: `192.0.2.${k + 1}` }] } };
      yield {
        apiVersion: "v1", kind: "Pod", metadata: { name: `edge-${k}`, namespace: "kube-system" },
        spec: { nodeName: `node-${k}`, containers: [{ name: "edge", ports: [{ containerPort: 8443, hostPort: 443, protocol: "TCP" }] }] },
        status: { phase: "Running", podIPs: [{ ip: `10.250.0.${k + 1}` }] },
      };
    }
  }
  for (let i = 0; i < n; i++) {
    const ns = `ns-${i % 100}`;
    const name = `svc-${i}`;
    const kind = i % 5;
    const type = kind < 3 ? "ClusterIP" : kind === 3 ? "NodePort" : "LoadBalancer";
    const ports: Obj[] = [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP", ...(type !== "ClusterIP" ? { nodePort: 30000 + (i % 2700) } : {}) }];
    if (i % 10 === 0) ports.push({ name: "dns", port: 53, targetPort: 53, protocol: "UDP", ...(type !== "ClusterIP" ? { nodePort: 32700 - (i % 2700) } : {}) });
    const c = 10 * 65536 + 96 * 256;
    const ipOf = (x: number): string => `${(x >>> 24) & 255}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
    const clusterIP = ipOf(((c << 8) >>> 0) + (i + 1));
    yield {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: ns, labels: { app: name, tier: kind < 3 ? "back" : "front" } },
      spec: {
        type, clusterIP, clusterIPs: [clusterIP], ipFamilies: ["IPv4"], selector: { app: name }, ports,
        ...(type === "LoadBalancer" ? { externalTrafficPolicy: i % 2 ? "Local" : "Cluster" } : {}),
        ...(agent && i % 4 === 0 ? { trafficDistribution: "PreferClose" } : {}),
      },
      status: type === "LoadBalancer" ? { loadBalancer: { ingress: [{ ip: ipOf(((198 << 24) >>> 0) + (18 << 16) + i), ipMode: "VIP" }] } } : { loadBalancer: {} },
    };
    const podBase = ((10 << 24) >>> 0) + (244 << 16) + i * 3;
    yield {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: `${name}-abcde`, namespace: ns, labels: { "kubernetes.io/service-name": name } },
      addressType: "IPv4",
      endpoints: [0, 1, 2].map((k) => ({
        addresses: [ipOf(podBase + k)],
        conditions: k === 2 && i % 7 === 0 ? { ready: false, serving: true, terminating: true } : { ready: true, serving: true, terminating: false },
        nodeName: `node-${(i + k) % 20}`,
        zone: `zone-${(i + k) % 3}`,
        ...(agent ? { hints: { forZones: [{ name: `zone-${(i + k) % 3}` }] } } : {}),
        targetRef: { kind: "Pod", name: `${name}-pod-${k}`, namespace: ns },
      })),
      ports: ports.map((p) => ({ name: p["name"], port: p["targetPort"], protocol: p["protocol"] })),
    };
  }
}
