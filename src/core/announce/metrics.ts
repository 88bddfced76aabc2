// A small Prometheus registry: counters and gauges with labels, rendered in the text exposition
// format (version 0.0.4). Pure: the HTTP endpoint lives in the adapter.

export type LabelValues = Readonly<Record<string, string>>;

interface Family {
  readonly help: string;
  readonly type: "counter" | "gauge";
  readonly values: Map<string, { labels: LabelValues; value: number }>;
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  constructor(defs: Readonly<Record<string, { help: string; type: "counter" | "gauge" }>>) {
    for (const [name, d] of Object.entries(defs)) this.families.set(name, { ...d, values: new Map() });
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

  render(): string {
    const out: string[] = [];
    for (const [name, f] of this.families) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      // Unlabelled families with no sample still expose 0, so dashboards see the series at start.
      if (f.values.size === 0 && f.type === "counter") out.push(`${name} 0`);
      for (const { labels, value } of f.values.values()) out.push(`${name}${renderLabels(labels)} ${value}`);
    }
    return out.join("\n") + "\n";
  }

  private family(name: string): Family {
    const f = this.families.get(name);
    if (!f) throw new Error(`metric ${name} is not defined`);
    return f;
  }
}

function labelKey(labels: LabelValues): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k] ?? ""}`).join(",");
}

function renderLabels(labels: LabelValues): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  const esc = (v: string): string => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
  return `{${keys.map((k) => `${k}="${esc(labels[k] ?? "")}"`).join(",")}}`;
}

/** The announcer's metrics. */
export function announceMetrics(): Metrics {
  return new Metrics({
    lbctl_announce_requests_total: { type: "counter", help: "ARP requests and neighbour solicitations received, by interface and family." },
    lbctl_announce_replies_total: { type: "counter", help: "ARP replies and neighbour advertisements sent in answer, by interface and family." },
    lbctl_announce_gratuitous_total: { type: "counter", help: "Gratuitous ARP and unsolicited NA frames sent, by interface and family." },
    lbctl_announce_drops_total: { type: "counter", help: "Received frames not answered, by reason." },
    lbctl_announce_duplicates_total: { type: "counter", help: "Duplicate episodes: another MAC answered or announced one of our addresses." },
    lbctl_announce_leases_held: { type: "gauge", help: "Address-group leases currently held by this node." },
    lbctl_announce_addresses: { type: "gauge", help: "Addresses currently answered by this node." },
    lbctl_announce_lease_transitions_total: { type: "counter", help: "Lease transitions of this node, by direction (acquired, lost, released)." },
    lbctl_announce_api_requests_total: { type: "counter", help: "Requests sent to the Kubernetes API server, by verb and resource." },
  });
}
