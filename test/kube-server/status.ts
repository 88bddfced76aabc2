// Kubernetes `Status` objects: how the API server reports every failure.

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
  toStatus(): Record<string, unknown> {
    return statusObject(this.code, this.reason, this.message, this.details);
  }
}

export function statusObject(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

const qualified = (group: string, resource: string): string => (group === "" ? resource : `${resource}.${group}`);

export const notFound = (group: string, resource: string, name: string): StatusError =>
  new StatusError(404, "NotFound", `${qualified(group, resource)} "${name}" not found`, { name, group, kind: resource });

export const alreadyExists = (group: string, resource: string, name: string): StatusError =>
  new StatusError(409, "AlreadyExists", `${qualified(group, resource)} "${name}" already exists`, { name, group, kind: resource });

export const conflict = (group: string, resource: string, name: string): StatusError =>
  new StatusError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(group, resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: resource },
  );

export const invalid = (kind: string, name: string, causes: { field: string; message: string }[]): StatusError =>
  new StatusError(422, "Invalid", `${kind} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(", ")}`, {
    name,
    kind,
    causes: causes.map((c) => ({ reason: "FieldValueInvalid", message: c.message, field: c.field })),
  });

export const badRequest = (message: string): StatusError => new StatusError(400, "BadRequest", message);

export const gone = (message: string): StatusError => new StatusError(410, "Expired", message);
