// The project's one metrics module: a prom-client Registry for long-running commands (announce,
// pool controller). prom-client is loaded only by them (dynamic import), so start-up of every
// other command is untouched. Values kept by pure code (core/announce/metrics.ts: counters on
// the per-frame hot path, without label hashing) are exposed through collect() callbacks that
// copy them into prom-client at scrape time; prom-client owns the exposition format.
import type * as PromClient from "prom-client";
import type { Metrics } from "../../core/announce/metrics.ts";

export type Prom = typeof PromClient;

export interface MetricsRegistry {
  readonly prom: Prom;
  readonly registry: PromClient.Registry;
  /** Text exposition of every registered metric. */
  render(): Promise<string>;
  readonly contentType: string;
}

export async function createRegistry(): Promise<MetricsRegistry> {
  const mod = (await import("prom-client")) as Prom & { default?: Prom };
  // prom-client is CommonJS: under ESM its API may sit on `default`.
  const prom: Prom = mod.Counter ? mod : mod.default!;
  const registry = new prom.Registry();
  return { prom, registry, render: () => registry.metrics(), contentType: registry.contentType };
}

/** Registers every family of a core value store, read at scrape time. */
export function exposeStore(r: MetricsRegistry, store: Metrics): void {
  for (const f of store.families()) {
    const common = { name: f.name, help: f.help, labelNames: [...f.labelNames], registers: [r.registry] };
    if (f.type === "counter") {
      new r.prom.Counter({
        ...common,
        collect() {
          this.reset();
          const values = store.values(f.name);
          // A family with no sample yet still exposes 0, so dashboards see the series at start.
          if (values.length === 0) this.inc(0);
          for (const v of values) this.inc(sorted(v.labels), v.value);
        },
      });
    } else {
      new r.prom.Gauge({
        ...common,
        collect() {
          this.reset();
          for (const v of store.values(f.name)) this.set(sorted(v.labels), v.value);
        },
      });
    }
  }
}

/** Labels in name order, so a series always renders the same way (`{family="ipv4",interface="eth0"}`). */
function sorted(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k] ?? "";
  return out;
}
