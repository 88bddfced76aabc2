import { test } from "node:test";
import assert from "node:assert/strict";
import { desiredPolicyConditions, type PolicyCondition } from "../../../src/core/announce/policy-status.ts";
import type { PolicyProblem } from "../../../src/core/announce/policy.ts";

const NOW = "2026-11-27T13:00:00Z";
const EARLIER = "2026-11-27T12:00:00Z";
const svc: PolicyProblem = { policy: "p", type: "io.cilium/bad-service-selector", message: "matchExpressions[0].values: must be non-empty for operator In" };
const cond = (type: string, status: string, message = "", at = EARLIER, gen: number | undefined = 1): PolicyCondition => ({
  type, status, reason: "error", message, lastTransitionTime: at, ...(gen === undefined ? {} : { observedGeneration: gen }),
});

test("desired policy conditions (table)", () => {
  const cases: { name: string; current: PolicyCondition[]; problems: PolicyProblem[]; generation?: number; want: PolicyCondition[] | undefined }[] = [
    { name: "no problem, no condition: nothing to write", current: [], problems: [], want: undefined },
    { name: "new problem: True condition stamped now", current: [], problems: [svc], want: [cond(svc.type, "True", svc.message, NOW)] },
    { name: "same problem again: unchanged", current: [cond(svc.type, "True", svc.message)], problems: [svc], want: undefined },
    { name: "fixed: False, message cleared, time moves", current: [cond(svc.type, "True", svc.message)], problems: [], want: [cond(svc.type, "False", "", NOW)] },
    { name: "still fixed: unchanged", current: [cond(svc.type, "False")], problems: [], want: undefined },
    {
      name: "message changes while still True: time stays",
      current: [cond(svc.type, "True", "old text")], problems: [svc], want: [cond(svc.type, "True", svc.message, EARLIER)],
    },
    { name: "new generation: observedGeneration follows", current: [cond(svc.type, "False")], problems: [], generation: 2, want: [cond(svc.type, "False", "", EARLIER, 2)] },
    {
      name: "other condition types are kept in place; ours appended",
      current: [cond("Ready", "True", "fine")], problems: [svc], want: [cond("Ready", "True", "fine"), cond(svc.type, "True", svc.message, NOW)],
    },
  ];
  for (const c of cases) {
    const got = desiredPolicyConditions({ conditions: c.current, generation: c.generation ?? 1, problems: c.problems, now: NOW });
    assert.deepEqual(got, c.want, c.name);
  }
});

test("writing the desired conditions back makes them stable (idempotent), whatever the clock says later", () => {
  const first = desiredPolicyConditions({ conditions: [], generation: 3, problems: [svc], now: NOW });
  assert.ok(first);
  assert.equal(desiredPolicyConditions({ conditions: first, generation: 3, problems: [svc], now: "2026-11-27T14:00:00Z" }), undefined);
});
