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
    const seen = new Set<string>();
    const desc = this.desc("list", r, opts.namespace);
    do {
      const spec = {
        method: "GET",
        path: resourcePath(r, opts.namespace),
        query: { limit: opts.pageSize ?? 500, continue: cont, labelSelector: opts.labelSelector || undefined, fieldSelector: opts.fieldSelector || undefined },
        desc,
      };
      const reply = await this.http.request(spec);
      const page = listPage(reply.body);
      if (typeof page === "string") throw this.http.notApi(reply, desc, page);
      const items = page.items;
      // Typed lists may omit kind/apiVersion on items; put them back so objects stand alone.
      const apiVersion = r.group === "" ? r.version : `${r.group}/${r.version}`;
      for (const it of items) {
        it["kind"] ??= r.kind;
        it["apiVersion"] ??= apiVersion;
      }
      cont = page.continue;
      // A server that hands out a continue token it gave before would page forever.
      if (cont !== undefined) {
        if (seen.has(cont)) throw this.http.notApi(reply, desc, `it repeated the continue token ${JSON.stringify(cont.slice(0, 40))} (endless pagination)`);
        seen.add(cont);
      }
      yield { items, resourceVersion: page.resourceVersion };
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
      return (await this.http.json({ method: "GET", path: resourcePath(r, namespace, name), desc: this.desc("get", r, namespace, name) })) as KubeObject;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async create(r: Gvr, obj: KubeObject): Promise<KubeObject> {
    const { name, namespace } = meta(obj);
    const ns = namespace ?? (r.namespaced ? this.namespace : undefined);
    return (await this.http.json({ method: "POST", path: resourcePath(r, ns), body: JSON.stringify(obj), contentType: "application/json", desc: this.desc("create", r, ns, name) })) as KubeObject;
  }

  async update(r: Gvr, obj: KubeObject, opts: { subresource?: "status" } = {}): Promise<KubeObject> {
    const { name, namespace } = meta(obj);
    const ns = namespace ?? (r.namespaced ? this.namespace : undefined);
    return (await this.http.json({
      method: "PUT",
      path: resourcePath(r, ns, name, opts.subresource),
      body: JSON.stringify(obj),
      contentType: "application/json",
      desc: this.desc("update", r, ns, name),
    })) as KubeObject;
  }

  async patch(r: Gvr, name: string, namespace: string | undefined, patch: unknown, type: PatchType = "merge", opts: { subresource?: "status" } = {}): Promise<KubeObject> {
    return (await this.http.json({
      method: "PATCH",
      path: resourcePath(r, namespace, name, opts.subresource),
      body: JSON.stringify(patch),
      contentType: PATCH_TYPES[type],
      desc: this.desc("patch", r, namespace, name),
    })) as KubeObject;
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

/**
 * One list page as the API sends it (`{items: [objects…], metadata: {continue, resourceVersion}}`),
 * or what is wrong with it: the one check of what a server sent for a list.
 */
export function listPage(body: string): { items: KubeObject[]; continue: string | undefined; resourceVersion: string } | string {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return body.trim() === "" ? "an empty body" : "not JSON";
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "not a JSON object";
  const o = v as Record<string, unknown>;
  const items = o["items"] ?? [];
  if (!Array.isArray(items)) return `"items" is not a list`;
  if (items.some((it) => typeof it !== "object" || it === null || Array.isArray(it))) return `"items" holds something that is not an object`;
  const m = (typeof o["metadata"] === "object" && o["metadata"] !== null ? o["metadata"] : {}) as Record<string, unknown>;
  return {
    items: items as KubeObject[],
    continue: typeof m["continue"] === "string" && m["continue"] !== "" ? m["continue"] : undefined,
    resourceVersion: typeof m["resourceVersion"] === "string" ? m["resourceVersion"] : "",
  };
}

