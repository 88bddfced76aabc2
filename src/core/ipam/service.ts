// The service side (spec §2): which Services LB-IPAM handles, what they request, how they share.
import { formatIp, ipEquals, parseIp, type Family, type Ip } from "../ip.ts";
import { CILIUM_SERVICE_NAME_LABEL, CILIUM_SERVICE_NAMESPACE_LABEL } from "../kube/labels.ts";
import { asInt, asString, describe, isRecord, stringMap, type FieldError, type Raw } from "./decode.ts";

export const ANN_IPS = ["lbipam.cilium.io/ips", "io.cilium/lb-ipam-ips"] as const;
export const ANN_SHARING_KEY = ["lbipam.cilium.io/sharing-key", "io.cilium/lb-ipam-sharing-key"] as const;
export const ANN_CROSS_NS = ["lbipam.cilium.io/sharing-cross-namespace", "io.cilium/lb-ipam-sharing-cross-namespace"] as const;
export const ANN_PERMIT_DIFFERENT_PODS = "lbipam.cilium.io/sharing-permit-different-pods";
export const CILIUM_LB_CLASSES: readonly string[] = ["io.cilium/bgp-control-plane", "io.cilium/l2-announcer"];

export interface Port {
  readonly port: number;
  /** Defaulted to TCP as the API server does (spec §3.12 #8). */
  readonly protocol: string;
}

export interface ServiceSpec {
  readonly namespace: string;
  readonly name: string;
  readonly order: number;
  readonly generation: number;
  readonly type: string;
  readonly lbClass: string | undefined;
  /** metadata.labels plus the two synthetic labels, which win (spec §2.6). */
  readonly labels: ReadonlyMap<string, string>;
  /** spec.loadBalancerIP then the IPs annotation, adjacent duplicates removed (spec §2.2). */
  readonly requested: readonly Ip[];
  readonly sharingKey: string;
  /** Trimmed (deviation from Cilium, spec §3.12 #7). */
  readonly crossNamespace: readonly string[];
  readonly permitDifferentPods: boolean;
  readonly ports: readonly Port[];
  /** Defaulted to Cluster as the API server does. */
  readonly etp: string;
  /** spec.selector; left empty unless ETP is Local, the only case that compares it. */
  readonly podSelector: ReadonlyMap<string, string>;
  readonly ipFamilies: readonly string[];
  readonly ipFamilyPolicy: string;
}

export interface ServiceDecode {
  readonly svc: ServiceSpec | undefined;
  /** Problems with single fields; the service is still used (Cilium logs and skips them). */
  readonly warnings: FieldError[];
  readonly errors: FieldError[];
}

export function isServiceObject(obj: Raw): boolean {
  return obj["kind"] === "Service" && obj["apiVersion"] === "v1";
}

/** Primary annotation name wins when both exist, even with an empty value (spec §2.2, §2.3). */
function annotation(ann: Raw, names: readonly string[]): [string, string] | undefined {
  for (const n of names) {
    const v = Object.hasOwn(ann, n) ? ann[n] : undefined;
    if (typeof v === "string") return [n, v];
  }
  return undefined;
}

const NO_SELECTOR: ReadonlyMap<string, string> = new Map();

