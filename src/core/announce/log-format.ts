// Structured log lines: logfmt-like text (`time=… level=info msg="…" key=value`) or one JSON
// object per line, as MetalLB's key/value logs. Pure; the adapter writes them to stderr.

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "text" | "json";
export type LogFields = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

export function formatLogLine(format: LogFormat, time: number, level: LogLevel, msg: string, fields: LogFields = {}): string {
  const ts = new Date(time).toISOString();
  if (format === "json") {
    const obj: Record<string, unknown> = { time: ts, level, msg };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) obj[k] = v;
    return JSON.stringify(obj);
  }
  const parts = [`time=${ts}`, `level=${level}`, `msg=${quote(msg)}`];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    parts.push(`${k}=${quote(Array.isArray(v) ? v.join(",") : String(v))}`);
  }
  return parts.join(" ");
}

function quote(s: string): string {
  return s === "" || /[\s"=\\]/.test(s) ? JSON.stringify(s) : s;
}
