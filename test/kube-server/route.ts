// Parses a Kubernetes REST path into group/version/namespace/resource/name/subresource.
import { findType, type ResourceType } from "./resources.ts";

export interface Route {
  readonly rt: ResourceType;
  /** Namespace from the path; undefined for cluster-scoped paths or lists across namespaces. */
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

export function parseRoute(pathname: string): Route | undefined {
  const segs = pathname.split("/").filter((s) => s !== "").map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === "api" && segs.length >= 2) {
    group = "";
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === "apis" && segs.length >= 3) {
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  // /namespaces/{ns}/{resource}/... is a namespaced path unless it addresses the namespace itself.
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const inner = findType(group, version, rest[2]!);
    if (inner && inner.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const rt = findType(group, version, rest[0] ?? "");
  if (!rt || rest.length > 3) return undefined;
  if (!rt.namespaced && namespace !== undefined) return undefined;
  return { rt, namespace, name: rest[1], subresource: rest[2] };
}
