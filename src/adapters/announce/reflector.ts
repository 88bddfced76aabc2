// A list+watch cache of one resource (client-go's reflector, in small): list, then watch from
// the list's resourceVersion; relist on 410 or when the stream ends in error; keep the last
// known objects while the API server is unreachable, retrying with a capped backoff.
import type { Gvr, Kube, KubeObject } from "../kube/types.ts";
import { isGone, isNotFound } from "../kube/errors.ts";
import type { Logger } from "./logger.ts";

export interface ReflectorOptions {
  readonly namespace?: string | undefined;
  readonly fieldSelector?: string | undefined;
  /** A missing resource (CRD not installed) is an empty set, retried slowly, not an error. */
  readonly optional?: boolean | undefined;
  /**
   * Never let an older copy replace a newer one (resourceVersions compared as integers, as
   * etcd issues them): a watch event that predates our own write, or our write's answer
   * arriving after the object's deletion. For writers that allocate from the cache.
   */
  readonly monotonic?: boolean | undefined;
}

export class Reflector {
  readonly items = new Map<string, KubeObject>();
  synced = false;
  private readonly abort = new AbortController();
  private lastError = "";

  constructor(
    private readonly kube: Kube,
    private readonly gvr: Gvr,
    private readonly opts: ReflectorOptions,
    private readonly onChange: (changed?: KubeObject) => void,
    private readonly log: Logger,
    private readonly onRequest: (verb: string, resource: string) => void = () => {},
  ) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.abort.abort();
  }

  /** Deletions seen, by key → resourceVersion (monotonic mode only). */
  private readonly tombstones = new Map<string, number>();

  /** Replaces the cached copy after our own write, before the watch event arrives. */
  put(obj: KubeObject): void {
    this.upsert(obj);
  }

  /** Drops an object our write found gone (404), unless a newer copy arrived meanwhile. */
  forget(key: string): void {
    const cur = this.items.get(key);
    if (this.opts.monotonic && cur !== undefined) this.bury(key, rvOf(cur));
    this.items.delete(key);
  }

  private bury(key: string, rv: number): void {
    this.tombstones.set(key, rv);
    // Bounded: only recent deletions can race with a write's answer.
    if (this.tombstones.size > 10_000) this.tombstones.delete(this.tombstones.keys().next().value!);
  }

  /** false when the cache already had this version or a newer one (monotonic mode). */
  private upsert(obj: KubeObject): boolean {
    const key = keyOf(obj);
    const rv = rvOf(obj);
    // Not an integer resourceVersion (0): nothing to compare, the newest arrival wins.
    if (this.opts.monotonic && rv > 0) {
      const cur = this.items.get(key);
      // Equal: the watch echo of our own write, already cached from its answer: no change.
      if (cur !== undefined && rvOf(cur) >= rv) return false;
      const dead = this.tombstones.get(key);
      if (dead !== undefined) {
        if (dead >= rv) return false;
        this.tombstones.delete(key);
      }
    }
    this.items.set(key, obj);
    return true;
  }

  private remove(obj: KubeObject): void {
    const key = keyOf(obj);
    if (this.opts.monotonic) this.bury(key, rvOf(obj));
    this.items.delete(key);
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (!this.abort.signal.aborted) {
      try {
        this.onRequest("list", this.gvr.resource);
        this.log.debug("list", { resource: this.gvr.resource });
        const { items, resourceVersion } = await this.kube.list(this.gvr, { namespace: this.opts.namespace, fieldSelector: this.opts.fieldSelector });
        this.log.debug("listed", { resource: this.gvr.resource, items: items.length, rv: resourceVersion });
        this.items.clear();
        this.tombstones.clear();
        for (const o of items) this.items.set(keyOf(o), o);
        this.synced = true;
        this.recovered();
        this.onChange();
        backoff = 200;
        let rv = resourceVersion;
        // Watch until the stream fails; a normal end (server timeout) just re-watches from rv.
        for (;;) {
          this.onRequest("watch", this.gvr.resource);
          for await (const ev of this.kube.watch(this.gvr, { namespace: this.opts.namespace, fieldSelector: this.opts.fieldSelector, resourceVersion: rv, allowBookmarks: true, timeoutSeconds: 300, signal: this.abort.signal })) {
            const meta = (ev.object["metadata"] ?? {}) as { resourceVersion?: string };
            if (meta.resourceVersion) rv = meta.resourceVersion;
            this.log.debug("watch event", { resource: this.gvr.resource, type: ev.type, rv });
            if (ev.type === "BOOKMARK") continue;
            if (ev.type === "DELETED") this.remove(ev.object);
            else if (!this.upsert(ev.object)) continue;
            this.onChange(ev.object);
          }
          if (this.abort.signal.aborted) return;
        }
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (isGone(err)) continue; // history compacted: relist at once
        if (this.opts.optional && isNotFound(err)) {
          if (this.items.size > 0 || !this.synced) {
            this.items.clear();
            this.synced = true;
            this.onChange();
          }
          this.report(`${this.gvr.resource}.${this.gvr.group} is not served (CRD not installed?); treating as empty`);
          await this.sleep(10_000);
          continue;
        }
        this.report((err as Error).message);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private report(msg: string): void {
    if (msg === this.lastError) return;
    this.lastError = msg;
    this.log.warn("watch failed; keeping the last known state and retrying", { resource: this.gvr.resource, error: msg });
  }

  private recovered(): void {
    if (this.lastError === "") return;
    this.lastError = "";
    this.log.info("watch recovered", { resource: this.gvr.resource });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.abort.signal.addEventListener("abort", () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  }
}

export function keyOf(o: KubeObject): string {
  const m = (o["metadata"] ?? {}) as { name?: string; namespace?: string };
  return `${m.namespace ?? ""}/${m.name ?? ""}`;
}

function rvOf(o: KubeObject): number {
  const rv = Number((o["metadata"] as { resourceVersion?: string } | undefined)?.resourceVersion);
  return Number.isSafeInteger(rv) ? rv : 0;
}
