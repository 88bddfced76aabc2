// The Kube interface over the transport: REST paths by group/version/resource, paging, CRUD,
// patches and watch streams. One instance per command run.
import type { LoadedConfig } from "./config.ts";
import { Transport } from "./http.ts";
import type { RequestDescription } from "./errors.ts";
import { isNotFound } from "./errors.ts";
import type { Gvr, Kube, KubeObject, ListOptions, ListResult, PatchType, WatchEvent, WatchOptions } from "./types.ts";
import { watchStream } from "./watch.ts";

const PATCH_TYPES: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
};

export function resourcePath(r: Gvr, namespace: string | undefined, name?: string, sub?: string): string {
  let p = r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  if (r.namespaced && namespace !== undefined) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (sub !== undefined) p += `/${sub}`;
  return p;
}

const qualified = (r: Gvr): string => (r.group === "" ? r.resource : `${r.resource}.${r.group}`);

function meta(o: KubeObject): { name: string; namespace: string | undefined } {
  const m = (o["metadata"] ?? {}) as Record<string, unknown>;
  return { name: String(m["name"] ?? ""), namespace: typeof m["namespace"] === "string" ? m["namespace"] : undefined };
}

export class KubeClient implements Kube {
  readonly server: string;
  readonly context: string;
  readonly namespace: string;
  private readonly http: Transport;

  constructor(cfg: LoadedConfig, timeoutMs: number) {
    this.server = cfg.server;
    this.context = cfg.context;
    this.namespace = cfg.namespace;
    this.http = new Transport(cfg, timeoutMs);
  }

  private desc(verb: string, r: Gvr, namespace: string | undefined, name?: string): RequestDescription {
    return { verb, resource: qualified(r), namespace: r.namespaced ? namespace : undefined, name };
  }

  async *pages(r: Gvr, opts: ListOptions = {}): AsyncIterable<ListResult> {
    let cont: string | undefined;
    const desc = this.desc("list", r, opts.namespace);
    do {
      const reply = await this.http.request({
        method: "GET",
        path: resourcePath(r, opts.namespace),
        query: { limit: opts.pageSize ?? 500, continue: cont, labelSelector: opts.labelSelector || undefined, fieldSelector: opts.fieldSelector || undefined },
        desc,
      });
      const page = JSON.parse(reply.body) as { items?: KubeObject[]; metadata?: { continue?: string; resourceVersion?: string } };
      const items = page.items ?? [];
      // Typed lists may omit kind/apiVersion on items; put them back so objects stand alone.
      const apiVersion = r.group === "" ? r.version : `${r.group}/${r.version}`;
      for (const it of items) {
        it["kind"] ??= r.kind;
        it["apiVersion"] ??= apiVersion;
      }
      cont = page.metadata?.continue || undefined;
      yield { items, resourceVersion: page.metadata?.resourceVersion ?? "" };
    } while (cont);
  }

  async list(r: Gvr, opts: ListOptions = {}): Promise<ListResult> {
    const items: KubeObject[] = [];
    let resourceVersion = "";
    for await (const page of this.pages(r, opts)) {
      for (const it of page.items) items.push(it);
      resourceVersion = page.resourceVersion;
    }
    return { items, resourceVersion };
  }

  async get(r: Gvr, name: string, namespace?: string): Promise<KubeObject | undefined> {
    try {
      const reply = await this.http.request({ method: "GET", path: resourcePath(r, namespace, name), desc: this.desc("get", r, namespace, name) });
      return JSON.parse(reply.body) as KubeObject;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async create(r: Gvr, obj: KubeObject): Promise<KubeObject> {
    const { name, namespace } = meta(obj);
    const ns = namespace ?? (r.namespaced ? this.namespace : undefined);
    const reply = await this.http.request({ method: "POST", path: resourcePath(r, ns), body: JSON.stringify(obj), contentType: "application/json", desc: this.desc("create", r, ns, name) });
    return JSON.parse(reply.body) as KubeObject;
  }

  async update(r: Gvr, obj: KubeObject, opts: { subresource?: "status" } = {}): Promise<KubeObject> {
    const { name, namespace } = meta(obj);
    const ns = namespace ?? (r.namespaced ? this.namespace : undefined);
    const reply = await this.http.request({
      method: "PUT",
      path: resourcePath(r, ns, name, opts.subresource),
      body: JSON.stringify(obj),
      contentType: "application/json",
      desc: this.desc("update", r, ns, name),
    });
    return JSON.parse(reply.body) as KubeObject;
  }

  async patch(r: Gvr, name: string, namespace: string | undefined, patch: unknown, type: PatchType = "merge", opts: { subresource?: "status" } = {}): Promise<KubeObject> {
    const reply = await this.http.request({
      method: "PATCH",
      path: resourcePath(r, namespace, name, opts.subresource),
      body: JSON.stringify(patch),
      contentType: PATCH_TYPES[type],
      desc: this.desc("patch", r, namespace, name),
    });
    return JSON.parse(reply.body) as KubeObject;
  }

  async delete(r: Gvr, name: string, namespace?: string): Promise<boolean> {
    try {
      await this.http.request({ method: "DELETE", path: resourcePath(r, namespace, name), desc: this.desc("delete", r, namespace, name) });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  watch(r: Gvr, opts: WatchOptions = {}): AsyncIterable<WatchEvent> {
    return watchStream(this.http, resourcePath(r, opts.namespace), opts, this.desc("watch", r, opts.namespace));
  }

  close(): void {
    this.http.close();
  }
}
