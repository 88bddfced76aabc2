// Decoding pools and Services (spec §1.2, §1.4, §2.2, §2.3): field paths and messages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodePool, decodeService, formatPath, type Raw } from "../../../src/core/ipam/index.ts";
import { formatIp } from "../../../src/core/ip.ts";

const pool = (spec: unknown, meta: Raw = { name: "p" }, apiVersion = "cilium.io/v2"): Raw => ({ apiVersion, kind: "CiliumLoadBalancerIPPool", metadata: meta, spec } as Raw);

test("§1.4 invalid pools: every error names the field path", () => {
  const cases: [string, Raw, string, RegExp][] = [
    ["no name", pool({ blocks: [{ cidr: "10.0.0.0/24" }] }, {}), "metadata.name", /non-empty string/],
    ["bad version", pool({ blocks: [{ cidr: "10.0.0.0/24" }] }, { name: "p" }, "cilium.io/v3"), "apiVersion", /unsupported version "cilium\.io\/v3"/],
    ["no spec", pool(undefined), "spec", /must be an object/],
    ["blocks not a list", pool({ blocks: "10.0.0.0/24" }), "spec.blocks", /must be a list/],
    ["block neither", pool({ blocks: [{ stop: "10.0.0.1" }] }), "spec.blocks[0]", /neither cidr nor start/],
    ["bad stop", pool({ blocks: [{ start: "10.0.0.1", stop: "x" }] }), "spec.blocks[0].stop", /stop "x" is not an IP address/],
    ["legacy cidrs bad", pool({ cidrs: [{ cidr: "10.0.0.0/40" }] }), "spec.cidrs[0].cidr", /exceeds 32/],
    ["disabled not bool", pool({ blocks: [{ cidr: "10.0.0.0/24" }], disabled: "yes" }), "spec.disabled", /true or false/],
    ["In without values", pool({ blocks: [{ cidr: "10.0.0.0/24" }], serviceSelector: { matchExpressions: [{ key: "a", operator: "In" }] } }), "spec.serviceSelector.matchExpressions[0].values", /needs at least one value/],
    ["Exists with values", pool({ blocks: [{ cidr: "10.0.0.0/24" }], serviceSelector: { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] } }), "spec.serviceSelector.matchExpressions[0].values", /takes no values/],
    ["matchLabels value", pool({ blocks: [{ cidr: "10.0.0.0/24" }], serviceSelector: { matchLabels: { a: 1 } } }), "spec.serviceSelector.matchLabels.a", /must be a string/],
  ];
  for (const [name, obj, path, re] of cases) {
    const d = decodePool(obj, 0);
    assert.ok(!d.ok, name);
    const e = d.errors.find((x) => formatPath(x.path) === path);
    assert.ok(e, `${name}: got ${d.errors.map((x) => formatPath(x.path) + ": " + x.message).join("; ")}`);
    assert.match(e.message, re, name);
  }
});

test("§1.2 valid pools: cidr wins over start/stop, v2alpha1 accepted, only \"No\" reserves", () => {
  const d = decodePool(pool({ blocks: [{ cidr: "10.0.0.9/30", start: "1.1.1.1" }, { start: "10.1.0.1" }], allowFirstLastIPs: "Yes" }, { name: "p", generation: 3, creationTimestamp: "2026-01-02T00:00:00Z" }, "cilium.io/v2alpha1"), 7);
  assert.ok(d.ok);
  assert.deepEqual(d.pool.blocks.map((b) => [formatIp(b.range.from), formatIp(b.range.to), b.isCidr]), [["10.0.0.8", "10.0.0.11", true], ["10.1.0.1", "10.1.0.1", false]]);
  assert.equal(d.pool.reserveFirstLast, false);
  assert.equal(d.pool.generation, 3);
  assert.equal(d.pool.order, 7);
  assert.equal(d.pool.created, Date.parse("2026-01-02T00:00:00Z"));
  const no = decodePool(pool({ blocks: [{ cidr: "10.0.0.0/24" }], allowFirstLastIPs: "No" }), 0);
  assert.ok(no.ok && no.pool.reserveFirstLast);
});

test("§2.2/§2.3 Service decoding: annotation precedence, defaults, trimming", () => {
  const d = decodeService({
    apiVersion: "v1", kind: "Service",
    metadata: {
      name: "s", labels: { "io.kubernetes.service.name": "fake", app: "x" },
      annotations: {
        "lbipam.cilium.io/ips": "10.0.0.1, 10.0.0.1,bogus,10.0.0.2,10.0.0.1",
        "lbipam.cilium.io/sharing-key": "k", "io.cilium/lb-ipam-sharing-key": "old",
        "io.cilium/lb-ipam-sharing-cross-namespace": "a, b ,",
        "lbipam.cilium.io/sharing-permit-different-pods": "True",
      },
    },
    spec: { type: "LoadBalancer", loadBalancerIP: "10.0.0.9", ports: [{ port: 80 }, { port: 53, protocol: "UDP" }], externalTrafficPolicy: "Local", selector: { app: "x" } },
  }, 0);
  const s = d.svc!;
  assert.equal(s.namespace, "default");
  assert.equal(s.labels.get("io.kubernetes.service.name"), "s", "synthetic label wins");
  assert.deepEqual(s.requested.map(formatIp), ["10.0.0.9", "10.0.0.1", "10.0.0.2", "10.0.0.1"], "only adjacent duplicates removed");
  assert.equal(d.warnings.length, 1);
  assert.equal(formatPath(d.warnings[0]!.path), 'metadata.annotations["lbipam.cilium.io/ips"]');
  assert.equal(s.sharingKey, "k");
  assert.deepEqual(s.crossNamespace, ["a", "b"]);
  assert.equal(s.permitDifferentPods, true);
  assert.deepEqual(s.ports, [{ port: 80, protocol: "TCP" }, { port: 53, protocol: "UDP" }]);
  assert.equal(s.etp, "Local");
  assert.equal(s.podSelector.get("app"), "x");
  const plain = decodeService({ apiVersion: "v1", kind: "Service", metadata: { name: "t", namespace: "n" }, spec: {} }, 1).svc!;
  assert.equal(plain.type, "ClusterIP");
  assert.equal(plain.etp, "Cluster");
  assert.equal(plain.sharingKey, "");
  assert.equal(decodeService({ metadata: {} } as Raw, 0).errors.length, 1);
});
