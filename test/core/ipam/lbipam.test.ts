// Table-driven LB-IPAM behaviour, one case per spec rule (section cited in the name).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { LbIpamSettings, Raw } from "../../../src/core/ipam/index.ts";
import { pool, run, svc } from "../../helpers/lbipam.ts";

interface Case {
  name: string;
  objs: Raw[];
  settings?: Partial<LbIpamSettings>;
  /** service name (or ns/name) → [ips, reason?] ; reason "-" means no condition at all. */
  want?: Record<string, [string[], string?]>;
  /** service name → exact condition message. */
  messages?: Record<string, string>;
  counts?: Record<string, string>;
  conflicts?: Record<string, string | undefined>;
}

const K = "lbipam.cilium.io/sharing-key";
const IPS = "lbipam.cilium.io/ips";
const XNS = "lbipam.cilium.io/sharing-cross-namespace";

const cases: Case[] = [
  // §1.2 blocks and allowFirstLastIPs
  { name: "§1.2 start/stop range: first address first (seed story)", objs: [pool("p", ["192.168.10.211-192.168.10.215"]), svc("webpod-lbtype")], want: { "webpod-lbtype": [["192.168.10.211"], "satisfied"] }, counts: { p: "5/4/1" } },
  { name: "§1.2 cidr host bits are masked off", objs: [pool("p", ["192.168.100.200/28"]), svc("a")], want: { a: [["192.168.100.192"], "satisfied"] }, counts: { p: "16/15/1" } },
  { name: "§1.2 single address when stop is empty", objs: [pool("p", ["10.9.9.9-"]), svc("a"), svc("b")], want: { a: [["10.9.9.9"]], b: [[], "out_of_ips"] } },
  { name: "§1.2 allowFirstLastIPs unset: .0 is handed out", objs: [pool("p", ["10.0.0.0/24"]), svc("a")], want: { a: [["10.0.0.0"]] }, counts: { p: "256/255/1" } },
  { name: "§1.2/§1.3 allowFirstLastIPs No reserves first and last of a CIDR: 256/254/2 fresh", objs: [pool("p", ["10.0.0.0/24"], { allowFirstLastIPs: "No" })], counts: { p: "256/254/2" } },
  { name: "§1.2 allowFirstLastIPs No: generic allocation starts at .1", objs: [pool("p", ["10.0.0.0/24"], { allowFirstLastIPs: "No" }), svc("a")], want: { a: [["10.0.0.1"]] }, counts: { p: "256/253/3" } },
  { name: "§1.2 allowFirstLastIPs No: /31 and /32 reserve nothing", objs: [pool("p", ["10.0.0.0/31", "10.0.1.1/32"], { allowFirstLastIPs: "No" })], counts: { p: "3/3/0" } },
  { name: "§1.2 allowFirstLastIPs No: /30 reserves (3+ addresses)", objs: [pool("p", ["10.0.0.0/30"], { allowFirstLastIPs: "No" })], counts: { p: "4/2/2" } },
  { name: "§1.2 allowFirstLastIPs No: IPv6 /126 reserves the highest address too", objs: [pool("p", ["2001:db8::/126"], { allowFirstLastIPs: "No" }), svc("a", { families: ["IPv6"] }), svc("b", { families: ["IPv6"] }), svc("c", { families: ["IPv6"] })], want: { a: [["2001:db8::1"]], b: [["2001:db8::2"]], c: [[], "out_of_ips"] } },
  { name: "§1.2 allowFirstLastIPs No: start/stop blocks never reserve", objs: [pool("p", ["10.0.0.0-10.0.0.255"], { allowFirstLastIPs: "No" }), svc("a")], want: { a: [["10.0.0.0"]] } },
  { name: "§1.2 requesting a reserved address: already_allocated", objs: [pool("p", ["10.0.0.0/24"], { allowFirstLastIPs: "No" }), svc("a", { ann: { [IPS]: "10.0.0.255" } })], messages: { a: "The IP '10.0.0.255' is already allocated to another service" } },
  { name: "§2.2/§3.12 #1 reserved address + sharing key: refused, already_allocated", objs: [pool("p", ["10.0.0.0/24"], { allowFirstLastIPs: "No" }), svc("a", { ann: { [IPS]: "10.0.0.0", [K]: "k" } })], want: { a: [[], "already_allocated"] } },
  { name: "§1.3 counts are big decimals: /64 and /48", objs: [pool("v6", ["2001:db8::/64"]), pool("v48", ["2001:db9::/48"])], counts: { v6: "18446744073709551616/18446744073709551616/0", v48: "1208925819614629174706176/1208925819614629174706176/0" } },
  { name: "§1.2 legacy v2alpha1 cidrs are read as blocks", objs: [{ apiVersion: "cilium.io/v2alpha1", kind: "CiliumLoadBalancerIPPool", metadata: { name: "old" }, spec: { cidrs: [{ cidr: "10.5.0.0/30" }] } }, svc("a")], want: { a: [["10.5.0.0"]] } },
  { name: "§1.2 disabled pool: no new IPs, no_pool", objs: [pool("p", ["10.0.0.0/24"], { disabled: true }), svc("a")], want: { a: [[], "no_pool"] }, messages: { a: "There are no enabled CiliumLoadBalancerIPPools that match this service" } },
  // §2.1 which services
  { name: "§2.1 ClusterIP services are ignored, nothing written", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { type: "ClusterIP" })], want: { a: [[], "-"] } },
  { name: "§2.1 foreign loadBalancerClass is ignored", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { cls: "net.example/x" }), svc("b", { cls: "io.cilium/node" })], want: { a: [[], "-"], b: [[], "-"] } },
  { name: "§2.1 Cilium classes are handled by default", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { cls: "io.cilium/l2-announcer" }), svc("b", { cls: "io.cilium/bgp-control-plane" })], want: { a: [["10.0.0.0"]], b: [["10.0.0.1"]] } },
  { name: "§2.1 --lb-classes restricts the accepted classes", settings: { lbClasses: ["io.cilium/l2-announcer"] }, objs: [pool("p", ["10.0.0.0/24"]), svc("a", { cls: "io.cilium/bgp-control-plane" }), svc("b", { cls: "io.cilium/l2-announcer" })], want: { a: [[], "-"], b: [["10.0.0.0"]] } },
  { name: "§2.1 default-lb-service-ipam none/nodeipam: class-less services ignored", settings: { defaultLbServiceIpam: "none" }, objs: [pool("p", ["10.0.0.0/24"]), svc("a"), svc("b", { cls: "io.cilium/l2-announcer" })], want: { a: [[], "-"], b: [["10.0.0.0"]] } },
  { name: "§2.1 dormancy: no pool, services untouched (even stale ingress)", objs: [svc("a", { ingress: ["1.2.3.4"] })], want: { a: [[], "-"] } },
  { name: "§2.1 an ingress entry LB-IPAM cannot account for is removed (hostname, outside every pool)", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ingress: ["host:lb.example", "172.16.0.1"] })], want: { a: [["10.0.0.0"], "satisfied"] } },
  // §2.2 requested IPs
  { name: "§2.2 requested IP via lbipam.cilium.io/ips", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [IPS]: " 10.0.0.7 , 10.0.0.9" } })], want: { a: [["10.0.0.7", "10.0.0.9"], "satisfied"] } },
  { name: "§2.2 primary annotation wins over the legacy alias, even when empty", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [IPS]: "", "io.cilium/lb-ipam-ips": "10.0.0.7" } })], want: { a: [["10.0.0.0"]] } },
  { name: "§2.2 legacy io.cilium/lb-ipam-ips alone is honoured", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { "io.cilium/lb-ipam-ips": "10.0.0.7" } })], want: { a: [["10.0.0.7"]] } },
  { name: "§2.2 spec.loadBalancerIP comes first, then the annotation", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { lbIP: "10.0.0.3", ann: { [IPS]: "10.0.0.2" } })], want: { a: [["10.0.0.3", "10.0.0.2"]] } },
  { name: "§2.2 unparsable elements (CIDRs) are skipped", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [IPS]: "10.0.0.1/32,10.0.0.4" } })], want: { a: [["10.0.0.4"], "satisfied"] } },
  { name: "§2.2 requested IP in no pool: no_pool with the IP", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [IPS]: "10.9.0.1" } })], messages: { a: "No pool exists with a CIDR containing '10.9.0.1'" } },
  { name: "§2.2 requested IP in a pool that does not select: pool_selector_mismatch", objs: [pool("p", ["10.0.0.0/24"], { selector: { matchLabels: { team: "x" } } }), svc("a", { ann: { [IPS]: "10.0.0.1" } })], messages: { a: "The pool with the CIDR containing '10.0.0.1', doesn't select this service" } },
  { name: "§2.2 requested IP taken, no sharing key: already_allocated", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [IPS]: "10.0.0.1" } }), svc("b", { ann: { [IPS]: "10.0.0.1" } })], want: { a: [["10.0.0.1"], "satisfied"], b: [[], "already_allocated"] } },
  { name: "§2.2 successes are kept when others fail; condition shows the last failure", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [IPS]: "10.0.0.1,10.8.0.1,10.0.0.2,10.9.0.1" } })], want: { a: [["10.0.0.1", "10.0.0.2"], "no_pool"] }, messages: { a: "No pool exists with a CIDR containing '10.9.0.1'" } },
  { name: "§2.2 requested IPs of any family, ipFamilies ignored; no generic IP added", objs: [pool("p", ["10.0.0.0/24", "2001:db8::/64"]), svc("a", { families: ["IPv4"], ann: { [IPS]: "2001:db8::5" } })], want: { a: [["2001:db8::5"]] } },
  { name: "§2.2 disabled pool is not enabled for specific requests", objs: [pool("p", ["10.0.0.0/24"], { disabled: true }), svc("a", { ann: { [IPS]: "10.0.0.1" } })], want: { a: [[], "no_pool"] } },
  // §2.3 sharing
  { name: "§2.3 same key, different ports: one shared IP", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [K]: "k" }, ports: [{ port: 80 }] }), svc("b", { ann: { [K]: "k" }, ports: [{ port: 443 }] })], want: { a: [["10.0.0.0"]], b: [["10.0.0.0"]] }, counts: { p: "256/255/1" } },
  { name: "§2.3 same port and protocol: a second IP for the key", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [K]: "k" }, ports: [{ port: 80 }] }), svc("b", { ann: { [K]: "k" }, ports: [{ port: 80 }] }), svc("c", { ann: { [K]: "k" }, ports: [{ port: 81 }] })], want: { a: [["10.0.0.0"]], b: [["10.0.0.1"]], c: [["10.0.0.0"]] } },
  { name: "§2.3/§3.12 #8 empty protocol counts as TCP", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [K]: "k" }, ports: [{ port: 80 }] }), svc("b", { ann: { [K]: "k" }, ports: [{ port: 80, protocol: "TCP" }] })], want: { a: [["10.0.0.0"]], b: [["10.0.0.1"]] } },
  { name: "§2.3 same port, different protocol: shared", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [K]: "k" }, ports: [{ port: 53, protocol: "UDP" }] }), svc("b", { ann: { [K]: "k" }, ports: [{ port: 53 }] })], want: { a: [["10.0.0.0"]], b: [["10.0.0.0"]] } },
  { name: "§2.3 different namespaces without permission: separate IPs", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ns: "x", ann: { [K]: "k" } }), svc("b", { ns: "y", ann: { [K]: "k" } })], want: { "x/a": [["10.0.0.0"]], "y/b": [["10.0.0.1"]] } },
  { name: "§2.3 cross-namespace: both must allow (trimmed list, * works)", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ns: "x", ann: { [K]: "k", [XNS]: "z, y" } }), svc("b", { ns: "y", ann: { [K]: "k", [XNS]: "*" } }), svc("c", { ns: "z", ann: { [K]: "k" }, ports: [{ port: 1 }] })], want: { "x/a": [["10.0.0.0"]], "y/b": [["10.0.0.0"]], "z/c": [["10.0.0.1"]] } },
  { name: "§2.3 different externalTrafficPolicy: separate IPs", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [K]: "k" }, etp: "Local", selector: { app: "a" } }), svc("b", { ann: { [K]: "k" } })], want: { a: [["10.0.0.0"]], b: [["10.0.0.1"]] } },
  { name: "§2.3 ETP Local needs equal pod selectors unless both permit different pods", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [K]: "k" }, etp: "Local", selector: { app: "a" } }), svc("b", { ann: { [K]: "k" }, etp: "Local", selector: { app: "b" } }), svc("c", { ann: { [K]: "k" }, etp: "Local", selector: { app: "a" }, ports: [{ port: 9 }] }), svc("d", { ann: { [K]: "j", "lbipam.cilium.io/sharing-permit-different-pods": "true" }, etp: "Local", selector: { app: "a" } }), svc("e", { ann: { [K]: "j", "lbipam.cilium.io/sharing-permit-different-pods": "true" }, etp: "Local", selector: { app: "e" } })], want: { a: [["10.0.0.0"]], b: [["10.0.0.1"]], c: [["10.0.0.0"]], d: [["10.0.0.2"]], e: [["10.0.0.2"]] } },
  { name: "§2.3 specific request with key on an incompatible service: reason quoted", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [IPS]: "10.0.0.5", [K]: "k" }, ports: [{ port: 80 }] }), svc("b", { ann: { [IPS]: "10.0.0.5", [K]: "k" }, ports: [{ port: 80 }] }), svc("c", { ann: { [IPS]: "10.0.0.5", [K]: "other" } })], messages: { b: "The IP '10.0.0.5' is already allocated to an incompatible service. Reason: same port and protocol", c: "The IP '10.0.0.5' is already allocated to an incompatible service. Reason: different sharing key" } },
  { name: "§2.3 a requested IP enters the key's set: a later generic service joins it", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [IPS]: "10.0.0.5", [K]: "k" }, ports: [{ port: 80 }] }), svc("b", { ann: { [K]: "k" }, ports: [{ port: 443 }] })], want: { a: [["10.0.0.5"]], b: [["10.0.0.5"]] } },
  { name: "§2.3 decision: a key never joins an IP from a pool that does not select the service", objs: [pool("p", ["10.0.0.0/24"], { selector: { matchLabels: { t: "a" } } }), pool("q", ["10.1.0.0/24"]), svc("a", { labels: { t: "a" }, ann: { [K]: "k" }, ports: [{ port: 1 }] }), svc("b", { ann: { [K]: "k" }, ports: [{ port: 2 }] })], want: { a: [["10.0.0.0"]], b: [["10.1.0.0"]] } },
  // §2.4 families
  { name: "§2.4 no policy, no families, both on: IPv4 only", objs: [pool("p", ["10.0.0.0/24", "2001:db8::/64"]), svc("a")], want: { a: [["10.0.0.0"]] } },
  { name: "§2.4 SingleStack first family only, even if disabled", settings: { enableIPv6: false }, objs: [pool("p", ["10.0.0.0/24", "2001:db8::/64"]), svc("a", { families: ["IPv6", "IPv4"] })], want: { a: [["2001:db8::"]] } },
  { name: "§2.4 RequireDualStack: v4 then v6, list order ignored", objs: [pool("p", ["2001:db8::/64", "10.0.0.0/24"]), svc("a", { policy: "RequireDualStack", families: ["IPv6", "IPv4"] })], want: { a: [["10.0.0.0", "2001:db8::"], "satisfied"] } },
  { name: "§2.4 RequireDualStack on an IPv4-only operator: satisfied by IPv4", settings: { enableIPv6: false }, objs: [pool("p", ["10.0.0.0/24", "2001:db8::/64"]), svc("a", { policy: "RequireDualStack" })], want: { a: [["10.0.0.0"], "satisfied"] } },
  { name: "§2.4 PreferDualStack [IPv4] on IPv6-only operator: satisfied with zero IPs, no condition", settings: { enableIPv4: false }, objs: [pool("p", ["10.0.0.0/24"]), svc("a", { policy: "PreferDualStack", families: ["IPv4"] })], want: { a: [[], "-"] } },
  { name: "§2.4/§2.5 dual-stack: IPv4 failure overwritten by the IPv6 result", objs: [pool("p", ["2001:db8::/126"], { selector: { matchLabels: { x: "y" } } }), svc("a", { policy: "PreferDualStack", labels: { x: "y" } }), svc("b", { policy: "RequireDualStack" })], want: { a: [["2001:db8::"], "no_pool"], b: [[], "no_pool"] } },
  { name: "§2.4 with --ipv4=false, a plain service gets IPv6", settings: { enableIPv4: false }, objs: [pool("p", ["10.0.0.0/24", "2001:db8::/64"]), svc("a")], want: { a: [["2001:db8::"]] } },
  // §2.6 selectors
  { name: "§2.6 synthetic labels select by namespace/name and overwrite real labels", objs: [pool("pin", ["10.7.0.1-"], { selector: { matchLabels: { "io.kubernetes.service.namespace": "tenant-one" } } }), pool("rest", ["10.0.0.0/24"]), svc("a", { ns: "tenant-two", labels: { "io.kubernetes.service.namespace": "tenant-one" } }), svc("b", { ns: "tenant-one" })], want: { "tenant-two/a": [["10.0.0.0"]], "tenant-one/b": [["10.7.0.1"]] } },
  { name: "§1.2 matchExpressions: In, NotIn, Exists, DoesNotExist, ANDed", objs: [pool("p", ["10.0.0.0/24"], { selector: { matchExpressions: [{ key: "tier", operator: "In", values: ["web", "api"] }, { key: "env", operator: "NotIn", values: ["dev"] }, { key: "team", operator: "Exists" }, { key: "legacy", operator: "DoesNotExist" }] } }), svc("ok", { labels: { tier: "web", team: "t" } }), svc("dev", { labels: { tier: "web", team: "t", env: "dev" } }), svc("noteam", { labels: { tier: "api" } }), svc("legacy", { labels: { tier: "api", team: "t", legacy: "1" } })], want: { ok: [["10.0.0.0"]], dev: [[], "no_pool"], noteam: [[], "no_pool"], legacy: [[], "no_pool"] } },
  // §3.4/§3.8 import
  { name: "§3.4/§3.8 existing valid ingress is imported; no condition written", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ingress: ["10.0.0.77"] }), svc("b")], want: { a: [["10.0.0.77"], "-"], b: [["10.0.0.0"], "satisfied"] } },
  { name: "§3.4 two-phase: a pending Service earlier in input order cannot steal an imported IP", objs: [pool("p", ["10.0.0.0/31"]), svc("new"), svc("old", { ingress: ["10.0.0.0"] })], want: { new: [["10.0.0.1"]], old: [["10.0.0.0"], "-"] } },
  { name: "§3.4 import drops IPs of a family no longer requested, then allocates", objs: [pool("p", ["10.0.0.0/24", "2001:db8::/64"]), svc("a", { families: ["IPv6"], ingress: ["10.0.0.5"] })], want: { a: [["2001:db8::"], "satisfied"] } },
  { name: "§3.4 import drops IPs not in the requested list", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [IPS]: "10.0.0.9" }, ingress: ["10.0.0.5"] })], want: { a: [["10.0.0.9"], "satisfied"] } },
  { name: "§3.8 #46262 second importer of a shared IP keeps it when compatible", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [K]: "k" }, ports: [{ port: 1 }], ingress: ["10.0.0.9"] }), svc("b", { ann: { [K]: "k" }, ports: [{ port: 2 }], ingress: ["10.0.0.9"] })], want: { a: [["10.0.0.9"], "-"], b: [["10.0.0.9"], "-"] } },
  { name: "§3.8 an imported IP held by an incompatible service is dropped and replaced", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ingress: ["10.0.0.9"] }), svc("b", { ingress: ["10.0.0.9"] })], want: { a: [["10.0.0.9"], "-"], b: [["10.0.0.0"], "satisfied"] } },
  { name: "§3.8 deviation: an IP in a disabled pool is kept by default", objs: [pool("p", ["10.0.0.0/24"], { disabled: true }), svc("a", { ingress: ["10.0.0.9"] })], want: { a: [["10.0.0.9"], "-"] } },
  { name: "§3.8 ciliumRestartQuirks: an IP in a disabled pool is dropped", settings: { ciliumRestartQuirks: true }, objs: [pool("p", ["10.0.0.0/24"], { disabled: true }), svc("a", { ingress: ["10.0.0.9"] })], want: { a: [[], "no_pool"] } },
  { name: "§1.2 toggle quirk: a Service holding a now-reserved first address keeps it", objs: [pool("p", ["10.0.0.0/24"], { allowFirstLastIPs: "No" }), svc("a", { ingress: ["10.0.0.0"] })], want: { a: [["10.0.0.0"], "-"] }, counts: { p: "256/254/2" } },
  { name: "§2.5 adjacent duplicate ingress entries are collapsed", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ingress: ["10.0.0.4", "10.0.0.4"] })], want: { a: [["10.0.0.4"], "-"] } },
  // §3.5 which address
  { name: "§3.5 after a request near the top, the next generic IP comes from the small high run", objs: [pool("p", ["10.0.0.0/24"]), svc("a", { ann: { [IPS]: "10.0.0.250" } }), svc("b"), svc("c")], want: { a: [["10.0.0.250"]], b: [["10.0.0.251"]], c: [["10.0.0.252"]] } },
  { name: "§3.5/§3.2 ranges in input order, blocks in spec order; full range skipped", objs: [pool("p1", ["10.1.0.0-10.1.0.1", "10.2.0.0/24"]), pool("p2", ["10.0.0.0/24"]), svc("a"), svc("b"), svc("c")], want: { a: [["10.1.0.0"]], b: [["10.1.0.1"]], c: [["10.2.0.0"]] } },
  { name: "§3.10 exhaustion: out_of_ips; nothing pre-empted", objs: [pool("p", ["10.0.0.0/31"]), svc("a"), svc("b"), svc("c")], want: { a: [["10.0.0.0"]], b: [["10.0.0.1"]], c: [[], "out_of_ips"] }, messages: { c: "All enabled CiliumLoadBalancerIPPools that match this service ran out of allocatable IPs" } },
  // §3.6 conflicts
  { name: "§3.6 the later creationTimestamp loses and allocates nothing", objs: [pool("new", ["10.0.0.0/24"], { created: "2026-02-01T00:00:00Z" }), pool("old", ["10.0.0.128/25", "10.3.0.0/24"], { created: "2026-01-01T00:00:00Z" }), svc("a")], want: { a: [["10.0.0.128"]] }, conflicts: { new: "Pool conflicts since range '10.0.0.0 - 10.0.0.255' overlaps range '10.0.0.128 - 10.0.0.255' from IP Pool 'old'", old: undefined } },
  { name: "§3.6 equal timestamps: the later one in input order loses, all its ranges disabled", objs: [pool("a", ["10.0.0.0/24"]), pool("b", ["10.1.0.0/24", "10.0.0.255-"]), svc("s", { ann: { [IPS]: "10.1.0.1" } })], want: { s: [[], "no_pool"] }, conflicts: { a: undefined, b: "Pool conflicts since range '10.0.0.255 - 10.0.0.255' overlaps range '10.0.0.0 - 10.0.0.255' from IP Pool 'a'" } },
  { name: "§3.6 internal overlap names the pool itself", objs: [pool("a", ["10.0.0.0/24", "10.0.0.5-10.0.0.9"])], conflicts: { a: "Pool conflicts since range '10.0.0.0 - 10.0.0.255' overlaps range '10.0.0.5 - 10.0.0.9' from IP Pool 'a'" } },
  { name: "§3.6 overlap regardless of selectors and disabled", objs: [pool("a", ["10.0.0.0/24"], { disabled: true, selector: { matchLabels: { a: "1" } } }), pool("b", ["10.0.0.0/28"], { selector: { matchLabels: { b: "1" } } })], conflicts: { a: undefined, b: "Pool conflicts since range '10.0.0.0 - 10.0.0.15' overlaps range '10.0.0.0 - 10.0.0.255' from IP Pool 'a'" } },
  { name: "§3.6 conflicting and disabled pools still report counts", objs: [pool("a", ["10.0.0.0/24"]), pool("b", ["10.0.0.0/28"]), pool("c", ["10.9.0.0/30"], { disabled: true })], counts: { b: "16/16/0", c: "4/4/0" } },
];

for (const c of cases) {
  test(c.name, () => {
    const r = run(c.objs, c.settings);
    for (const [key, [ips, reason]] of Object.entries(c.want ?? {})) {
      const [ns, name] = key.includes("/") ? key.split("/") as [string, string] : ["default", key];
      const got = r.svc(name, ns);
      assert.deepEqual(got.ips, ips, `${key} ips`);
      if (reason === "-") assert.equal(got.reason === undefined || !got.written, true, `${key}: no condition expected, got ${got.reason}`);
      else if (reason !== undefined) assert.equal(got.reason, reason, `${key} reason (${got.message})`);
    }
    for (const [name, msg] of Object.entries(c.messages ?? {})) assert.equal(r.svc(name).message, msg, name);
    for (const [name, want] of Object.entries(c.counts ?? {})) assert.equal(r.counts(name), want, `${name} total/available/used`);
    for (const [name, want] of Object.entries(c.conflicts ?? {})) assert.equal(r.conflict(name), want, `${name} conflict`);
  });
}
