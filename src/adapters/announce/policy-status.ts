// Writes the conditions of CiliumL2AnnouncementPolicy objects (core/announce/policy-status.ts)
// to their /status subresource, as Cilium's agent does, so that `kubectl get
// ciliuml2announcementpolicy -o yaml` shows why a policy announces nothing. Only when the
// conditions differ from what the watch cache holds; a forbidden write (RBAC without
// ciliuml2announcementpolicies/status) is reported once and not retried: announcing goes on.
import { desiredPolicyConditions, type PolicyCondition } from "../../core/announce/policy-status.ts";
import type { PolicyProblem } from "../../core/announce/policy.ts";
import { KubeApiError } from "../kube/errors.ts";
import { RESOURCES, type Kube } from "../kube/types.ts";
import type { Logger } from "./logger.ts";

export interface PolicyStatusSource {
  readonly name: string;
  readonly generation: number | undefined;
  readonly conditions: readonly PolicyCondition[];
}

/** RFC 3339 seconds, as metav1.Time is written. */
const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export class PolicyStatusWriter {
  private forbidden = false;
  private readonly writing = new Set<string>();

  constructor(
    private readonly kube: Kube,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /** Call after every re-plan, with every policy and the plan's problems. */
  sync(policies: readonly PolicyStatusSource[], problems: readonly PolicyProblem[]): void {
    if (this.forbidden) return;
    for (const p of policies) {
      // One write per policy at a time: the watch event of a write re-runs sync with the result.
      if (this.writing.has(p.name)) continue;
      const want = desiredPolicyConditions({
        conditions: p.conditions,
        generation: p.generation,
        problems: problems.filter((x) => x.policy === p.name),
        now: rfc3339(this.now()),
      });
      if (want) this.write(p.name, want);
    }
  }

  /** No write in flight (tests). */
  get idle(): boolean {
    return this.writing.size === 0;
  }

  private write(name: string, conditions: PolicyCondition[]): void {
    this.writing.add(name);
    this.kube
      .patch(RESOURCES.l2Policies, name, undefined, { status: { conditions } }, "merge", { subresource: "status" })
      .then(() => this.log.info("policy status updated", { policy: name, conditions: conditions.map((c) => `${c.type}=${c.status}`).join(",") }))
      .catch((err: unknown) => {
        const status = err instanceof KubeApiError ? err.status : 0;
        if (status === 404) return; // deleted meanwhile: nothing to report on
        if (status === 403) {
          this.forbidden = true;
          this.log.warn("cannot write L2 policy status (RBAC: patch on ciliuml2announcementpolicies/status); conditions are only logged", { policy: name });
          return;
        }
        this.log.warn("writing L2 policy status failed", { policy: name, error: (err as Error).message });
      })
      .finally(() => this.writing.delete(name));
  }
}
