// JSON objects → the compact model: the one Service, EndpointSlice and Node decoder of the service
// map, the announcer and l2 status (LB-IPAM keeps its own, which reports field paths and lines
// for `pool check`). Lenient like the agent: a malformed field is dropped with a problem message
// rather than failing the whole listing.
import { canonicalIp, formatIp, parseCidr } from "../ip.ts";
import { vipIngressIps, type IngressEntry } from "../kube/ingress.ts";
import { ENDPOINTSLICE_SERVICE_NAME_LABEL, HEADLESS_SERVICE_LABEL } from "../kube/labels.ts";
import type { Endpoint, HostPortInfo, NodeInfo, PodInfo, ServiceInfo, ServicePort, SliceInfo, SlicePort, TrafficPolicy } from "./model.ts";
import { isAgentAnnotation } from "./annotations.ts";
import { formatPath, type Path } from "../ipam/decode.ts";

/** A field the decoder dropped: which object, which field (path inside the object), and why. */
export interface DecodeProblem {
  /** `Service default/web`, `EndpointSlice default/web-abc`, `Pod default/p`. */
  readonly object: string;
  readonly path: Path;
  readonly message: string;
}

/** `Service default/a: spec.ports[0].port: 70000 is not a port …`, as `pool` words it. */
export function problemText(p: DecodeProblem): string {
  return `${p.object}: ${formatPath(p.path)}: ${p.message}`;
}

const ZONE_LABEL = "topology.kubernetes.io/zone";

type Obj = Readonly<Record<string, unknown>>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown, d = ""): string => (typeof v === "string" ? v : d);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const bool = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);
const policy = (v: unknown): TrafficPolicy => (v === "Local" ? "Local" : "Cluster");

/** A port field: an integer 1–65535 (absent or 0 allowed where `optional`), else a problem and undefined. */
function portNumber(v: unknown, optional: boolean, problems: DecodeProblem[], object: string, path: Path): number | undefined {
  if (v === undefined || v === null || (optional && v === 0)) {
    if (!optional) problems.push({ object, path, message: "missing (a port is 1-65535); port skipped" });
    return undefined;
  }
  if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535) return v;
  const shown = typeof v === "string" ? JSON.stringify(v.slice(0, 40)) : String(v);
  problems.push({ object, path, message: `${shown} is not a port (an integer 1-65535)${optional ? "; ignored" : "; port skipped"}` });
  return undefined;
}

/** Canonical IPs of `values` (the i-th at `pathOf(i)`); blanks and "None" skipped silently. */
function ips(values: readonly unknown[], problems: DecodeProblem[], object: string, pathOf: (i: number) => Path): string[] {
  const out: string[] = [];
  values.forEach((v, i) => {
    const s = str(v);
    if (s === "" || s === "None") return;
    const ip = canonicalIp(s);
    if (ip === undefined) problems.push({ object, path: pathOf(i), message: `${JSON.stringify(s.slice(0, 80))} is not an IP address; ignored` });
    else out.push(ip);
  });
  return out;
}

