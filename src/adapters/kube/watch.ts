// Watch streams as async iterables of events. The request timeout covers only the response
// headers; the stream then lives until the server ends it, timeoutSeconds passes or the caller
// aborts. A 410 (in the status line or as an ERROR event) is thrown as KubeApiError so that
// callers know to list again.
import type { IncomingMessage } from "node:http";
import { MAX_BODY_BYTES, type Transport } from "./http.ts";
import type { RequestDescription } from "./errors.ts";
import type { KubeObject, WatchEvent, WatchOptions } from "./types.ts";

export async function* watchStream(http: Transport, path: string, opts: WatchOptions, desc: RequestDescription): AsyncIterable<WatchEvent> {
  const res = await http.open(
    {
      method: "GET",
      path,
      query: {
        watch: "true",
        resourceVersion: opts.resourceVersion,
        allowWatchBookmarks: opts.allowBookmarks ? "true" : undefined,
        timeoutSeconds: opts.timeoutSeconds,
        labelSelector: opts.labelSelector || undefined,
        fieldSelector: opts.fieldSelector || undefined,
      },
      desc,
    },
    opts.signal,
  );
  const status = res.statusCode ?? 0;
  if (status !== 200) {
    let body = "";
    for await (const c of res) body += String(c);
    throw http.failure(status, body, desc);
  }
  const onAbort = (): void => void res.destroy();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const line of lines(res)) {
      if (line === undefined) throw http.notApi({ status, body: "", contentType: String(res.headers["content-type"] ?? "") }, desc, `a watch event longer than ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
      if (line.trim() === "") continue;
      const ev = watchEvent(line);
      if (ev === undefined) throw http.notApi({ status, body: line, contentType: String(res.headers["content-type"] ?? "") }, desc, "a watch event that is not {type, object} JSON");
      if (ev.type === "ERROR") {
        const st = ev.object as { code?: number };
        throw http.failure(typeof st.code === "number" ? st.code : 500, JSON.stringify(ev.object), desc);
      }
      yield { type: ev.type as WatchEvent["type"], object: ev.object };
    }
  } catch (err) {
    if (opts.signal?.aborted) return;
    if ((err as NodeJS.ErrnoException).code === "ECONNRESET" || (err as Error).message === "aborted") return;
    throw err;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    res.destroy();
  }
}

const WATCH_TYPES = new Set(["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"]);

/** One line of a watch stream, or undefined when it is not an event the API sends. */
export function watchEvent(line: string): { type: string; object: KubeObject } | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null) return undefined;
  const { type, object } = v as { type?: unknown; object?: unknown };
  if (typeof type !== "string" || !WATCH_TYPES.has(type) || typeof object !== "object" || object === null || Array.isArray(object)) return undefined;
  return { type, object: object as KubeObject };
}

/** The stream's lines; `undefined` (then the end) once a line outgrows MAX_BODY_BYTES. */
async function* lines(res: IncomingMessage): AsyncIterable<string | undefined> {
  let pending: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, from)) {
      pending.push(chunk.subarray(from, nl));
      yield Buffer.concat(pending).toString("utf8");
      pending = [];
      size = 0;
      from = nl + 1;
    }
    if (from < chunk.length) {
      pending.push(chunk.subarray(from));
      size += chunk.length - from;
      if (size > MAX_BODY_BYTES) {
        yield undefined;
        return;
      }
    }
  }
  if (size > 0) yield Buffer.concat(pending).toString("utf8");
}
