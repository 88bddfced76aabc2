// In-memory object store with one global resourceVersion counter, a bounded event history for
// watch resumption (410 Gone when a client asks for something older) and live subscribers.
import type { ResourceType } from "./resources.ts";
import { storageKey, RESOURCE_TYPES, apiVersionOf } from "./resources.ts";
import { alreadyExists, conflict, notFound, gone } from "./status.ts";
import { Allocators, fillOnCreate, validate } from "./defaults.ts";

export type Obj = Record<string, unknown>;
export type EventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  readonly type: EventType;
  readonly storage: string;
  readonly rv: number;
  readonly object: Obj;
  /** The object before a MODIFIED event (watchers with selectors need it). */
  readonly previous?: Obj;
}

type Listener = (e: StoreEvent) => void;

const meta = (o: Obj): Obj => (o["metadata"] ?? {}) as Obj;
export const keyOf = (ns: string, name: string): string => `${ns}/${name}`;

export class Store {
  private rv = 1;
  private readonly tables = new Map<string, Map<string, Obj>>();
  private readonly sortedKeys = new Map<string, string[]>();
  private history: StoreEvent[] = [];
  /** Events with rv ≤ compactedRv are gone from the history. */
  private compactedRv = 0;
  private readonly listeners = new Set<Listener>();
  private readonly alloc = new Allocators();

  constructor(
    private readonly historySize = 10_000,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  get resourceVersion(): string {
    return String(this.rv);
  }

  private table(rt: ResourceType): Map<string, Obj> {
    const k = storageKey(rt);
    let t = this.tables.get(k);
    if (!t) this.tables.set(k, (t = new Map()));
    return t;
  }

  get(rt: ResourceType, ns: string, name: string): Obj {
    const o = this.table(rt).get(keyOf(ns, name));
    if (!o) throw notFound(rt.group, rt.resource, name);
    return o;
  }

  /** Keys in sorted order (the order lists and continue tokens use), optionally one namespace. */
  keys(rt: ResourceType, ns: string | undefined): string[] {
    const sk = storageKey(rt);
    let keys = this.sortedKeys.get(sk);
    if (!keys) {
      keys = [...this.table(rt).keys()].sort();
      this.sortedKeys.set(sk, keys);
    }
    if (ns === undefined) return keys;
    const prefix = `${ns}/`;
    return keys.filter((k) => k.startsWith(prefix));
  }

  lookup(rt: ResourceType, key: string): Obj | undefined {
    return this.table(rt).get(key);
  }

  create(rt: ResourceType, input: Obj, opts: { validate?: boolean } = {}): Obj {
    const obj = structuredClone(input);
    const m = meta(obj);
    obj["metadata"] = m;
    if (!m["name"] && typeof m["generateName"] === "string") m["name"] = m["generateName"] + Math.random().toString(36).slice(2, 7);
    if (opts.validate !== false) validate(rt, obj);
    const ns = rt.namespaced ? String(m["namespace"] ?? "default") : "";
    if (rt.namespaced) m["namespace"] = ns;
    else delete m["namespace"];
    const t = this.table(rt);
    const key = keyOf(ns, String(m["name"]));
    if (t.has(key)) throw alreadyExists(rt.group, rt.resource, String(m["name"]));
    fillOnCreate(rt, obj, this.alloc, this.clock());
    obj["apiVersion"] = apiVersionOf(rt);
    obj["kind"] = rt.kind;
    m["resourceVersion"] = String(++this.rv);
    t.set(key, obj);
    this.sortedKeys.delete(storageKey(rt));
    this.emit({ type: "ADDED", storage: storageKey(rt), rv: this.rv, object: obj });
    return obj;
  }

  /** PUT semantics: optimistic concurrency on metadata.resourceVersion when given. */
  update(rt: ResourceType, ns: string, name: string, input: Obj, subresource?: "status"): Obj {
    const cur = this.get(rt, ns, name);
    const obj = structuredClone(input);
    const m = meta(obj);
    obj["metadata"] = m;
    const wantRv = m["resourceVersion"];
    if (wantRv !== undefined && wantRv !== "" && wantRv !== meta(cur)["resourceVersion"]) throw conflict(rt.group, rt.resource, name);
    validate(rt, obj);
    let next: Obj;
    if (subresource === "status") next = { ...cur, status: obj["status"] };
    else {
      next = { ...obj };
      if (rt.status) next["status"] = cur["status"];
      const specChanged = JSON.stringify(obj["spec"]) !== JSON.stringify(cur["spec"]);
      const cm = meta(cur);
      next["metadata"] = {
        ...m,
        uid: cm["uid"],
        creationTimestamp: cm["creationTimestamp"],
        generation: Number(cm["generation"] ?? 1) + (specChanged ? 1 : 0),
        ...(rt.namespaced ? { namespace: ns } : {}),
      };
    }
    next["apiVersion"] = apiVersionOf(rt);
    next["kind"] = rt.kind;
    next["metadata"] = { ...meta(next), resourceVersion: String(++this.rv) };
    this.table(rt).set(keyOf(ns, name), next);
    this.emit({ type: "MODIFIED", storage: storageKey(rt), rv: this.rv, object: next, previous: cur });
    return next;
  }

  delete(rt: ResourceType, ns: string, name: string): Obj {
    const cur = this.get(rt, ns, name);
    this.table(rt).delete(keyOf(ns, name));
    this.sortedKeys.delete(storageKey(rt));
    const gone = { ...cur, metadata: { ...meta(cur), resourceVersion: String(++this.rv) } };
    this.emit({ type: "DELETED", storage: storageKey(rt), rv: this.rv, object: gone });
    return gone;
  }

  /** Seeds an object by apiVersion/kind without validation (tests, benchmarks). */
  put(obj: Obj): Obj {
    const rt = RESOURCE_TYPES.find((r) => apiVersionOf(r) === obj["apiVersion"] && r.kind === obj["kind"]);
    if (!rt) throw new Error(`test server: unknown apiVersion/kind ${String(obj["apiVersion"])}/${String(obj["kind"])}`);
    return this.create(rt, obj, { validate: false });
  }

  /** Events after `rv` for one storage, or 410 when the history no longer reaches back that far. */
  eventsSince(storage: string, rv: number): StoreEvent[] {
    if (rv < this.compactedRv) throw gone(`too old resource version: ${rv} (${this.compactedRv + 1})`);
    return this.history.filter((e) => e.rv > rv && e.storage === storage);
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Drops history (tests of 410 Gone). */
  compact(): void {
    this.compactedRv = this.rv;
    this.history = [];
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > this.historySize * 2) {
      const drop = this.history.length - this.historySize;
      this.compactedRv = this.history[drop - 1]!.rv;
      this.history = this.history.slice(drop);
    }
    for (const l of this.listeners) l(e);
  }
}