export function parseService(o: unknown, problems: DecodeProblem[]): ServiceInfo {
  const m = obj(obj(o)["metadata"]);
  const spec = obj(obj(o)["spec"]);
  const status = obj(obj(o)["status"]);
  const namespace = str(m["namespace"], "default");
  const name = str(m["name"]);
  const where = `Service ${namespace}/${name}`;
  const labels = Object.fromEntries(Object.entries(obj(m["labels"])).filter(([, v]) => typeof v === "string")) as Record<string, string>;
  const clusterIP = str(spec["clusterIP"]);
  const [rawIps, ipsPath] = arr(spec["clusterIPs"]).length > 0 ? [arr(spec["clusterIPs"]), ["spec", "clusterIPs"]] : [clusterIP ? [clusterIP] : [], ["spec", "clusterIP"]];
  const ports: ServicePort[] = [];
  arr(spec["ports"]).forEach((p, i) => {
    const po = obj(p);
    // The API server stores only ports 1–65535; anything else is a hand-edited dump: named, dropped.
    const port = portNumber(po["port"], false, problems, where, ["spec", "ports", i, "port"]);
    if (port === undefined) return;
    const nodePort = portNumber(po["nodePort"], true, problems, where, ["spec", "ports", i, "nodePort"]) ?? 0;
    ports.push({ name: str(po["name"]), port, protocol: str(po["protocol"], "TCP").toUpperCase(), nodePort });
  });
  const ingress = arr(obj(status["loadBalancer"])["ingress"]).map((i): IngressEntry => {
    const io = obj(i);
    return { ip: str(io["ip"]), ipMode: typeof io["ipMode"] === "string" ? io["ipMode"] : undefined };
  });
  // Entry by entry so that a bad one is named by its index; entries that are not VIPs are blanks.
  const ingressIPs = ips(ingress.map((e) => vipIngressIps([e])[0] ?? ""), problems, where, (i) => ["status", "loadBalancer", "ingress", i, "ip"]);
  return {
    namespace,
    name,
    type: str(spec["type"], "ClusterIP"),
    headless: clusterIP === "None" || labels[HEADLESS_SERVICE_LABEL] !== undefined,
    clusterIPs: ips(rawIps, problems, where, (i) => (ipsPath[1] === "clusterIPs" ? [...ipsPath, i] : ipsPath)),
    ipFamilies: arr(spec["ipFamilies"]).map((f) => str(f)).filter((f) => f !== ""),
    ports,
    externalIPs: ips(arr(spec["externalIPs"]), problems, where, (i) => ["spec", "externalIPs", i]),
    ingressIPs,
    etp: policy(spec["externalTrafficPolicy"]),
    itp: policy(spec["internalTrafficPolicy"]),
    healthCheckNodePort: portNumber(spec["healthCheckNodePort"], true, problems, where, ["spec", "healthCheckNodePort"]) ?? 0,
    labels,
    loadBalancerClass: typeof spec["loadBalancerClass"] === "string" ? spec["loadBalancerClass"] : undefined,
    ...agentAnnotations(m["annotations"]),
    ...(typeof spec["trafficDistribution"] === "string" ? { trafficDistribution: spec["trafficDistribution"] } : {}),
    ...sessionAffinity(spec, problems, where),
    ...sourceRanges(spec, problems, where),
  };
}

/** Kubernetes' default ClientIP affinity timeout (3 h) and its validation bound (1 day). */
const DEFAULT_AFFINITY_TIMEOUT = 10800;
const MAX_AFFINITY_TIMEOUT = 86400;

function sessionAffinity(spec: Obj, problems: DecodeProblem[], object: string): { affinityTimeout?: number } {
  if (spec["sessionAffinity"] !== "ClientIP") return {};
  const t = obj(obj(spec["sessionAffinityConfig"])["clientIP"])["timeoutSeconds"];
  if (t === undefined || t === null) return { affinityTimeout: DEFAULT_AFFINITY_TIMEOUT };
  if (typeof t === "number" && Number.isInteger(t) && t >= 1 && t <= MAX_AFFINITY_TIMEOUT) return { affinityTimeout: t };
  problems.push({ object, path: ["spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"], message: `${JSON.stringify(t)} is not 1-${MAX_AFFINITY_TIMEOUT} seconds; the default ${DEFAULT_AFFINITY_TIMEOUT} is assumed` });
  return { affinityTimeout: DEFAULT_AFFINITY_TIMEOUT };
}

function sourceRanges(spec: Obj, problems: DecodeProblem[], object: string): { sourceRanges?: string[] } {
  const out: string[] = [];
  arr(spec["loadBalancerSourceRanges"]).forEach((v, i) => {
    const r = parseCidr(str(v).trim());
    if (r.ok) out.push(`${formatIp(r.cidr.ip)}/${r.cidr.prefix}`);
    else problems.push({ object, path: ["spec", "loadBalancerSourceRanges", i], message: `${JSON.stringify(str(v).slice(0, 80))} is not a CIDR (${r.error}); ignored` });
  });
  return out.length > 0 ? { sourceRanges: out } : {};
}

