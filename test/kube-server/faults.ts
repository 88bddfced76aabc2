// Fault injection knobs the tests flip at run time, and the RBAC-style 403 they produce.
import { StatusError } from "./status.ts";

export interface Faults {
  /** Added to every request before it is handled. */
  delayMs: number;
  /** Verb/resource pairs answered with 403 Forbidden ("*" matches any). */
  forbid: { verb: string; resource: string }[];
  /** The next N requests get their connection destroyed without a response. */
  dropRequests: number;
  /** The next `count` requests matching verb/resource ("*" matches any) get this HTTP status. */
  fail: { verb: string; resource: string; status: number; count: number }[];
}

export function noFaults(): Faults {
  return { delayMs: 0, forbid: [], dropRequests: 0, fail: [] };
}

export function forbidden(f: Faults, verb: string, group: string, resource: string, namespace: string | undefined, user: string): StatusError | undefined {
  const hit = f.forbid.some((x) => (x.verb === "*" || x.verb === verb) && (x.resource === "*" || x.resource === resource));
  if (!hit) return undefined;
  const scope = namespace === undefined ? "at the cluster scope" : `in the namespace "${namespace}"`;
  const base = resource.split("/")[0]!;
  const what = group === "" ? base : `${base}.${group}`;
  return new StatusError(
    403,
    "Forbidden",
    `${what} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`,
    { kind: base, group },
  );
}

/** An injected failure (409 Conflict, 500, 503...) for the next matching request, if any. */
export function injected(f: Faults, verb: string, resource: string, name: string): StatusError | undefined {
  const hit = f.fail.find((x) => x.count > 0 && (x.verb === "*" || x.verb === verb) && (x.resource === "*" || x.resource === resource));
  if (!hit) return undefined;
  hit.count--;
  if (hit.status === 409) return new StatusError(409, "Conflict", `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
  return new StatusError(hit.status, hit.status === 503 ? "ServiceUnavailable" : "InternalError", `injected failure ${hit.status}`);
}
