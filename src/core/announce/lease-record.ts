// The lease wire contract between `lbctl announce` and its readers (`announce status`,
// `l2 status`, the test beds): lease names, the annotations the holder publishes, and the facts
// read back from a Lease (holder, renew age, expiry). One module so that writer and readers
// cannot drift apart.
import { canonicalIp, familyBits, formatIp, ipToBigInt, parseIp } from "../ip.ts";
import { hash32 } from "./membership.ts";
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

// ---- Membership election (the default): one member Lease per announcer -----------------------
// `lbctl-member-<node>` (holderIdentity = the node name), renewed every retry period. It carries
// what others cannot see from the API: which policies can be served here (nodeSelector matches
// and an interface of the policy is up), the node's weight, its up interfaces and MACs, and the
// addresses it claims (answers, or waits to answer). It does NOT start with LEASE_PREFIX, so
// per-address readers never take it for a stale per-address Lease.

export const MEMBER_LEASE_PREFIX = "lbctl-member-";
/** `pol-a,pol-b`: the policies this member can serve (see above). */
export const ANNOTATION_MEMBER_POLICIES = "lbctl.io/policies";
/** Decimal weight, > 0 (default 1), from the node label NODE_WEIGHT_LABEL. */
export const ANNOTATION_MEMBER_WEIGHT = "lbctl.io/weight";
/** `192.0.2.10,2001:db8::10`: canonical addresses this member claims. */
export const ANNOTATION_MEMBER_CLAIMS = "lbctl.io/claims";
/** Node label an operator sets to weigh a node's share (`lbctl.io/announce-weight: "2"`). */
export const NODE_WEIGHT_LABEL = "lbctl.io/announce-weight";
/** Lease names are DNS subdomains (≤ 253); longer node names are cut and given a hash suffix. */
const MAX_NAME = 253;

/** The member Lease name of a node: `lbctl-member-<node>`. */
export function memberLeaseName(node: string): string {
  const name = `${MEMBER_LEASE_PREFIX}${node}`;
  if (name.length <= MAX_NAME) return name;
  const suffix = `-${hash32(node, 0).toString(16).padStart(8, "0")}`;
  return name.slice(0, MAX_NAME - suffix.length).replace(/[.-]+$/, "") + suffix;
}

export function isMemberLeaseName(name: string): boolean {
  return name.startsWith(MEMBER_LEASE_PREFIX);
}

/** A weight as published/labelled: a positive finite decimal, else 1 (and `valid: false`). */
export function parseWeight(text: string | undefined): { weight: number; valid: boolean } {
  if (text === undefined || text === "") return { weight: 1, valid: true };
  if (!/^\d+(\.\d+)?$/.test(text.trim())) return { weight: 1, valid: false };
  const w = Number(text);
  return Number.isFinite(w) && w > 0 && w <= 1000 ? { weight: w, valid: true } : { weight: 1, valid: false };
}

export interface MemberAnnotations {
  readonly policies: readonly string[];
  readonly weight: number;
  readonly claims: readonly string[];
  readonly interfaces: readonly MacOnInterface[];
}

export function formatMemberAnnotations(m: MemberAnnotations): Record<string, string> {
  return {
    [ANNOTATION_MEMBER_POLICIES]: [...m.policies].sort().join(","),
    [ANNOTATION_MEMBER_WEIGHT]: String(m.weight),
    [ANNOTATION_MEMBER_CLAIMS]: [...m.claims].join(","),
    [ANNOTATION_INTERFACES]: formatInterfaces(m.interfaces),
  };
}

/** A comma-separated annotation value as its non-empty, trimmed items. */
function commaList(text: string | undefined): string[] {
  return (text ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

/** The policies of a member Lease's `lbctl.io/policies` value. */
export function parseMemberPolicies(text: string | undefined): string[] {
  return commaList(text);
}

/** The claims of a member Lease's `lbctl.io/claims` value, canonicalised; malformed ones dropped. */
export function parseMemberClaims(text: string | undefined): string[] {
  const claims: string[] = [];
  for (const c of commaList(text)) {
    const ip = canonicalIp(c, { refuseMapped: true });
    if (ip !== undefined) claims.push(ip);
  }
  return claims;
}

/** Reads a member Lease's annotations; malformed entries are dropped (claims are canonicalised). */
export function parseMemberAnnotations(a: Readonly<Record<string, string>> | undefined): MemberAnnotations {
  return { policies: parseMemberPolicies(a?.[ANNOTATION_MEMBER_POLICIES]), weight: parseWeight(a?.[ANNOTATION_MEMBER_WEIGHT]).weight, claims: parseMemberClaims(a?.[ANNOTATION_MEMBER_CLAIMS]), interfaces: parseInterfaces(a?.[ANNOTATION_INTERFACES]) };
}
