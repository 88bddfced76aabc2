// Watch streams: newline-delimited JSON events, resumable from a resourceVersion, with BOOKMARK
// events when asked and an ERROR event carrying a 410 Status when the history is too short.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Store, Obj, StoreEvent, EventType } from "./store.ts";
import { storageKey, apiVersionOf, type ResourceType } from "./resources.ts";
import { matchFields, matchLabels, type FieldRequirement, type LabelRequirement } from "./selectors.ts";
import { StatusError } from "./status.ts";

export interface WatchParams {
  readonly rt: ResourceType;
  readonly namespace: string | undefined;
  readonly labels: LabelRequirement[];
  readonly fields: FieldRequirement[];
  readonly resourceVersion: string | undefined;
  readonly bookmarks: boolean;
  readonly timeoutSeconds: number | undefined;
  readonly bookmarkIntervalMs: number;
}

export function matches(p: Pick<WatchParams, "namespace" | "labels" | "fields">, o: Obj): boolean {
  const m = (o["metadata"] ?? {}) as Obj;
  const ns = String(m["namespace"] ?? "");
  if (p.namespace !== undefined && ns !== p.namespace) return false;
  return matchLabels(p.labels, m["labels"] as Record<string, string> | undefined) && matchFields(p.fields, String(m["name"] ?? ""), ns, String(((o["spec"] ?? {}) as Obj)["nodeName"] ?? ""));
}

/**
 * What a filtered watcher sees: an object that starts matching is ADDED, one that stops matching
 * is DELETED (as the real API server's watch cache does).
 */
function translate(p: Pick<WatchParams, "namespace" | "labels" | "fields">, e: StoreEvent): EventType | undefined {
  const now = matches(p, e.object);
  if (e.type !== "MODIFIED" || !e.previous) return now ? e.type : undefined;
  const before = matches(p, e.previous);
  if (now && before) return "MODIFIED";
  if (now) return "ADDED";
  return before ? "DELETED" : undefined;
}

export function serveWatch(store: Store, p: WatchParams, req: IncomingMessage, res: ServerResponse): void {
  const storage = storageKey(p.rt);
  const apiVersion = apiVersionOf(p.rt);
  res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache" });
  res.flushHeaders();
  const send = (type: string, object: Obj): void => {
    res.write(JSON.stringify({ type, object: object["apiVersion"] === apiVersion || type === "ERROR" ? object : { ...object, apiVersion } }) + "\n");
  };
  let lastRv = Number(store.resourceVersion);
  const rv = p.resourceVersion;
  if (rv === undefined || rv === "" || rv === "0") {
    for (const key of store.keys(p.rt, p.namespace)) {
      const o = store.lookup(p.rt, key);
      if (o && matches(p, o)) send("ADDED", o);
    }
  } else {
    const from = Number(rv);
    try {
      if (!Number.isFinite(from)) throw new StatusError(400, "BadRequest", `invalid resource version "${rv}"`);
      for (const e of store.eventsSince(storage, from)) {
        const t = translate(p, e);
        if (t) send(t, e.object);
      }
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      send("ERROR", err.toStatus());
      res.end();
      return;
    }
  }
  const unsubscribe = store.subscribe((e) => {
    lastRv = e.rv;
    if (e.storage !== storage) return;
    const t = translate(p, e);
    if (t) send(t, e.object);
  });
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
  };
  if (p.bookmarks) {
    const bm = setInterval(() => {
      lastRv = Number(store.resourceVersion);
      send("BOOKMARK", { kind: p.rt.kind, apiVersion, metadata: { resourceVersion: String(lastRv) } });
    }, p.bookmarkIntervalMs);
    timers.push(bm);
  }
  if (p.timeoutSeconds !== undefined && p.timeoutSeconds > 0) timers.push(setTimeout(finish, p.timeoutSeconds * 1000));
  req.on("close", finish);
  res.on("close", finish);
}
