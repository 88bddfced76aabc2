// The announcer's metric values: counters and gauges with labels, kept by pure code (the per-frame
// hot path uses pre-resolved handles, no label hashing). Exposition is prom-client's, in
// src/adapters/metrics/ (exposeStore), which reads these values at scrape time.

export type LabelValues = Readonly<Record<string, string>>;

interface Family {
  readonly help: string;
  readonly type: "counter" | "gauge";
  readonly labelNames: readonly string[];
  readonly values: Map<string, { labels: LabelValues; value: number }>;
}

export class Metrics {
  private readonly families_ = new Map<string, Family>();

  constructor(defs: Readonly<Record<string, { help: string; type: "counter" | "gauge"; labelNames?: readonly string[] }>>) {
    for (const [name, d] of Object.entries(defs)) this.families_.set(name, { ...d, labelNames: d.labelNames ?? [], values: new Map() });
  }

  inc(name: string, labels: LabelValues = {}, by = 1): void {
    const f = this.family(name);
    const key = labelKey(labels);
    const cur = f.values.get(key);
    if (cur) cur.value += by;
    else f.values.set(key, { labels, value: by });
  }

  /** A pre-resolved series, for hot paths (one per frame): `inc()` without label hashing. */
  handle(name: string, labels: LabelValues = {}): { inc(by?: number): void } {
    const f = this.family(name);
    const key = labelKey(labels);
    let cur = f.values.get(key);
    return {
      inc(by = 1) {
        if (!cur) f.values.set(key, (cur = { labels, value: 0 }));
        cur.value += by;
      },
    };
  }

  set(name: string, labels: LabelValues, value: number): void {
    this.family(name).values.set(labelKey(labels), { labels, value });
  }

  get(name: string, labels: LabelValues = {}): number {
    return this.family(name).values.get(labelKey(labels))?.value ?? 0;
  }

  /** Sum over all label sets (for tests and `status`). */
  total(name: string): number {
    let n = 0;
    for (const v of this.family(name).values.values()) n += v.value;
    return n;
  }

  /** The families and their declared label names (for the exposition adapter). */
  families(): { name: string; help: string; type: "counter" | "gauge"; labelNames: readonly string[] }[] {
    return [...this.families_.entries()].map(([name, f]) => ({ name, help: f.help, type: f.type, labelNames: f.labelNames }));
  }

  /** Current samples of one family. */
  values(name: string): { labels: LabelValues; value: number }[] {
    return [...this.family(name).values.values()];
  }

  private family(name: string): Family {
    const f = this.families_.get(name);
    if (!f) throw new Error(`metric ${name} is not defined`);
    return f;
  }
}

function labelKey(labels: LabelValues): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k] ?? ""}`).join(",");
}

/** The announcer's metrics. */
export function announceMetrics(): Metrics {
  return new Metrics({
    lbctl_announce_requests_total: { type: "counter", labelNames: ["interface", "family"], help: "ARP requests and neighbour solicitations received, by interface and family." },
    lbctl_announce_replies_total: { type: "counter", labelNames: ["interface", "family"], help: "ARP replies and neighbour advertisements sent in answer, by interface and family." },
    lbctl_announce_gratuitous_total: { type: "counter", labelNames: ["interface", "family"], help: "Gratuitous ARP and unsolicited NA frames sent, by interface and family." },
    lbctl_announce_drops_total: { type: "counter", labelNames: ["reason"], help: "Received frames not answered, by reason." },
    lbctl_announce_duplicates_total: { type: "counter", labelNames: ["ip"], help: "Duplicate episodes: another MAC answered or announced one of our addresses." },
    lbctl_announce_leases_held: { type: "gauge", help: "Address-group leases currently held by this node." },
    lbctl_announce_addresses: { type: "gauge", help: "Addresses currently answered by this node." },
    lbctl_announce_lease_transitions_total: { type: "counter", labelNames: ["direction"], help: "Lease transitions of this node, by direction (acquired, lost, released)." },
    lbctl_announce_api_requests_total: { type: "counter", labelNames: ["verb", "resource"], help: "Requests sent to the Kubernetes API server, by verb and resource." },
  });
}
