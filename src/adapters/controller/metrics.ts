// The pool controller's Prometheus metrics, on the shared prom-client registry. The same numbers
// as `lbctl pool list --cluster` (pool usage) and `pool check` (pending Services by reason).
import type { ReconcilePlan } from "../../core/ipam/index.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";

export interface ControllerMetrics {
  pass(plan: ReconcilePlan, seconds: number): void;
  write(resource: "services" | "pools", result: "ok" | "conflict" | "gone" | "error"): void;
  allocated(pool: string, n: number): void;
  request(verb: string, resource: string): void;
  leader(leading: boolean): void;
  eventDropped(): void;
}

export const NO_METRICS: ControllerMetrics = { pass() {}, write() {}, allocated() {}, request() {}, leader() {}, eventDropped() {} };

export function controllerMetrics(r: MetricsRegistry): ControllerMetrics {
  const { prom, registry } = r;
  const registers = [registry];
  const allocations = new prom.Counter({ name: "lbctl_pool_controller_allocations_total", help: "IPs newly assigned to Services (status written), by pool.", labelNames: ["pool"], registers });
  const pending = new prom.Gauge({ name: "lbctl_pool_controller_pending_services", help: "LoadBalancer Services handled but not satisfied, by condition reason.", labelNames: ["reason"], registers });
  const handled = new prom.Gauge({ name: "lbctl_pool_controller_services", help: "LoadBalancer Services handled by the controller.", registers });
  const ips = new prom.Gauge({ name: "lbctl_pool_controller_pool_ips", help: "Pool addresses by state (total, used, available), as in the pool's IPs* conditions.", labelNames: ["pool", "state"], registers });
  const invalid = new prom.Gauge({ name: "lbctl_pool_controller_invalid_pools", help: "Pools rejected as invalid (see their lbctl.io/InvalidPool condition).", registers });
  const latency = new prom.Histogram({
    name: "lbctl_pool_controller_reconcile_duration_seconds",
    help: "Time of one reconcile pass: compute plus status writes.",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const writes = new prom.Counter({ name: "lbctl_pool_controller_status_writes_total", help: "Status writes, by resource and result (ok, conflict, gone, error).", labelNames: ["resource", "result"], registers });
  const requests = new prom.Counter({ name: "lbctl_pool_controller_api_requests_total", help: "Requests sent to the Kubernetes API server, by verb and resource.", labelNames: ["verb", "resource"], registers });
  const leader = new prom.Gauge({ name: "lbctl_pool_controller_leader", help: "1 while this replica holds the controller Lease.", registers });
  const dropped = new prom.Counter({ name: "lbctl_pool_controller_events_dropped_total", help: "Kubernetes Events dropped because the event queue was full.", registers });
  return {
    pass(plan, seconds) {
      latency.observe(seconds);
      pending.reset();
      for (const [reason, n] of plan.pending) pending.set({ reason }, n);
      handled.set(plan.handled);
      ips.reset();
      for (const u of plan.usage) {
        ips.set({ pool: u.name, state: "total" }, Number(u.total));
        ips.set({ pool: u.name, state: "used" }, Number(u.used));
        ips.set({ pool: u.name, state: "available" }, Number(u.available));
      }
      invalid.set(plan.invalidPools.length);
    },
    write: (resource, result) => writes.inc({ resource, result }),
    allocated: (pool, n) => allocations.inc({ pool }, n),
    request: (verb, resource) => requests.inc({ verb, resource }),
    leader: (l) => leader.set(l ? 1 : 0),
    eventDropped: () => dropped.inc(),
  };
}
