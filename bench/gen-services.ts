// Generates the end-to-end workload of issue 2: N LoadBalancer Services over 20 pools — IPv4 /16
// and start–stop ranges, IPv6 /64 and /48 — with selectors, 10% sharing keys, 10% requested IPs.
//   node dist/bench/gen-services.js 100000 json > /tmp/svcs.json
export type Obj = Record<string, unknown>;

export interface GenOptions {
  /** Pool block shape: the default mix, or every pool one /24-sized or /64 block (for the curve). */
  shape?: "mix" | "v4-24" | "v6-64";
}

const TIERS = 5;

function pool(i: number, shape: GenOptions["shape"]): Obj {
  let blocks: Obj[];
  if (shape === "v4-24") blocks = [{ cidr: `10.${i}.0.0/24` }];
  else if (shape === "v6-64") blocks = [{ cidr: `2001:db8:${i.toString(16)}::/64` }];
  else if (i < 8) blocks = [{ cidr: `10.${i}.0.0/16` }];
  else if (i < 12) blocks = [{ start: `172.16.${(i - 8) * 16}.0`, stop: `172.16.${(i - 8) * 16 + 15}.255` }];
  else if (i < 18) blocks = [{ cidr: `2001:db8:${i.toString(16)}::/64` }];
  else blocks = [{ cidr: `2001:db9:${i.toString(16)}::/48` }];
  // Pool i serves tier i % 5; every fifth pool also takes one namespace band by expression.
  const selector: Obj =
    i % 5 === 4
      ? { matchExpressions: [{ key: "tier", operator: "In", values: [`t${i % TIERS}`, "t-extra"] }] }
      : { matchLabels: { tier: `t${i % TIERS}` } };
  return { apiVersion: "cilium.io/v2", kind: "CiliumLoadBalancerIPPool", metadata: { name: `pool-${i}` }, spec: { blocks, serviceSelector: selector } };
}

function service(n: number, shape: GenOptions["shape"]): Obj {
  const tier = n % TIERS;
  const ns = `ns-${n % 100}`;
  const annotations: Obj = {};
  const spec: Obj = { type: "LoadBalancer", selector: { app: `app-${n}` }, ports: [{ name: "p", port: 1000 + (n % 7), protocol: "TCP" }] };
  const r = n % 10;
  if (r === 3) annotations["lbipam.cilium.io/sharing-key"] = `share-${ns}-${Math.floor(n / 700) % 50}`; // 10% sharing keys
  if (r === 7) {
    // 10% requested IPs, away from where generic allocation runs so they do not collide:
    // tier 2 → pool 17 (IPv6 /64), above the low 2^32 addresses generic allocation uses.
    const k = Math.floor(n / 10);
    if (shape === "mix" || shape === undefined) annotations["lbipam.cilium.io/ips"] = `2001:db8:11:0:0:1:${(k >> 16).toString(16)}:${(k & 0xffff).toString(16)}`;
    else if (shape === "v4-24") annotations["lbipam.cilium.io/ips"] = `10.${tier}.0.${200 + (k % 56)}`;
    else annotations["lbipam.cilium.io/ips"] = `2001:db8:${tier.toString(16)}::1:0:${k.toString(16)}`;
  }
  const f = n % 20;
  if (shape === "v6-64" || (shape !== "v4-24" && f < 4)) spec["ipFamilies"] = ["IPv6"];
  else if (shape !== "v4-24" && f === 4) spec["ipFamilyPolicy"] = "RequireDualStack";
  return { apiVersion: "v1", kind: "Service", metadata: { name: `svc-${n}`, namespace: ns, labels: { tier: `t${tier}` }, annotations }, spec };
}

export function generate(services: number, opts: GenOptions = {}): Obj {
  const items: Obj[] = [];
  for (let i = 0; i < 20; i++) items.push(pool(i, opts.shape));
  for (let n = 0; n < services; n++) items.push(service(n, opts.shape));
  return { apiVersion: "v1", kind: "List", items };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const n = Number(process.argv[2] ?? 100000);
  const fmt = process.argv[3] ?? "json";
  const shape = (process.argv[4] ?? "mix") as GenOptions["shape"];
  const list = generate(n, { shape });
  if (fmt === "yaml") {
    const { stringify } = await import("yaml");
    process.stdout.write(stringify(list, { lineWidth: 0 }));
  } else process.stdout.write(JSON.stringify(list));
}
