// `lbctl announce status`: the announced address groups as the cluster sees them — Services per
// address (same planning as the announcer, without a node), the Lease holder, its renew age and
// the interfaces/MACs the holder published on the Lease.
import type { CliContext } from "../../context.ts";
import { parseOutputFormat, render } from "../../output.ts";
import { kubeFlags, namespaceName } from "../../flags.ts";

export async function runAnnounceStatus(ctx: CliContext, opts: Record<string, unknown>): Promise<number> {
  const format = parseOutputFormat(typeof opts["output"] === "string" ? opts["output"] : "table");
  const ns = namespaceName("--lease-namespace", typeof opts["leaseNamespace"] === "string" ? opts["leaseNamespace"] : "kube-system");
  const { connectKube } = await import("../../../adapters/kube/connect.ts");
  const { RESOURCES } = await import("../../../adapters/kube/types.ts");
  const { isNotFound } = await import("../../../adapters/kube/errors.ts");
  const { planGroups } = await import("../../../core/announce/policy.ts");
  const { toPolicy, toL2Service } = await import("../../../core/announce/objects.ts");
  const { groupStatuses, hasMembers, memberStatuses } = await import("../../../core/announce/status-rows.ts");
  const { localEndpointServices } = await import("../../../core/announce/objects.ts");
  const { announceStatusView } = await import("../../views/announce-status.ts");
  const kube = connectKube(kubeFlags(opts, ctx.env));
  try {
    const [services, policies, leases] = await Promise.all([
      kube.list(RESOURCES.services),
      kube.list(RESOURCES.l2Policies).catch((err: unknown) => {
        if (isNotFound(err)) return { items: [], resourceVersion: "" };
        throw err;
      }),
      kube.list(RESOURCES.leases, { namespace: ns }),
    ]);
    const { groups, problems } = planGroups({ services: services.items.map((s) => toL2Service(s)), policies: policies.items.map((p) => toPolicy(p)) });
    for (const p of problems) ctx.stderr.write(`warning: policy ${p.policy}: ${p.type}: ${p.message}\n`);
    const now = ctx.now();
    let rows;
    if (hasMembers(leases.items, now)) {
      // Membership election: the owner each announcer computes (eTP=Local needs the endpoints).
      const svcs = services.items.map((s) => toL2Service(s));
      const local = new Set(svcs.filter((s) => s.externalTrafficPolicy === "Local").map((s) => `${s.namespace}/${s.name}`));
      const slices = local.size === 0 ? [] : (await kube.list(RESOURCES.endpointSlices)).items;
      const byNode = new Map<string, Set<string>>();
      rows = memberStatuses(groups, leases.items, local, (svc, node) => {
        let set = byNode.get(node);
        if (set === undefined) byNode.set(node, (set = localEndpointServices(slices, node)));
        return set.has(svc);
      }, now);
    } else rows = groupStatuses(groups, leases.items, now);
    await render(ctx, announceStatusView(rows), format);
    return 0;
  } finally {
    kube.close();
  }
}
