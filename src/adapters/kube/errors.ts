// Turns transport failures and API `Status` replies into one-line LbctlErrors that say what was
// being done, against which server, and what to check.
import { LbctlError } from "../../errors.ts";

/** What a request was doing, for messages: "list services in namespace \"default\"". */
export interface RequestDescription {
  readonly verb: string;
  readonly resource: string; // plural, with ".group" for non-core groups
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

export function describeRequest(d: RequestDescription): string {
  const what = d.name === undefined ? d.resource : `${d.resource} "${d.name}"`;
  const where = d.namespace === undefined ? "" : ` in namespace "${d.namespace}"`;
  return `${d.verb} ${what}${where}`;
}

/** The API server answered with a failure status. `status` is the HTTP code (404, 409, 410, …). */
export class KubeApiError extends LbctlError {
  readonly status: number;
  readonly reason: string;
  readonly request: RequestDescription;
  constructor(message: string, status: number, reason: string, request: RequestDescription) {
    super(message, { code: `E_KUBE_${status}` });
    this.name = "KubeApiError";
    this.status = status;
    this.reason = reason;
    this.request = request;
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof KubeApiError && e.status === 404;
export const isConflict = (e: unknown): boolean => e instanceof KubeApiError && e.status === 409;
export const isGone = (e: unknown): boolean => e instanceof KubeApiError && e.status === 410;

export function apiError(status: number, body: string, req: RequestDescription, server: string, user: string): KubeApiError {
  let message = "";
  let reason = "";
  try {
    const s = JSON.parse(body) as { message?: unknown; reason?: unknown };
    if (typeof s.message === "string") message = s.message;
    if (typeof s.reason === "string") reason = s.reason;
  } catch {
    message = body.slice(0, 200).replace(/\s+/g, " ").trim();
  }
  const what = describeRequest(req);
  switch (status) {
    case 401:
      return new KubeApiError(`the API server at ${server} rejected the credentials of user "${user}" (401 Unauthorized): check the token or client certificate in the kubeconfig`, status, reason || "Unauthorized", req);
    case 403:
      return new KubeApiError(`RBAC denied: cannot ${what} (403 Forbidden${message ? `: ${message}` : ""})`, status, reason || "Forbidden", req);
    default:
      return new KubeApiError(`cannot ${what}: ${message || "no message"} (${status}${reason ? ` ${reason}` : ""})`, status, reason, req);
  }
}

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_SIGNATURE_FAILURE",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);

/** Errors below HTTP: refused, unresolvable, TLS, reset, timeout. */
export function transportError(err: unknown, server: string, req: RequestDescription, timeoutMs: number): LbctlError {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = e?.code ?? "";
  const what = describeRequest(req);
  if (code === "E_LBCTL_TIMEOUT") {
    return new LbctlError(`timed out after ${formatMs(timeoutMs)} waiting for the API server at ${server} to ${what} (raise --request-timeout)`, { code: "E_KUBE_TIMEOUT" });
  }
  if (code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EADDRNOTAVAIL") {
    const why = code === "ECONNREFUSED" ? "connection refused" : code === "ENOTFOUND" || code === "EAI_AGAIN" ? "host not found" : "no route to host";
    return new LbctlError(`cannot reach the API server at ${server}: ${why} (is the cluster up and the kubeconfig's server right?)`, { code: "E_KUBE_UNREACHABLE" });
  }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "ERR_SSL_PACKET_LENGTH_TOO_LONG" || /wrong version number|packet length too long/i.test(e?.message ?? "")) {
    return new LbctlError(`the API server at ${server} does not speak TLS (${code || "wrong version number"}): is it a plain-HTTP port? then its server URL is http://`, { code: "E_KUBE_TLS" });
  }
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(e?.message ?? "")) {
    const why = (e?.reason ?? e?.message ?? code).split("\n")[0]!.trim();
    return new LbctlError(`TLS verification of the API server at ${server} failed: ${why} (${code || "TLS error"}; check certificate-authority in the kubeconfig)`, { code: "E_KUBE_TLS" });
  }
  if (code === "ECONNRESET" || code === "EPIPE" || /socket hang up/.test(e?.message ?? "")) {
    return new LbctlError(`the API server at ${server} closed the connection while trying to ${what} (${code || "socket hang up"})`, { code: "E_KUBE_RESET" });
  }
  return new LbctlError(`cannot ${what} at ${server}: ${(e?.message ?? String(err)).split("\n")[0]}`, { code: "E_KUBE_TRANSPORT" });
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
