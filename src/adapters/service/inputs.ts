// Where `service list` gets its Services, EndpointSlices and Nodes: -f files (a support-bundle
// dump) or the live cluster. Objects are parsed into the compact model page by page, so raw
// JSON of a big cluster is never held all at once.
import type { Kube } from "../kube/types.ts";
import { RESOURCES } from "../kube/types.ts";
import { failOnUnreadable, loadManifests, formatProblem } from "../manifests/load.ts";
import { parseNode, parseService, parseSlice } from "../../core/service/parse.ts";
import type { NodeInfo, ServiceInfo, SliceInfo } from "../../core/service/model.ts";
import type { LabelMatcher } from "../../core/label-query.ts";

export interface ServiceInputs {
  services: ServiceInfo[];
  slices: SliceInfo[];
  nodes: NodeInfo[];
  /** One-line notes for stderr (ignored kinds, unparsable fields, file problems). */
  warnings: string[];
}

export interface InputSelection {
  /** undefined = all namespaces. */
  readonly namespace: string | undefined;
  readonly labelSelector: string | undefined;
  readonly nodes: boolean;
}

const isSlice = (apiVersion: unknown): boolean => apiVersion === "discovery.k8s.io/v1" || apiVersion === "discovery.k8s.io/v1beta1";

export async function inputsFromFiles(
  paths: readonly string[],
  sel: InputSelection,
  matcher: LabelMatcher | undefined,
  io: { cwd: string; stdin: NodeJS.ReadableStream },
): Promise<ServiceInputs & { loaded: number }> {
  const set = await loadManifests(paths, io);
  failOnUnreadable(set);
  const out: ServiceInputs = { services: [], slices: [], nodes: [], warnings: set.problems.map(formatProblem) };
  const problems: string[] = [];
  const ignored = new Map<string, number>();
  for (const { obj } of set.objects) {
    const kind = obj["kind"];
    const ns = String(((obj["metadata"] ?? {}) as Record<string, unknown>)["namespace"] ?? "default");
    if (kind === "Service" && obj["apiVersion"] === "v1") {
      if (sel.namespace !== undefined && ns !== sel.namespace) continue;
      const svc = parseService(obj, problems);
      if (matcher && !matcher(svc.labels)) continue;
      out.services.push(svc);
    } else if (kind === "EndpointSlice" && isSlice(obj["apiVersion"])) {
      if (sel.namespace === undefined || ns === sel.namespace) out.slices.push(parseSlice(obj, problems));
    } else if (kind === "Node" && obj["apiVersion"] === "v1") out.nodes.push(parseNode(obj));
    else ignored.set(String(kind), (ignored.get(String(kind)) ?? 0) + 1);
  }
  if (ignored.size > 0) {
    const list = [...ignored].map(([k, n]) => `${k} (${n})`).join(", ");
    out.warnings.push(`ignored objects of kinds service list does not use: ${list}`);
  }
  out.warnings.push(...problems);
  return { ...out, loaded: set.objects.length };
}

export async function inputsFromCluster(kube: Kube, sel: InputSelection): Promise<ServiceInputs> {
  const out: ServiceInputs = { services: [], slices: [], nodes: [], warnings: [] };
  const problems: string[] = [];
  // The three lists are independent: page through them concurrently.
  const services = (async () => {
    for await (const page of kube.pages(RESOURCES.services, { namespace: sel.namespace, labelSelector: sel.labelSelector })) {
      for (const o of page.items) out.services.push(parseService(o, problems));
    }
  })();
  const slices = (async () => {
    for await (const page of kube.pages(RESOURCES.endpointSlices, { namespace: sel.namespace })) {
      for (const o of page.items) out.slices.push(parseSlice(o, problems));
    }
  })();
  const nodes = (async () => {
    if (!sel.nodes) return;
    for await (const page of kube.pages(RESOURCES.nodes)) for (const o of page.items) out.nodes.push(parseNode(o));
  })();
  const results = await Promise.allSettled([services, slices, nodes]);
  for (const r of results) if (r.status === "rejected") throw r.reason;
  out.warnings.push(...problems);
  return out;
}
