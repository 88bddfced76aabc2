// Decoders in core/packet never throw: bytes from the wire are untrusted, and a malformed frame is
// an ordinary event for a responder or a pinger, not an exceptional one.

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: string): Result<T> {
  return { ok: false, error };
}
