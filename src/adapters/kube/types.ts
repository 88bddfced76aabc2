// The narrow Kubernetes interface every lbctl command (and the announcer) uses. Plain objects in,
// plain objects out: no client-node types leak past src/adapters/kube.
/** A Kubernetes object as JSON gives it: from the API server, or loaded from files. */
export type KubeObject = Record<string, unknown>;

/** A resource addressed the way the REST API does: group/version/resource (+ scope). */
export interface Gvr {
  readonly group: string; // "" for core
  readonly version: string;
  readonly resource: string; // plural
  readonly namespaced: boolean;
  /** Kind of the objects (used when a list response omits it on items). */
  readonly kind: string;
}

const gvr = (group: string, version: string, resource: string, kind: string, namespaced: boolean): Gvr => ({ group, version, resource, kind, namespaced });

/** The resources lbctl reads or writes. */
export const RESOURCES = {
  services: gvr("", "v1", "services", "Service", true),
  endpointSlices: gvr("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
  nodes: gvr("", "v1", "nodes", "Node", false),
  pods: gvr("", "v1", "pods", "Pod", true),
  configMaps: gvr("", "v1", "configmaps", "ConfigMap", true),
  namespaces: gvr("", "v1", "namespaces", "Namespace", false),
  leases: gvr("coordination.k8s.io", "v1", "leases", "Lease", true),
  poolsV2: gvr("cilium.io", "v2", "ciliumloadbalancerippools", "CiliumLoadBalancerIPPool", false),
  poolsV2alpha1: gvr("cilium.io", "v2alpha1", "ciliumloadbalancerippools", "CiliumLoadBalancerIPPool", false),
  l2Policies: gvr("cilium.io", "v2alpha1", "ciliuml2announcementpolicies", "CiliumL2AnnouncementPolicy", false),
} as const;

export interface ListOptions {
  /** Omit for all namespaces (or for cluster-scoped resources). */
  readonly namespace?: string | undefined;
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
  /** Items per request (`limit`); default 500. */
  readonly pageSize?: number | undefined;
}

export interface ListResult {
  readonly items: KubeObject[];
  /** resourceVersion of the list, to start a watch from. */
  readonly resourceVersion: string;
}

export interface WatchOptions extends ListOptions {
  /** Start after this resourceVersion; omitted = synthetic ADDED events for current objects first. */
  readonly resourceVersion?: string | undefined;
  readonly allowBookmarks?: boolean | undefined;
  /** Server-side timeout of the watch; the iterator then ends normally. */
  readonly timeoutSeconds?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

export interface WatchEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
}

export type PatchType = "merge" | "json" | "strategic";

export interface Kube {
  /** API server URL, context name and the context's default namespace. */
  readonly server: string;
  readonly context: string;
  readonly namespace: string;
  /** Pages through a list (`limit`/`continue`): memory is bounded by one page. */
  pages(r: Gvr, opts?: ListOptions): AsyncIterable<ListResult>;
  /** All items (convenience over pages()). */
  list(r: Gvr, opts?: ListOptions): Promise<ListResult>;
  /** undefined when the object does not exist (404). */
  get(r: Gvr, name: string, namespace?: string): Promise<KubeObject | undefined>;
  /** Throws KubeApiError 409 (AlreadyExists) when it exists. */
  create(r: Gvr, obj: KubeObject): Promise<KubeObject>;
  /** PUT with the object's metadata.resourceVersion as precondition: KubeApiError 409 on conflict. */
  update(r: Gvr, obj: KubeObject, opts?: { subresource?: "status" }): Promise<KubeObject>;
  patch(r: Gvr, name: string, namespace: string | undefined, patch: unknown, type?: PatchType, opts?: { subresource?: "status" }): Promise<KubeObject>;
  /** false when it did not exist. */
  delete(r: Gvr, name: string, namespace?: string): Promise<boolean>;
  /** Watch stream; throws KubeApiError 410 (Expired) when resourceVersion is too old: relist then. */
  watch(r: Gvr, opts?: WatchOptions): AsyncIterable<WatchEvent>;
  /** Releases keep-alive sockets. */
  close(): void;
}
