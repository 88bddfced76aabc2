// How the pool controller writes: PUT on /status with the cached resourceVersion, the answer put
// into the cache, and every failure classified — 404 (gone: drop from the cache), 409 (conflict:
// re-read, retry at once), anything else (unknown outcome: re-read before allocating again,
// back off). `passClean` stays true only when every write of the pass landed as sent.
import type { Logger } from "../announce/logger.ts";
import { keyOf, type Reflector } from "../announce/reflector.ts";
import { isConflict, isNotFound } from "../kube/errors.ts";
import type { Gvr, Kube, KubeObject } from "../kube/types.ts";
import type { ControllerMetrics } from "./metrics.ts";

export interface WriteStats {
  conflicts: number;
  errors: number;
}

const rvOf = (o: KubeObject | undefined): unknown => (o?.["metadata"] as { resourceVersion?: string } | undefined)?.resourceVersion;

export class StatusWriter {
  passClean = true;
  /** Objects whose last write failed with an unknown outcome or a conflict: re-read first. */
  private readonly stale = new Map<string, { gvr: Gvr; name: string; namespace: string | undefined; cache: Reflector }>();

  constructor(
    private readonly kube: Kube,
    private readonly log: Logger,
    private readonly m: ControllerMetrics,
    private readonly stats: WriteStats,
  ) {}

  hasStale(): boolean {
    return this.stale.size > 0;
  }

  /** The cached copy of the answer when the write landed; "gone" (404, or 409: retry at once) or "retry". */
  async put(gvr: Gvr, obj: KubeObject, cache: Reflector, resource: "services" | "pools"): Promise<KubeObject | "gone" | "retry"> {
    const m = obj["metadata"] as { name: string; namespace?: string };
    try {
      const answer = await this.kube.update(gvr, obj, { subresource: "status" });
      cache.put(answer);
      this.m.write(resource, "ok");
      // The watch echo may have been cached first: that copy is the one later passes will see.
      const cached = cache.items.get(keyOf(answer));
      if (cached !== undefined && rvOf(cached) === rvOf(answer)) return cached;
      this.passClean = false; // something newer is cached already: the fast path must not vouch for it
      return answer;
    } catch (err) {
      this.passClean = false;
      if (isNotFound(err)) {
        cache.forget(keyOf(obj));
        this.m.write(resource, "gone");
        return "gone";
      }
      const conflict = isConflict(err);
      if (conflict) this.stats.conflicts++;
      else {
        this.stats.errors++;
        this.log.warn("status write failed", { resource: gvr.resource, object: keyOf(obj), error: (err as Error).message });
      }
      this.m.write(resource, conflict ? "conflict" : "error");
      this.stale.set(`${gvr.resource}:${keyOf(obj)}`, { gvr, name: m.name, namespace: m.namespace, cache });
      return conflict ? "gone" : "retry";
    }
  }

  /** Re-reads every stale object into its cache; false when some could not be read. */
  async refreshStale(): Promise<boolean> {
    for (const [k, s] of [...this.stale]) {
      try {
        const fresh = await this.kube.get(s.gvr, s.name, s.namespace);
        if (fresh) s.cache.put(fresh);
        else s.cache.forget(`${s.namespace ?? ""}/${s.name}`);
        this.stale.delete(k);
      } catch (err) {
        this.log.warn("re-reading after a failed write failed", { object: k, error: (err as Error).message });
      }
    }
    return this.stale.size === 0;
  }
}

/** Runs jobs with at most `limit` in flight; stops starting new ones when `halt()` says so. Returns how many started. */
export async function runLimited(jobs: (() => Promise<void>)[], limit: number, halt: () => boolean): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !halt()) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return next;
}
