// The listen address of a metrics endpoint (`--metrics-addr`): one grammar, checked with the
// other flags before anything is opened, and used by the server that listens on it.

/** Parses "host:port", "[v6]:port" or ":port" (all interfaces). */
export function parseListenAddr(s: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(s.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? (m[2] === "" ? "0.0.0.0" : (m[2] ?? "0.0.0.0")), port };
}

/** The usage-error text for a malformed address, or undefined when it parses. */
export function listenAddrProblem(flag: string, s: string): string | undefined {
  return parseListenAddr(s) === undefined ? `${flag}: "${s}" is not host:port, [v6]:port or :port (port 0–65535)` : undefined;
}
