// Where `service list` gets its Services, EndpointSlices and Nodes: -f files (a support-bundle
// dump) or the live cluster. Objects are parsed into the compact model page by page, so raw
// JSON of a big cluster is never held all at once.
import type { Kube } from "../kube/types.ts";
import { RESOURCES } from "../kube/types.ts";
import { failOnUnreadable, loadManifests, formatProblem, type ManifestObject, type ObjectSource } from "../manifests/load.ts";
import { misspeltKind } from "../../core/kube/kind-typo.ts";
import { parseNode, parsePod, parseService, parseSlice, problemText, type DecodeProblem } from "../../core/service/parse.ts";
import type { NodeInfo, PodInfo, ServiceInfo, SliceInfo } from "../../core/service/model.ts";
import { CILIUM_CONFIG_NAME, CILIUM_CONFIG_NAMESPACE } from "../../core/service/agent-config.ts";
import { KubeApiError } from "../kube/errors.ts";
import type { LabelMatcher } from "../../core/label-query.ts";

export interface ServiceInputs {
  services: ServiceInfo[];
  slices: SliceInfo[];
  nodes: NodeInfo[];
  /** Pods with hostPorts (offline: every Pod of the dump; live: only --node's, by field selector). */
  pods: PodInfo[];
  /** `data` of kube-system/cilium-config and where it came from; undefined when none was found. */
  agentConfig?: { data: Record<string, unknown>; origin: string } | undefined;
  /** One-line notes for stderr (ignored kinds, unparsable fields, file problems). */
  warnings: string[];
  /** Documents of `-f` input that could not be read at all (invalid YAML/JSON): the answer is partial. */
  unreadable?: number;
}

export interface InputSelection {
  /** undefined = all namespaces. */
  readonly namespace: string | undefined;
  readonly labelSelector: string | undefined;
  readonly nodes: boolean;
  /** Live: the node whose Node object (zone, labels) and Pods (HostPort) are read. */
  readonly node?: string | undefined;
  /** Live: read kube-system/cilium-config (off when every setting is given by --config). */
  readonly agentConfig?: boolean | undefined;
}

const isCiliumConfig = (obj: Record<string, unknown>): boolean => {
  const m = (obj["metadata"] ?? {}) as Record<string, unknown>;
  return obj["kind"] === "ConfigMap" && m["name"] === CILIUM_CONFIG_NAME && (m["namespace"] ?? CILIUM_CONFIG_NAMESPACE) === CILIUM_CONFIG_NAMESPACE;
};
const dataOf = (obj: Record<string, unknown>): Record<string, unknown> => {
  const d = obj["data"];
  return typeof d === "object" && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
};

const isSlice = (apiVersion: unknown): boolean => apiVersion === "discovery.k8s.io/v1" || apiVersion === "discovery.k8s.io/v1beta1";

export async function inputsFromFiles(
  paths: readonly string[],
  sel: InputSelection,
  matcher: LabelMatcher | undefined,
  io: { cwd: string; stdin: NodeJS.ReadableStream },
): Promise<ServiceInputs & { loaded: number }> {
  const set = await loadManifests(paths, io);
  failOnUnreadable(set);
  const out: ServiceInputs = { services: [], slices: [], nodes: [], pods: [], warnings: set.problems.map(formatProblem), unreadable: set.problems.length };
  const ignored = new Map<string, number>();
  const firstSeen = new Map<string, ObjectSource>();
  for (const m of set.objects) {
    const problems: DecodeProblem[] = [];
    const note = addObject(m, sel, matcher, out, ignored, firstSeen, problems);
    if (typeof note === "string") out.warnings.push(`${where(m.source, m.source.line)}: ${note}`);
    else if (note !== undefined) problems.push(note);
    // Each dropped field named by file and the field's own line, worded as `pool` words it.
    for (const p of problems) out.warnings.push(`${where(m.source, m.locate(p.path) ?? m.source.line)}: ${problemText(p)}`);
  }
  if (ignored.size > 0) {
    const list = [...ignored].map(([k, n]) => `${k} (${n})`).join(", ");
    out.warnings.push(`ignored objects of kinds service list does not use: ${list}`);
  }
  return { ...out, loaded: set.objects.length };
}

const where = (source: ObjectSource, line: number | undefined): string => (line === undefined ? source.file : `${source.file}:${line}`);

