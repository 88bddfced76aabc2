// Issue 14: LB-IPAM offline on Services whose status LB-IPAM once wrote (spec §2.1 "Dormancy"
// and "When responsibility ends"). The evidence that LB-IPAM handled a Service is its own
// cilium.io/IPAMRequestSatisfied condition in the status.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Raw } from "../../../src/core/ipam/index.ts";
import { pool, run, svc, type SvcOpts } from "../../helpers/lbipam.ts";

const COND = "cilium.io/IPAMRequestSatisfied";

/** A Service as LB-IPAM left it: ingress plus its condition (and a foreign condition that must stay). */
function written(name: string, o: SvcOpts, ips: string[], reason = "satisfied"): Raw {
  const obj = svc(name, { ...o, ingress: ips });
  const st = obj["status"] as Raw;
  st["conditions"] = [
    { type: COND, status: reason === "satisfied" ? "True" : "False", reason, message: "", lastTransitionTime: "2026-01-01T00:00:00Z" },
    { type: "example.com/Other", status: "True", reason: "x", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" },
  ];
  return obj;
}

function statusOf(r: ReturnType<typeof run>, name: string): Raw | undefined {
  const s = r.plan.result.services.find((x) => x.spec.name === name)!;
  return r.plan.serviceObjects.get(s)!["status"] as Raw | undefined;
}

const types = (st: Raw | undefined): string[] => ((st?.["conditions"] as Raw[] | undefined) ?? []).map((c) => String(c["type"]));
const ingressOf = (st: Raw | undefined): unknown => (st?.["loadBalancer"] as Raw | undefined)?.["ingress"];

interface Case {
  name: string;
  objs: Raw[];
  lbClasses?: string[];
  releaseForeignClasses?: boolean;
  /** service → expected: "released" (no ingress, no LB-IPAM condition), "untouched", or [ips, reason]. */
  want: Record<string, "released" | "untouched" | [string[], string]>;
}

const P = pool("p", ["192.0.2.0/28"]);
const cases: Case[] = [
  { name: "type changed to ClusterIP: ingress cleared, condition removed", objs: [P, written("a", { type: "ClusterIP" }, ["192.0.2.0"])], want: { a: "released" } },
  { name: "type NodePort with a pending condition: condition removed", objs: [P, written("a", { type: "NodePort" }, [], "out_of_ips")], want: { a: "released" } },
  { name: "class moved to a foreign one: released", objs: [P, written("a", { cls: "net.example/x" }, ["192.0.2.0"])], want: { a: "released" } },
  { name: "foreign class without LB-IPAM's condition: never touched", objs: [P, svc("a", { cls: "net.example/x", ingress: ["192.0.2.9"] })], want: { a: "untouched" } },
  { name: "ClusterIP that LB-IPAM never handled: never touched", objs: [P, svc("a", { type: "ClusterIP", ingress: ["192.0.2.9"] })], want: { a: "untouched" } },
  { name: "released IP is free again for the next Service", objs: [P, written("a", { type: "ClusterIP" }, ["192.0.2.0"]), svc("b")], want: { a: "released", b: [["192.0.2.0"], "satisfied"] } },
  {
    name: "--lb-class mode: a Cilium-class Service with the condition is someone else's, not released",
    objs: [P, written("a", {}, ["192.0.2.0"]), written("b", { cls: "io.cilium/l2-announcer" }, ["192.0.2.1"]), written("c", { type: "ClusterIP" }, ["192.0.2.2"])],
    lbClasses: ["lbctl.io/x"],
    releaseForeignClasses: false,
    want: { a: "untouched", b: "untouched", c: "released" },
  },
  { name: "last pool deleted: Service holding an IP stripped with no_pool", objs: [written("a", {}, ["192.0.2.0"])], want: { a: [[], "no_pool"] } },
  { name: "last pool deleted: pending Service gets no_pool too", objs: [written("a", {}, [], "out_of_ips")], want: { a: [[], "no_pool"] } },
  { name: "last pool deleted: specific request reports no_pool for its IP", objs: [written("a", { ann: { "lbipam.cilium.io/ips": "192.0.2.5" } }, ["192.0.2.5"])], want: { a: [[], "no_pool"] } },
  { name: "dormant (no pool ever): a Service without LB-IPAM's condition is not touched", objs: [svc("a", { ingress: ["192.0.2.7"] })], want: { a: "untouched" } },
  { name: "dormant: a type-changed Service with the condition is still released", objs: [written("a", { type: "ClusterIP" }, ["192.0.2.0"])], want: { a: "released" } },
];

for (const c of cases) {
  test(`issue 14: ${c.name}`, () => {
    const settings = { ...(c.lbClasses ? { lbClasses: c.lbClasses, defaultLbServiceIpam: "none" as const } : {}), ...(c.releaseForeignClasses === false ? { releaseForeignClasses: false } : {}) };
    const r = run(c.objs, settings);
    for (const [name, want] of Object.entries(c.want)) {
      const st = statusOf(r, name);
      const out = r.svc(name);
      if (want === "untouched") {
        assert.equal(out.written, false, `${name} must not be written`);
      } else if (want === "released") {
        assert.equal(out.written, true, `${name} must be written`);
        assert.equal(ingressOf(st), undefined, `${name}: ingress cleared`);
        assert.ok(!types(st).includes(COND), `${name}: LB-IPAM condition removed`);
        const before = (c.objs.find((o) => (o["metadata"] as Raw)["name"] === name)!["status"] as Raw)["conditions"];
        if (before) assert.ok(types(st).includes("example.com/Other"), `${name}: other conditions kept`);
      } else {
        assert.deepEqual(out.ips, want[0], `${name} ips`);
        assert.equal(out.reason, want[1], `${name} reason`);
        assert.equal(out.written, true);
      }
    }
    // A fixed point: running again on the output writes nothing.
    const again = run(r.plan.items, settings);
    for (const name of Object.keys(c.want)) assert.equal(again.svc(name).written, false, `${name}: second run must not write`);
  });
}
