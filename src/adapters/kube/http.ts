// HTTP(S) transport to the API server. client-node supplies the credentials (CA, client cert,
// bearer token, exec plugins, token files) through KubeConfig.applyToHTTPSOptions; requests go
// through one keep-alive agent so paging does not pay a TLS handshake per page.
import * as https from "node:https";
import * as http from "node:http";
import type { LoadedConfig } from "./config.ts";
import { apiError, describeRequest, transportError, type RequestDescription } from "./errors.ts";
import { LbctlError } from "../../errors.ts";
import { applyCredentials, boundExecPlugins, EXEC_PLUGIN_LIMIT_MS } from "./credentials.ts";

export interface HttpReply {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

/**
 * The most one reply may carry. A list page of 500 objects is a few MB; a body past this is not
 * an API server answering (a proxy streaming a file, a broken server), and buffering it would end
 * in a crash, not a message.
 */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export const MAX_RETRIES = 5;
export const MAX_RETRY_AFTER_S = 10;

/** How long to wait before asking again, or undefined when the reply is not one to retry. */
export function retryDelayMs(reply: { status: number; retryAfter: string | undefined }): number | undefined {
  const throttled = reply.status === 429;
  if (!throttled && !(reply.status >= 500 && reply.retryAfter !== undefined)) return undefined;
  // Retry-After in seconds (an HTTP date is not what the API server sends; read it as 1 s).
  const s = reply.retryAfter !== undefined && /^\d+$/.test(reply.retryAfter.trim()) ? Number(reply.retryAfter.trim()) : 1;
  return Math.min(Math.max(s, 0), MAX_RETRY_AFTER_S) * 1000;
}

export interface RequestSpec {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string | number | boolean | undefined> | undefined;
  readonly body?: string | undefined;
  readonly contentType?: string | undefined;
  readonly desc: RequestDescription;
}

function timeoutError(): Error {
  return Object.assign(new Error("request timed out"), { code: "E_LBCTL_TIMEOUT" });
}

export class Transport {
  private agent: http.Agent | undefined;
  private readonly execLimitMs: number;
  private readonly exec: ReturnType<typeof boundExecPlugins>;
  constructor(
    private readonly cfg: LoadedConfig,
    readonly timeoutMs: number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.execLimitMs = timeoutMs > 0 ? timeoutMs : EXEC_PLUGIN_LIMIT_MS;
    this.exec = boundExecPlugins(cfg, this.execLimitMs);
  }

  private async options(spec: RequestSpec): Promise<https.RequestOptions & { url: URL }> {
    const opts: https.RequestOptions = { headers: {} };
    await applyCredentials(this.cfg, opts, this.exec, this.execLimitMs);
    const url = new URL(this.cfg.server + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const isHttps = url.protocol === "https:";
    if (!this.agent) {
      // No socket cap: long-lived watch streams must never starve ordinary requests.
      const base = { keepAlive: true };
      this.agent = isHttps
        ? new https.Agent({ ...base, ca: opts.ca, cert: opts.cert, key: opts.key, servername: opts.servername, ...(opts.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}) })
        : new http.Agent(base);
    }
    const headers: Record<string, string> = { Accept: "application/json", "User-Agent": "lbctl" };
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === "string") headers[k] = v;
    if (opts.auth) headers["Authorization"] = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
    if (spec.contentType) headers["Content-Type"] = spec.contentType;
    return { url, method: spec.method, headers, agent: this.agent };
  }