/** Sorts one -f object into `out`; returns a note about the object itself (a duplicate, a second config, a typo'd kind). */
function addObject(
  m: ManifestObject, sel: InputSelection, matcher: LabelMatcher | undefined, out: ServiceInputs,
  ignored: Map<string, number>, firstSeen: Map<string, ObjectSource>, problems: DecodeProblem[],
): string | DecodeProblem | undefined {
  const { obj, source } = m;
  if (isCiliumConfig(obj)) {
    if (out.agentConfig) return `a second ConfigMap kube-system/cilium-config; the first one read (${out.agentConfig.origin}) is used`;
    out.agentConfig = { data: dataOf(obj), origin: where(source, source.line) };
    return undefined;
  }
  const kind = obj["kind"];
  const apiVersion = obj["apiVersion"];
  const ns = String(((obj["metadata"] ?? {}) as Record<string, unknown>)["namespace"] ?? "default");
  if (kind === "Pod" && apiVersion === "v1") {
    const pod = parsePod(obj, problems);
    if (pod.hostPorts.length > 0) out.pods.push(pod);
  } else if (kind === "Service" && apiVersion === "v1") {
    if (sel.namespace !== undefined && ns !== sel.namespace) return undefined;
    const svc = parseService(obj, problems);
    if (matcher && !matcher(svc.labels)) return undefined;
    // As pool does: a Service that appears twice is named and the first one kept.
    const key = `${svc.namespace}/${svc.name}`;
    const first = firstSeen.get(key);
    if (first !== undefined) return `duplicate Service ${key} (first defined at ${where(first, first.line)}); skipped`;
    firstSeen.set(key, source);
    out.services.push(svc);
  } else if (kind === "EndpointSlice" && isSlice(apiVersion)) {
    if (sel.namespace === undefined || ns === sel.namespace) out.slices.push(parseSlice(obj, problems));
  } else if (kind === "Node" && apiVersion === "v1") out.nodes.push(parseNode(obj));
  else {
    const typo = misspeltKind(kind, USED_KINDS);
    if (typo !== undefined) {
      // A partial answer, as pool treats it: exit 1.
      out.unreadable = (out.unreadable ?? 0) + 1;
      const name = ((obj["metadata"] ?? {}) as Record<string, unknown>)["name"];
      return { object: `${String(kind)} ${JSON.stringify(typeof name === "string" ? name : "<unnamed>")}`, path: ["kind"], message: typo };
    }
    ignored.set(String(kind), (ignored.get(String(kind)) ?? 0) + 1);
  }
  return undefined;
}

/** The kinds service list reads: a near miss of one is a typo (exit 1), not an unrelated kind. */
const USED_KINDS = ["Service", "EndpointSlice", "Node", "Pod"] as const;

export async function inputsFromCluster(kube: Kube, sel: InputSelection): Promise<ServiceInputs> {
  const out: ServiceInputs = { services: [], slices: [], nodes: [], pods: [], warnings: [] };
  const problems: DecodeProblem[] = [];
  // cilium-config: one GET. Absent (no Cilium, or another name) or forbidden → assumptions, said once.
  const config = (async () => {
    if (!sel.agentConfig) return;
    try {
      const cm = await kube.get(RESOURCES.configMaps, CILIUM_CONFIG_NAME, CILIUM_CONFIG_NAMESPACE);
      if (cm) out.agentConfig = { data: dataOf(cm), origin: `cluster ${CILIUM_CONFIG_NAMESPACE}/${CILIUM_CONFIG_NAME}` };
    } catch (err) {
      if (!(err instanceof KubeApiError) || err.status !== 403) throw err;
      out.warnings.push(`cannot read ConfigMap ${CILIUM_CONFIG_NAMESPACE}/${CILIUM_CONFIG_NAME} (forbidden); assuming every frontend kind is enabled (see --show-config, override with --config)`);
    }
  })();
  // --node: its Node object (zone, labels) and its Pods only (field selector): never the whole
  // cluster. Both are extras: without the permission the view is shown without them, said once.
  const forbiddenIsWarning = async (what: string, without: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (err) {
      if (!(err instanceof KubeApiError) || err.status !== 403) throw err;
      out.warnings.push(`cannot ${what} (forbidden); ${without}`);
    }
  };
  const node = forbiddenIsWarning(`get Node ${sel.node ?? ""}`, "no zone for topology-aware backends and no labels for node exposure annotations", async () => {
    if (sel.node === undefined || sel.nodes) return;
    const n = await kube.get(RESOURCES.nodes, sel.node);
    if (n) out.nodes.push(parseNode(n));
  });
  const pods = forbiddenIsWarning(`list Pods on node ${sel.node ?? ""}`, "no HostPort frontends", async () => {
    if (sel.node === undefined) return;
    for await (const page of kube.pages(RESOURCES.pods, { fieldSelector: `spec.nodeName=${sel.node}` })) {
      for (const o of page.items) {
        const pod = parsePod(o, problems);
        if (pod.hostPorts.length > 0) out.pods.push(pod);
      }
    }
  });
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
  const results = await Promise.allSettled([services, slices, nodes, config, node, pods]);
  for (const r of results) if (r.status === "rejected") throw r.reason;
  out.warnings.push(...problems.map(problemText));
  return out;
}
