// HTTP(S) transport to the API server. client-node supplies the credentials (CA, client cert,
// bearer token, exec plugins, token files) through KubeConfig.applyToHTTPSOptions; requests go
// through one keep-alive agent so paging does not pay a TLS handshake per page.
import * as https from "node:https";
import * as http from "node:http";
import type { LoadedConfig } from "./config.ts";
import { apiError, transportError, type RequestDescription } from "./errors.ts";
import { LbctlError } from "../../errors.ts";

export interface HttpReply {
  readonly status: number;
  readonly body: string;
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
  constructor(
    private readonly cfg: LoadedConfig,
    readonly timeoutMs: number,
  ) {}

  private async options(spec: RequestSpec): Promise<https.RequestOptions & { url: URL }> {
    const opts: https.RequestOptions = { headers: {} };
    try {
      await this.cfg.kc.applyToHTTPSOptions(opts);
    } catch (err) {
      // Credentials that cannot be used (a missing CA, cert or key file, a failing exec plugin):
      // one line naming the kubeconfig and the user, not an internal error.
      const e = err as NodeJS.ErrnoException;
      const what = e.code === "ENOENT" && e.path ? `${e.path}: no such file` : (e.message ?? String(err)).split("\n")[0];
      throw new LbctlError(`${this.cfg.origin}: cannot use the credentials of user "${this.cfg.user}" for ${this.cfg.server}: ${what}`, { code: "E_KUBECONFIG", cause: err });
    }
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

  /** A whole request/response; non-2xx replies become KubeApiErrors. */
  async request(spec: RequestSpec): Promise<HttpReply> {
    const started = Date.now();
    const res = await this.open(spec);
    const remaining = this.timeoutMs > 0 ? Math.max(1, this.timeoutMs - (Date.now() - started)) : 0;
    const body = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const timer = remaining > 0 ? setTimeout(() => res.destroy(timeoutError()), remaining) : undefined;
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        if (timer) clearTimeout(timer);
        resolve(Buffer.concat(chunks).toString("utf8"));
      });
      res.on("error", (err) => {
        if (timer) clearTimeout(timer);
        reject(transportError(err, this.cfg.server, spec.desc, this.timeoutMs));
      });
      res.on("aborted", () => reject(transportError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), this.cfg.server, spec.desc, this.timeoutMs)));
    });
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) throw this.failure(status, body, spec.desc);
    return { status, body };
  }

  failure(status: number, body: string, desc: RequestDescription): Error {
    return apiError(status, body, desc, this.cfg.server, this.cfg.user);
  }

  close(): void {
    this.agent?.destroy();
  }
}
