// The lease wire contract between `lbctl announce` and its readers (`announce status`,
// `l2 status`, the test beds): lease names, the annotations the holder publishes, and the facts
// read back from a Lease (holder, renew age, expiry). One module so that writer and readers
// cannot drift apart.
import { familyBits, formatIp, ipToBigInt, parseIp } from "../ip.ts";
import { toStoredLease, type LeaseObject } from "./objects.ts";

export const LEASE_PREFIX = "lbctl-l2-";
/** `eth0=02:00:00:00:00:01,eth1=…`: the holder's interfaces and MACs for this address. */
export const ANNOTATION_INTERFACES = "lbctl.io/interfaces";
/** `ns/name,ns/name`: the Services sharing the address (for stale leases, whose group is gone). */
export const ANNOTATION_SERVICES = "lbctl.io/services";
/** The address itself, in canonical text. */
export const ANNOTATION_IP = "lbctl.io/ip";

export interface MacOnInterface {
  readonly interface: string;
  readonly mac: string;
}

export interface LeaseFacts {
  readonly name: string;
  readonly namespace: string;
  /** `lbctl`: per-IP lease `lbctl-l2-…`; `cilium`: per-Service lease `cilium-l2announce-<ns>-<svc>`. */
  readonly kind: "lbctl" | "cilium";
  /** null when the lease was released (empty holderIdentity). */
  readonly holder: string | null;
  readonly renewTime: string | null;
  readonly renewAgeSeconds: number | null;
  readonly durationSeconds: number;
  readonly expired: boolean;
}

/**
 * Lease name for an address: `lbctl-l2-` + the IPv4 address with dashes (`lbctl-l2-192-0-2-10`),
 * or `lbctl-l2-v6-` + the 32 hex digits of the IPv6 address, so every name is a valid DNS
 * subdomain, stable, and identical on every node whatever text the address was written in.
 */
export function leaseNameFor(ip: string): string {
  const parsed = parseIp(ip);
  if (parsed === undefined) throw new Error(`leaseNameFor: not an IP address: ${ip}`);
  if (parsed.family === 4) return `${LEASE_PREFIX}${formatIp(parsed).replace(/\./g, "-")}`;
  return `${LEASE_PREFIX}v6-${ipToBigInt(parsed).toString(16).padStart(familyBits(6) / 4, "0")}`;
}

export function isLeaseName(name: string): boolean {
  return name.startsWith(LEASE_PREFIX);
}

/** `eth0=02:00:00:00:00:01,eth1=…` → entries; malformed parts are skipped, MACs lower-cased. */
export function parseInterfaces(text: string | undefined): MacOnInterface[] {
  const out: MacOnInterface[] = [];
  for (const part of (text ?? "").split(",")) {
    const [name = "", mac = ""] = part.trim().split("=");
    if (name !== "" && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac)) out.push({ interface: name, mac: mac.toLowerCase() });
  }
  return out;
}

export function formatInterfaces(ifs: readonly MacOnInterface[]): string {
  return ifs.map((i) => `${i.interface}=${i.mac}`).join(",");
}

/** `ns/name,…` from the services annotation. */
export function parseServices(text: string | undefined): string[] {
  return (text ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * What a Lease says at `now`. The renew time falls back to the acquire time (a holder that has
 * acquired but not yet renewed); a lease with neither has never been held and counts as expired.
 */
export function leaseFacts(l: LeaseObject, kind: LeaseFacts["kind"], now: number): LeaseFacts {
  const { record } = toStoredLease(l);
  const renew = record.renewTime ?? record.acquireTime;
  return {
    name: l.metadata?.name ?? "",
    namespace: l.metadata?.namespace ?? "",
    kind,
    holder: record.holderIdentity === "" ? null : record.holderIdentity,
    renewTime: renew === undefined ? null : new Date(renew).toISOString(),
    renewAgeSeconds: renew === undefined ? null : Math.max(0, Math.round((now - renew) / 1000)),
    durationSeconds: record.leaseDurationSeconds,
    expired: renew === undefined || now > renew + record.leaseDurationSeconds * 1000,
  };
}

export function isLive(l: LeaseFacts): boolean {
  return l.holder !== null && !l.expired;
}

/** An age as kubectl prints it: `45s`, `7m`, `5h`, `3d`; `<none>` when unknown. */
export function ageText(s: number | null): string {
  if (s === null) return "<none>";
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
