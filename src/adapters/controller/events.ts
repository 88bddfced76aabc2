// Kubernetes Events on Services (IPAllocated, AllocationFailed, IPReleased): best effort, from a
// bounded queue with a few requests in flight, so that they never delay or outnumber status
// writes; when the queue is full an event is dropped and counted (as client-go's recorder does).
import type { Raw, ServiceEvent } from "../../core/ipam/index.ts";
import type { Gvr, Kube, KubeObject } from "../kube/types.ts";
import type { Logger } from "../announce/logger.ts";

export const EVENTS: Gvr = { group: "", version: "v1", resource: "events", kind: "Event", namespaced: true };
export const COMPONENT = "lbctl-pool-controller";

export function eventObject(svc: Raw, ev: ServiceEvent, nowIso: string, instance: string): KubeObject {
  const m = (svc["metadata"] ?? {}) as { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { generateName: `${m.name ?? "service"}.`, namespace: m.namespace ?? "default" },
    involvedObject: { apiVersion: "v1", kind: "Service", name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion },
    type: ev.type,
    reason: ev.reason,
    message: ev.message,
    source: { component: COMPONENT },
    reportingComponent: COMPONENT,
    reportingInstance: instance,
    firstTimestamp: nowIso,
    lastTimestamp: nowIso,
    count: 1,
  };
}

export class EventSink {
  private readonly queue: KubeObject[] = [];
  private inflight = 0;
  dropped = 0;
  sent = 0;

  constructor(
    private readonly kube: Kube,
    private readonly log: Logger,
    private readonly onDrop: () => void = () => {},
    private readonly limit = 1000,
    private readonly parallel = 4,
  ) {}

  emit(ev: KubeObject): void {
    if (this.queue.length >= this.limit) {
      this.dropped++;
      this.onDrop();
      return;
    }
    this.queue.push(ev);
    this.pump();
  }

  private pump(): void {
    while (this.inflight < this.parallel && this.queue.length > 0) {
      const ev = this.queue.shift()!;
      this.inflight++;
      this.kube.create(EVENTS, ev).then(
        () => void this.sent++,
        (err: unknown) => this.log.debug("event not recorded", { reason: String(ev["reason"]), error: (err as Error).message }),
      ).finally(() => {
        this.inflight--;
        this.pump();
      });
    }
  }

  /** Waits (bounded) for queued events on shutdown. */
  async drain(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while ((this.queue.length > 0 || this.inflight > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }
}
