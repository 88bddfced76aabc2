// Small helpers for decoding untyped manifest data into the core's own types without throwing.

export type Path = readonly (string | number)[];

export interface FieldError {
  /** Path of the offending field, relative to the object (e.g. ["spec", "blocks", 0, "cidr"]). */
  readonly path: Path;
  /** What is wrong, quoting the value. */
  readonly message: string;
}

export type Raw = Record<string, unknown>;

export function isRecord(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A short, quoted rendering of a value for messages. */
export function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === undefined) return "nothing";
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
}

/** `spec.blocks[0].cidr`, `metadata.annotations["lbipam.cilium.io/ips"]`. */
export function formatPath(path: Path): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += out === "" ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

export function getIn(obj: unknown, path: Path): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (typeof p === "number") {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[p];
    } else {
      if (!isRecord(cur)) return undefined;
      cur = cur[p];
    }
  }
  return cur;
}

/** A map of string → string (labels, annotations, selectors); non-string values are skipped. */
export function stringMap(v: unknown): Map<string, string> {
  const m = new Map<string, string>();
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (typeof x === "string") m.set(k, x);
  return m;
}

export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function asInt(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : 0;
}