  /** Sends a request and waits for the response headers; the caller consumes the body. */
  async open(spec: RequestSpec, signal?: AbortSignal): Promise<http.IncomingMessage> {
    const { url, ...opts } = await this.options(spec);
    const mod = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { ...opts, ...(signal ? { signal } : {}) }, (res) => {
        if (timer) clearTimeout(timer);
        resolve(res);
      });
      const timer = this.timeoutMs > 0 ? setTimeout(() => req.destroy(timeoutError()), this.timeoutMs) : undefined;
      req.on("error", (err) => {
        if (timer) clearTimeout(timer);
        reject(err);
      });
      req.end(spec.body);
    }).catch((err: unknown) => {
      if ((err as Error).name === "AbortError") throw err;
      throw transportError(err, this.cfg.server, spec.desc, this.timeoutMs);
    }) as Promise<http.IncomingMessage>;
  }

  /**
   * A whole request/response; non-2xx replies become KubeApiErrors. A 429 (API Priority and
   * Fairness on a busy server) or a 5xx with Retry-After is retried as client-go does: after the
   * delay the server asks for (at most MAX_RETRY_AFTER_S), up to MAX_RETRIES times, and never past
   * the request timeout.
   */
  async request(spec: RequestSpec): Promise<HttpReply> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const reply = await this.once(spec);
      const delayMs = retryDelayMs(reply);
      const spent = Date.now() - started;
      const fits = this.timeoutMs === 0 || spent + (delayMs ?? 0) < this.timeoutMs;
      if (delayMs === undefined || attempt >= MAX_RETRIES || !fits) {
        if (reply.status < 200 || reply.status > 299) {
          const err = this.failure(reply.status, reply.body, spec.desc);
          if (delayMs !== undefined && attempt > 0) err.message += ` after ${attempt + 1} tries`;
          throw err;
        }
        return reply;
      }
      await this.sleep(delayMs);
    }
  }

  private async once(spec: RequestSpec): Promise<HttpReply & { retryAfter: string | undefined }> {
    const started = Date.now();
    const res = await this.open(spec);
    const remaining = this.timeoutMs > 0 ? Math.max(1, this.timeoutMs - (Date.now() - started)) : 0;
    const body = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      // Which of our own limits ended the reply, so that the message names it and not the reset
      // that destroying the socket causes.
      let ours: Error | undefined;
      const stop = (err: Error): void => {
        ours = err;
        res.destroy(err);
      };
      const timer = remaining > 0 ? setTimeout(() => stop(timeoutError()), remaining) : undefined;
      const failed = (err: Error): void => {
        if (timer) clearTimeout(timer);
        reject(ours instanceof LbctlError ? ours : transportError(ours ?? err, this.cfg.server, spec.desc, this.timeoutMs));
      };
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) {
          stop(new LbctlError(`the API server at ${this.cfg.server} sent more than ${MAX_BODY_BYTES / 1024 / 1024} MiB to ${describeRequest(spec.desc)}; that is no API reply`, { code: "E_KUBE_REPLY" }));
        } else chunks.push(c);
      });
      res.on("end", () => {
        if (timer) clearTimeout(timer);
        resolve(Buffer.concat(chunks).toString("utf8"));
      });
      res.on("error", failed);
      res.on("aborted", () => failed(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })));
    });
    const retryAfter = res.headers["retry-after"];
    return { status: res.statusCode ?? 0, body, contentType: String(res.headers["content-type"] ?? ""), retryAfter: typeof retryAfter === "string" ? retryAfter : undefined };
  }

  /** A 2xx reply parsed as a JSON object; anything else is one line naming server and request. */
  async json(spec: RequestSpec): Promise<Record<string, unknown>> {
    const reply = await this.request(spec);
    let value: unknown;
    try {
      value = JSON.parse(reply.body);
    } catch {
      value = undefined;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw this.notApi(reply, spec.desc, "not a JSON object");
    return value as Record<string, unknown>;
  }

  /** The reply was 2xx but not what the API sends (a login page, truncated JSON, a bare array). */
  notApi(reply: HttpReply, desc: RequestDescription, what: string): LbctlError {
    const sample = reply.body.slice(0, 40).replace(/\s+/g, " ").trim();
    return new LbctlError(
      `the API server at ${this.cfg.server} did not answer ${describeRequest(desc)} as the Kubernetes API does: ${what} (${reply.status} ${reply.contentType || "no content type"}: ${sample === "" ? "empty body" : JSON.stringify(sample + (reply.body.length > 40 ? "…" : ""))})`,
      { code: "E_KUBE_REPLY" },
    );
  }

  failure(status: number, body: string, desc: RequestDescription): Error {
    return apiError(status, body, desc, this.cfg.server, this.cfg.user);
  }

  close(): void {
    this.agent?.destroy();
  }
}