export function parseSlice(o: unknown, problems: DecodeProblem[]): SliceInfo {
  const m = obj(obj(o)["metadata"]);
  const namespace = str(m["namespace"], "default");
  const name = str(m["name"]);
  const addressType = str(obj(o)["addressType"], "IPv4");
  const ports: SlicePort[] = arr(obj(o)["ports"]).map((p) => {
    const po = obj(p);
    return { name: str(po["name"]), port: num(po["port"]), protocol: str(po["protocol"], "TCP").toUpperCase() };
  });
  const endpoints: Endpoint[] = arr(obj(o)["endpoints"]).map((e, k) => {
    const eo = obj(e);
    const c = obj(eo["conditions"]);
    return {
      addresses: addressType === "FQDN" ? [] : ips(arr(eo["addresses"]), problems, `EndpointSlice ${namespace}/${name}`, (i) => ["endpoints", k, "addresses", i]),
      ready: bool(c["ready"]),
      serving: bool(c["serving"]),
      terminating: bool(c["terminating"]),
      nodeName: str(eo["nodeName"]),
      zone: str(eo["zone"]),
      ...hints(eo["hints"]),
    };
  });
  return { namespace, name, service: str(obj(m["labels"])[ENDPOINTSLICE_SERVICE_NAME_LABEL]), addressType, ports, endpoints };
}

export function parseNode(o: unknown): NodeInfo {
  const m = obj(obj(o)["metadata"]);
  const addresses: string[] = [];
  for (const a of arr(obj(obj(o)["status"])["addresses"])) {
    const ao = obj(a);
    const t = str(ao["type"]);
    const ip = canonicalIp(str(ao["address"]));
    if ((t === "InternalIP" || t === "ExternalIP") && ip !== undefined) addresses.push(ip);
  }
  const labels = Object.fromEntries(Object.entries(obj(m["labels"])).filter(([, v]) => typeof v === "string")) as Record<string, string>;
  return { name: str(m["name"]), addresses, zone: labels[ZONE_LABEL] ?? "", labels };
}

/** Only the annotations the agent reads; undefined (no field) when there are none. */
function agentAnnotations(v: unknown): { annotations?: Record<string, string> } {
  let out: Record<string, string> | undefined;
  for (const [k, val] of Object.entries(obj(v))) {
    if (typeof val === "string" && isAgentAnnotation(k)) (out ??= {})[k] = val;
  }
  return out ? { annotations: out } : {};
}

function hints(v: unknown): { forZones?: string[]; forNodes?: string[] } {
  if (v === undefined) return {};
  const h = obj(v);
  const names = (x: unknown): string[] => arr(x).map((e) => str(obj(e)["name"])).filter((n) => n !== "");
  return { ...(h["forZones"] !== undefined ? { forZones: names(h["forZones"]) } : {}), ...(h["forNodes"] !== undefined ? { forNodes: names(h["forNodes"]) } : {}) };
}

export function parsePod(o: unknown, problems: DecodeProblem[]): PodInfo {
  const m = obj(obj(o)["metadata"]);
  const spec = obj(obj(o)["spec"]);
  const status = obj(obj(o)["status"]);
  const namespace = str(m["namespace"], "default");
  const name = str(m["name"]);
  const where = `Pod ${namespace}/${name}`;
  const fromList = arr(status["podIPs"]).length > 0;
  const raw = fromList ? arr(status["podIPs"]).map((p) => obj(p)["ip"]) : status["podIP"] !== undefined ? [status["podIP"]] : [];
  const podIPs = ips(raw, problems, where, (i) => (fromList ? ["status", "podIPs", i, "ip"] : ["status", "podIP"]));
  const hostPorts: HostPortInfo[] = [];
  const containers = [...arr(spec["initContainers"]).map((c, i) => ["initContainers", i, c] as const), ...arr(spec["containers"]).map((c, i) => ["containers", i, c] as const)];
  for (const [list, ci, c] of containers) {
    for (const [pi, p] of arr(obj(c)["ports"]).entries()) {
      const po = obj(p);
      const hostPort = num(po["hostPort"]);
      if (hostPort <= 0) continue;
      const hostIP = str(po["hostIP"]);
      const canon = hostIP === "" ? "" : canonicalIp(hostIP);
      if (canon === undefined) {
        problems.push({ object: where, path: ["spec", list, ci, "ports", pi, "hostIP"], message: `${JSON.stringify(hostIP.slice(0, 80))} is not an IP address; port skipped` });
        continue;
      }
      hostPorts.push({ hostPort, hostIP: canon === "0.0.0.0" || canon === "::" ? "" : canon, containerPort: num(po["containerPort"]), protocol: str(po["protocol"], "TCP").toUpperCase() });
    }
  }
  const phase = str(status["phase"]);
  return { namespace, name, nodeName: str(spec["nodeName"]), podIPs, active: phase !== "Succeeded" && phase !== "Failed" && podIPs.length > 0, hostPorts };
}
