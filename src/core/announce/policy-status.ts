// The status conditions an L2 announcement policy carries (spec l2-announce §1.4): one per
// problem type, Status "True" with the parse error while the problem lasts, flipped to "False"
// (message cleared) once it is fixed, never created for a problem that never was. Reason is
// "error" either way, as Cilium writes it. Conditions of other types are left as they are.
//
// Unlike Cilium, which stamps lastTransitionTime on every check, the time only moves when the
// status flips (metav1.Condition's meaning). Every node computes the same conditions, so the
// first node's write settles it and the others find nothing to change: no write storm.
import type { PolicyProblem, ProblemType } from "./policy.ts";

export interface PolicyCondition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
  readonly observedGeneration?: number | undefined;
}

export interface PolicyStatusInput {
  readonly conditions: readonly PolicyCondition[];
  readonly generation: number | undefined;
  /** This policy's problems (planGroups' problems filtered by policy name). */
  readonly problems: readonly PolicyProblem[];
  /** RFC 3339, for conditions whose status changes now. */
  readonly now: string;
}

export const POLICY_CONDITION_TYPES: readonly ProblemType[] = ["io.cilium/bad-node-selector", "io.cilium/bad-service-selector", "io.cilium/bad-interface-regex"];

function same(a: PolicyCondition, b: PolicyCondition): boolean {
  return (
    a.type === b.type && a.status === b.status && a.reason === b.reason && a.message === b.message &&
    a.lastTransitionTime === b.lastTransitionTime && a.observedGeneration === b.observedGeneration
  );
}

/** The conditions the policy should carry, or undefined when it already carries exactly them. */
export function desiredPolicyConditions(input: PolicyStatusInput): PolicyCondition[] | undefined {
  const out = [...input.conditions];
  for (const type of POLICY_CONDITION_TYPES) {
    const problem = input.problems.find((p) => p.type === type);
    const at = out.findIndex((c) => c.type === type);
    const current = at < 0 ? undefined : out[at];
    if (!problem && !current) continue;
    const status = problem ? "True" : "False";
    const next: PolicyCondition = {
      type,
      status,
      reason: "error",
      message: problem ? problem.message : "",
      lastTransitionTime: current && current.status === status ? current.lastTransitionTime : input.now,
      ...(input.generation === undefined ? {} : { observedGeneration: input.generation }),
    };
    if (at < 0) out.push(next);
    else out[at] = next;
  }
  const unchanged = out.length === input.conditions.length && out.every((c, i) => same(c, input.conditions[i]!));
  return unchanged ? undefined : out;
}
