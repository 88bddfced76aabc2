// The REST verbs on a parsed route: list (limit/continue, selectors), get, create, update (PUT
// with resourceVersion preconditions), patch (merge / strategic-as-merge / JSON patch), delete,
// and the status subresource. Everything returns a JSON body or throws a StatusError.
import type { Store, Obj } from "./store.ts";
import { keyOf } from "./store.ts";
import type { Route } from "./route.ts";
import { apiVersionOf } from "./resources.ts";
import { badRequest, StatusError, notFound } from "./status.ts";
import { jsonPatch, mergePatch, stripDirectives, PatchError, type Json } from "./patch.ts";
import { parseFieldSelector, parseLabelSelector, SelectorError } from "./selectors.ts";
import { matches } from "./watch.ts";

export interface Reply {
  status: number;
  /** Pre-serialised JSON (lists are built as strings to keep big responses cheap). */
  body: string;
}

const json = (status: number, o: unknown): Reply => ({ status, body: JSON.stringify(o) });

export function selectors(q: URLSearchParams): { labels: ReturnType<typeof parseLabelSelector>; fields: ReturnType<typeof parseFieldSelector> } {
  try {
    return { labels: parseLabelSelector(q.get("labelSelector") ?? ""), fields: parseFieldSelector(q.get("fieldSelector") ?? "") };
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
}

interface ContinueToken {
  k: string;
  rv: string;
}

export function list(store: Store, r: Route, q: URLSearchParams): Reply {
  const { labels, fields } = selectors(q);
  const limit = Number(q.get("limit") ?? "0");
  let startAfter: string | undefined;
  let listRv = store.resourceVersion;
  const cont = q.get("continue");
  if (cont) {
    try {
      const tok = JSON.parse(Buffer.from(cont, "base64url").toString("utf8")) as ContinueToken;
      startAfter = tok.k;
      listRv = tok.rv;
    } catch {
      throw badRequest("continue key is not valid: illegal base64 data");
    }
  }
  const keys = store.keys(r.rt, r.namespace);
  let i = startAfter === undefined ? 0 : upperBound(keys, startAfter);
  const apiVersion = apiVersionOf(r.rt);
  const parts: string[] = [];
  let last: string | undefined;
  const p = { namespace: r.namespace, labels, fields };
  for (; i < keys.length && (limit <= 0 || parts.length < limit); i++) {
    const o = store.lookup(r.rt, keys[i]!);
    if (!o || !matches(p, o)) continue;
    parts.push(JSON.stringify(o["apiVersion"] === apiVersion ? o : { ...o, apiVersion }));
    last = keys[i];
  }
  const more = limit > 0 && i < keys.length && last !== undefined;
  const metadata: Obj = { resourceVersion: listRv };
  if (more) {
    metadata["continue"] = Buffer.from(JSON.stringify({ k: last!, rv: listRv } satisfies ContinueToken)).toString("base64url");
    if (labels.length === 0 && fields.length === 0) metadata["remainingItemCount"] = keys.length - i;
  }
  const head = JSON.stringify({ kind: `${r.rt.kind}List`, apiVersion, metadata });
  return { status: 200, body: `${head.slice(0, -1)},"items":[${parts.join(",")}]}` };
}

function upperBound(keys: string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function nsOf(r: Route): string {
  return r.rt.namespaced ? (r.namespace ?? "") : "";
}

function subresource(r: Route): "status" | undefined {
  if (r.subresource === undefined) return undefined;
  if (r.subresource === "status" && r.rt.status) return "status";
  throw notFound(r.rt.group, `${r.rt.resource}/${r.subresource}`, r.name ?? "");
}

export function get(store: Store, r: Route): Reply {
  subresource(r);
  return json(200, store.get(r.rt, nsOf(r), r.name!));
}

function parseBody(body: string): Obj {
  try {
    const v = JSON.parse(body) as unknown;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Obj;
  } catch {
    /* fall through */
  }
  throw badRequest("the request body is not a JSON object");
}

function metaOf(o: Obj): Obj {
  const m = o["metadata"];
  if (typeof m === "object" && m !== null) return m as Obj;
  return ((o["metadata"] = {}), o["metadata"] as Obj);
}

export function create(store: Store, r: Route, body: string): Reply {
  if (r.namespace === undefined && r.rt.namespaced) throw badRequest("the server could not find the requested resource (namespace required)");
  const o = parseBody(body);
  const m = metaOf(o);
  if (r.rt.namespaced) {
    if (m["namespace"] !== undefined && m["namespace"] !== r.namespace) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    m["namespace"] = r.namespace;
  }
  return json(201, store.create(r.rt, o));
}

export function update(store: Store, r: Route, body: string): Reply {
  const o = parseBody(body);
  const m = metaOf(o);
  if (m["name"] !== r.name) throw badRequest(`the name of the object (${String(m["name"])}) does not match the name on the URL (${r.name})`);
  return json(200, store.update(r.rt, nsOf(r), r.name!, o, subresource(r)));
}

export function patch(store: Store, r: Route, body: string, contentType: string): Reply {
  const sub = subresource(r);
  const cur = store.get(r.rt, nsOf(r), r.name!) as Json;
  let next: Json;
  let parsed: Json;
  try {
    parsed = JSON.parse(body) as Json;
  } catch {
    throw badRequest("the patch body is not valid JSON");
  }
  try {
    if (contentType.startsWith("application/json-patch+json")) next = jsonPatch(cur, parsed);
    else if (contentType.startsWith("application/merge-patch+json")) next = mergePatch(cur, parsed);
    else if (contentType.startsWith("application/strategic-merge-patch+json")) next = mergePatch(cur, stripDirectives(parsed));
    else throw new StatusError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
  } catch (err) {
    if (err instanceof PatchError) throw new StatusError(422, "Invalid", err.message);
    throw err;
  }
  const o = next as Obj;
  const curRv = (store.get(r.rt, nsOf(r), r.name!)["metadata"] as Obj)["resourceVersion"];
  const m = metaOf(o);
  // A patch only conflicts when it names a resourceVersion itself.
  const patchRv = ((parsed as Obj)?.["metadata"] as Obj | undefined)?.["resourceVersion"];
  m["resourceVersion"] = patchRv ?? curRv;
  return json(200, store.update(r.rt, nsOf(r), r.name!, o, sub));
}

export function remove(store: Store, r: Route, q: URLSearchParams): Reply {
  if (r.name === undefined) {
    const { labels, fields } = selectors(q);
    const p = { namespace: r.namespace, labels, fields };
    const items: Obj[] = [];
    for (const k of [...store.keys(r.rt, r.namespace)]) {
      const o = store.lookup(r.rt, k);
      if (!o || !matches(p, o)) continue;
      const m = o["metadata"] as Obj;
      items.push(store.delete(r.rt, String(m["namespace"] ?? ""), String(m["name"])));
    }
    return json(200, { kind: `${r.rt.kind}List`, apiVersion: apiVersionOf(r.rt), metadata: { resourceVersion: store.resourceVersion }, items });
  }
  subresource(r);
  return json(200, store.delete(r.rt, nsOf(r), r.name));
}

export { keyOf };
