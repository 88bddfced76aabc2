// An in-memory Lease API with resourceVersion checks, for announcer tests without a server.
import type { LeaseStore } from "../../src/adapters/announce/elector.ts";
import type { LeaseRecord, StoredLease } from "../../src/core/announce/lease.ts";

export class MemLeaseStore {
  readonly leases = new Map<string, StoredLease & { annotations: Record<string, string> }>();
  rv = 0;
  readonly down = new Set<string>();
  for(id: string): LeaseStore {
    const check = (): void => {
      if (this.down.has(id)) throw new Error("connect ECONNREFUSED");
    };
    return {
      get: async (name) => {
        check();
        const l = this.leases.get(name);
        return l && { record: l.record, resourceVersion: l.resourceVersion };
      },
      create: async (name, record: LeaseRecord, annotations) => {
        check();
        if (this.leases.has(name)) return false;
        this.leases.set(name, { record, resourceVersion: String(++this.rv), annotations: { ...annotations } });
        return true;
      },
      delete: async (name) => {
        check();
        this.leases.delete(name);
      },
      update: async (name, record: LeaseRecord, rv, annotations) => {
        check();
        const l = this.leases.get(name);
        if (l?.resourceVersion !== rv) return false;
        this.leases.set(name, { record, resourceVersion: String(++this.rv), annotations: { ...l.annotations, ...annotations } });
        return true;
      },
    };
  }
}
