// Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which kubectl
// asks for on `kubectl get` without -o: a meta.k8s.io/v1 Table with the columns the real API
// server prints for Services and CiliumLoadBalancerIPPools (their CRD printer columns), and
// NAME/AGE for everything else.
import type { ResourceType } from "./resources.ts";
import type { Obj } from "./store.ts";

interface Column {
  readonly name: string;
  readonly type: string;
  readonly priority: number;
  readonly cell: (o: Obj, now: number) => string | boolean;
}

const meta = (o: Obj): Obj => (o["metadata"] ?? {}) as Obj;
const spec = (o: Obj): Obj => (o["spec"] ?? {}) as Obj;

export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? "");
}

/** kubectl's/apimachinery's duration.HumanDuration, in short. */
function age(o: Obj, now: number): string {
  const t = Date.parse(String(meta(o)["creationTimestamp"] ?? ""));
  if (!Number.isFinite(t)) return "<unknown>";
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ""}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h` : `${Math.floor(h / 24)}d`;
}

function externalIp(o: Obj): string {
  const s = spec(o);
  const ext = Array.isArray(s["externalIPs"]) ? (s["externalIPs"] as string[]) : [];
  if (s["type"] === "LoadBalancer") {
    const lb = ((o["status"] ?? {}) as Obj)["loadBalancer"] as Obj | undefined;
    const ing = (Array.isArray(lb?.["ingress"]) ? lb!["ingress"] : []) as Obj[];
    const ips = [...ing.map((e) => String(e["ip"] ?? e["hostname"] ?? "")).filter((x) => x !== ""), ...ext];
    return ips.length > 0 ? ips.join(",") : "<pending>";
  }
  if (s["type"] === "ExternalName") return String(s["externalName"] ?? "<none>");
  return ext.length > 0 ? ext.join(",") : "<none>";
}

function ports(o: Obj): string {
  const ps = (Array.isArray(spec(o)["ports"]) ? spec(o)["ports"] : []) as Obj[];
  if (ps.length === 0) return "<none>";
  return ps.map((p) => `${String(p["port"])}${p["nodePort"] ? `:${String(p["nodePort"])}` : ""}/${String(p["protocol"] ?? "TCP")}`).join(",");
}

const condition = (o: Obj, type: string, field: "status" | "message"): string => {
  const cs = ((((o["status"] ?? {}) as Obj)["conditions"] ?? []) as Obj[]);
  return String(cs.find((c) => c["type"] === type)?.[field] ?? "");
};

const NAME: Column = { name: "Name", type: "string", priority: 0, cell: (o) => String(meta(o)["name"] ?? "") };
const AGE: Column = { name: "Age", type: "date", priority: 0, cell: age };

function columns(rt: ResourceType): Column[] {
  if (rt.kind === "Service") {
    return [
      NAME,
      { name: "Type", type: "string", priority: 0, cell: (o) => String(spec(o)["type"] ?? "ClusterIP") },
      { name: "Cluster-IP", type: "string", priority: 0, cell: (o) => String(spec(o)["clusterIP"] ?? "<none>") },
      { name: "External-IP", type: "string", priority: 0, cell: externalIp },
      { name: "Port(s)", type: "string", priority: 0, cell: ports },
      AGE,
      { name: "Selector", type: "string", priority: 1, cell: (o) => Object.entries((spec(o)["selector"] ?? {}) as Obj).map(([k, v]) => `${k}=${String(v)}`).join(",") || "<none>" },
    ];
  }
  if (rt.kind === "CiliumLoadBalancerIPPool") {
    return [
      NAME,
      { name: "Disabled", type: "boolean", priority: 0, cell: (o) => spec(o)["disabled"] === true },
      { name: "Conflicting", type: "string", priority: 0, cell: (o) => condition(o, "cilium.io/PoolConflict", "status") },
      { name: "IPs Available", type: "string", priority: 0, cell: (o) => condition(o, "cilium.io/IPsAvailable", "message") },
      AGE,
    ];
  }
  if (rt.kind === "Event") {
    const since = (o: Obj, now: number): string => age({ metadata: { creationTimestamp: o["lastTimestamp"] ?? meta(o)["creationTimestamp"] } }, now);
    const inv = (o: Obj): Obj => (o["involvedObject"] ?? {}) as Obj;
    return [
      { name: "Last Seen", type: "string", priority: 0, cell: since },
      { name: "Type", type: "string", priority: 0, cell: (o) => String(o["type"] ?? "") },
      { name: "Reason", type: "string", priority: 0, cell: (o) => String(o["reason"] ?? "") },
      { name: "Object", type: "string", priority: 0, cell: (o) => `${String(inv(o)["kind"] ?? "").toLowerCase()}/${String(inv(o)["name"] ?? "")}` },
      { name: "Message", type: "string", priority: 0, cell: (o) => String(o["message"] ?? "") },
    ];
  }
  return [NAME, AGE];
}

/** Converts a list or single-object JSON body into a Table. */
export function toTable(rt: ResourceType, body: string, includeObject: string | null, now = Date.now()): string {
  const parsed = JSON.parse(body) as Obj;
  const items = Array.isArray(parsed["items"]) ? (parsed["items"] as Obj[]) : [parsed];
  const cols = columns(rt);
  const listMeta = Array.isArray(parsed["items"]) ? (parsed["metadata"] as Obj) : { resourceVersion: meta(parsed)["resourceVersion"] };
  return JSON.stringify({
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type, format: c === NAME ? "name" : "", description: c.name, priority: c.priority })),
    rows: items.map((o) => ({
      cells: cols.map((c) => c.cell(o, now)),
      object: includeObject === "Object" ? o : includeObject === "None" ? undefined : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: meta(o) },
    })),
  });
}