export function decodeService(obj: Raw, order: number): ServiceDecode {
  const warnings: FieldError[] = [];
  const errors: FieldError[] = [];
  const meta = isRecord(obj["metadata"]) ? obj["metadata"] : {};
  const spec = isRecord(obj["spec"]) ? obj["spec"] : {};
  const name = asString(meta["name"]);
  if (name === undefined || name === "") {
    errors.push({ path: ["metadata", "name"], message: `must be a non-empty string, got ${describe(meta["name"])}` });
    return { svc: undefined, warnings, errors };
  }
  const namespace = asString(meta["namespace"]) || "default";
  const labels = stringMap(meta["labels"]);
  labels.set(CILIUM_SERVICE_NAMESPACE_LABEL, namespace);
  labels.set(CILIUM_SERVICE_NAME_LABEL, name);
  // Read the few known annotation keys directly: no Map per Service.
  const ann = isRecord(meta["annotations"]) ? meta["annotations"] : {};

  const requested: Ip[] = [];
  const lbIP = asString(spec["loadBalancerIP"]);
  if (lbIP) {
    const ip = parseIp(lbIP);
    if (ip) requested.push(ip);
    else warnings.push({ path: ["spec", "loadBalancerIP"], message: `${describe(lbIP)} is not an IP address; ignored` });
  }
  const ipsAnn = annotation(ann, ANN_IPS);
  if (ipsAnn && ipsAnn[1] !== "") {
    for (const part of ipsAnn[1].split(",")) {
      const el = part.trim();
      const ip = parseIp(el);
      if (ip) requested.push(ip);
      else warnings.push({ path: ["metadata", "annotations", ipsAnn[0]], message: `element ${describe(el)} is not a plain IP address; skipped (as Cilium does)` });
    }
  }
  const dedup = requested.length < 2 ? requested : requested.filter((ip, i) => i === 0 || !ipEquals(ip, requested[i - 1]!));

  const crossAnn = annotation(ann, ANN_CROSS_NS);
  const crossNamespace = crossAnn ? crossAnn[1].split(",").map((s) => s.trim()).filter((s) => s !== "") : NONE;
  const ports: Port[] = [];
  if (Array.isArray(spec["ports"])) {
    spec["ports"].forEach((p: unknown, i: number) => {
      const port = isRecord(p) ? p["port"] : undefined;
      // The API server stores only ports 1–65535: anything else is a hand-edited dump, named and skipped.
      if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
        warnings.push({ path: ["spec", "ports", i, "port"], message: `${isRecord(p) ? describe(port) : describe(p)} is not a port (an integer 1-65535); port skipped` });
        return;
      }
      ports.push({ port, protocol: (isRecord(p) ? asString(p["protocol"]) : "") || "TCP" });
    });
  }
  const families = Array.isArray(spec["ipFamilies"]) ? spec["ipFamilies"].filter((f): f is string => typeof f === "string") : NONE;
  const permit = (annotation(ann, [ANN_PERMIT_DIFFERENT_PODS])?.[1] ?? "").toLowerCase();
  const etp = asString(spec["externalTrafficPolicy"]) || "Cluster";
  return {
    svc: {
      namespace,
      name,
      order,
      generation: asInt(meta["generation"]),
      type: asString(spec["type"]) ?? "ClusterIP",
      lbClass: asString(spec["loadBalancerClass"]) || undefined,
      labels,
      requested: dedup,
      sharingKey: annotation(ann, ANN_SHARING_KEY)?.[1] ?? "",
      crossNamespace,
      // Go's strconv.ParseBool: 1, t, T, TRUE, true, True.
      permitDifferentPods: ["1", "t", "true"].includes(permit),
      ports,
      etp,
      // Only compared between ETP Local Services (sharing rule 5).
      podSelector: etp === "Local" ? stringMap(spec["selector"]) : NO_SELECTOR,
      ipFamilies: families,
      ipFamilyPolicy: asString(spec["ipFamilyPolicy"]) ?? "",
    },
    warnings,
    errors,
  };
}

export interface LbIpamSettings {
  /** Operator enable-ipv4 / enable-ipv6. */
  readonly enableIPv4: boolean;
  readonly enableIPv6: boolean;
  /** Operator default-lb-service-ipam: who handles class-less LoadBalancer Services. */
  readonly defaultLbServiceIpam: "lbipam" | "nodeipam" | "none";
  /** loadBalancerClass values LB-IPAM accepts (default: both Cilium classes). */
  readonly lbClasses: readonly string[];
  /** Drop imported IPs in disabled/conflicting pools and reserved addresses, as a restart does. */
  readonly ciliumRestartQuirks: boolean;
  /**
   * Release ignored Services of a foreign class that carry LB-IPAM's condition (default true).
   * `pool controller --lb-class` sets false: other classes may belong to a running Cilium.
   */
  readonly releaseForeignClasses?: boolean;
}

export const DEFAULT_SETTINGS: LbIpamSettings = {
  enableIPv4: true,
  enableIPv6: true,
  defaultLbServiceIpam: "lbipam",
  lbClasses: CILIUM_LB_CLASSES,
  ciliumRestartQuirks: false,
};

/** Why LB-IPAM ignores a Service (spec §2.1), or undefined when it handles it. */
export function ignoreReason(svc: ServiceSpec, s: LbIpamSettings): string | undefined {
  if (svc.type !== "LoadBalancer") return `type ${svc.type}`;
  if (svc.lbClass === undefined) {
    return s.defaultLbServiceIpam === "lbipam" ? undefined : `no loadBalancerClass and default-lb-service-ipam=${s.defaultLbServiceIpam}`;
  }
  return s.lbClasses.includes(svc.lbClass) ? undefined : `loadBalancerClass ${svc.lbClass} is not handled by LB-IPAM`;
}

const NONE: readonly never[] = [];
const ONLY4: readonly Family[] = [4];
const ONLY6: readonly Family[] = [6];
const BOTH: readonly Family[] = [4, 6];
const pick = (v4: boolean, v6: boolean): readonly Family[] => (v4 ? (v6 ? BOTH : ONLY4) : v6 ? ONLY6 : NONE);

/** Families a generic request asks for (spec §2.4); IPv4 always first. Shared, frozen-by-convention arrays. */
export function requestedFamilies(svc: ServiceSpec, s: LbIpamSettings): readonly Family[] {
  const fams = svc.ipFamilies;
  switch (svc.ipFamilyPolicy) {
    case "RequireDualStack":
      return pick(s.enableIPv4, s.enableIPv6);
    case "PreferDualStack":
      if (fams.length === 0) return pick(s.enableIPv4, s.enableIPv6);
      return pick(s.enableIPv4 && fams.includes("IPv4"), s.enableIPv6 && fams.some((f) => f !== "IPv4"));
    default:
      if (fams.length > 0) return fams[0] === "IPv4" ? ONLY4 : ONLY6;
      return pick(s.enableIPv4, !s.enableIPv4 && s.enableIPv6);
  }
}

export function serviceKey(svc: { namespace: string; name: string }): string {
  return `${svc.namespace}/${svc.name}`;
}
