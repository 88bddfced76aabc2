// What the real API server fills in on create, for the fields lbctl and kubectl look at:
// metadata (uid, creationTimestamp, generation), Service cluster IPs, node ports and defaults,
// plus the small part of validation that tests exercise (422 Invalid).
import { randomUUID } from "node:crypto";
import type { ResourceType } from "./resources.ts";
import { invalid } from "./status.ts";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export class Allocators {
  private nextIp = 1;
  private nextPort = 30000;
  clusterIP(): string {
    const n = this.nextIp++;
    return `10.96.${(n >> 8) & 255}.${n & 255}`;
  }
  nodePort(): number {
    const p = this.nextPort++;
    if (this.nextPort > 32767) this.nextPort = 30000;
    return p;
  }
}

export function validate(rt: ResourceType, obj: Obj): void {
  const meta = (obj["metadata"] ?? {}) as Obj;
  const name = String(meta["name"] ?? "");
  const causes: { field: string; message: string }[] = [];
  if (!DNS_SUBDOMAIN.test(name)) {
    causes.push({ field: "metadata.name", message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'` });
  }
  if (rt.kind === "Service") {
    const spec = isObj(obj["spec"]) ? obj["spec"] : {};
    const ports = Array.isArray(spec["ports"]) ? spec["ports"] : [];
    ports.forEach((p: unknown, i: number) => {
      const port = isObj(p) ? p["port"] : undefined;
      if (typeof port !== "number" || port < 1 || port > 65535) {
        causes.push({ field: `spec.ports[${i}].port`, message: `Invalid value: ${JSON.stringify(port)}: must be between 1 and 65535, inclusive` });
      }
    });
  }
  if (causes.length > 0) throw invalid(rt.kind, name, causes);
}

export function fillOnCreate(rt: ResourceType, obj: Obj, alloc: Allocators, now: Date): void {
  const meta = obj["metadata"] as Obj;
  meta["uid"] = randomUUID();
  meta["creationTimestamp"] = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  meta["generation"] = 1;
  if (rt.kind === "Service") defaultService(obj, alloc);
}

function defaultService(obj: Obj, alloc: Allocators): void {
  const spec: Obj = isObj(obj["spec"]) ? obj["spec"] : {};
  obj["spec"] = spec;
  spec["type"] ??= "ClusterIP";
  spec["sessionAffinity"] ??= "None";
  const type = spec["type"];
  if (type !== "ExternalName") {
    if (spec["clusterIP"] === undefined || spec["clusterIP"] === "") spec["clusterIP"] = alloc.clusterIP();
    spec["clusterIPs"] ??= [spec["clusterIP"]];
    spec["ipFamilies"] ??= [String(spec["clusterIP"]).includes(":") ? "IPv6" : "IPv4"];
    spec["ipFamilyPolicy"] ??= "SingleStack";
    spec["internalTrafficPolicy"] ??= "Cluster";
  }
  if (type === "NodePort" || type === "LoadBalancer") spec["externalTrafficPolicy"] ??= "Cluster";
  const ports = Array.isArray(spec["ports"]) ? spec["ports"] : [];
  for (const p of ports) {
    if (!isObj(p)) continue;
    p["protocol"] ??= "TCP";
    p["targetPort"] ??= p["port"];
    if ((type === "NodePort" || type === "LoadBalancer") && !p["nodePort"]) p["nodePort"] = alloc.nodePort();
  }
  if (!isObj(obj["status"])) obj["status"] = { loadBalancer: {} };
}
