// `lbctl service list`: read Services/EndpointSlices (live or -f) → core service map → view.
import type { CliContext } from "../../context.ts";
import { render, warn, notice, parseOutputFormat, type Paint, type View } from "../../output.ts";
import { LbctlError, UsageError } from "../../errors.ts";
import { checkNamespaceFlags, kubeFlags, listItems } from "../../flags.ts";
import { buildServiceMap, filterEntries } from "../../../core/service/map.ts";
import { FRONTEND_TYPES, type FrontendType } from "../../../core/service/frontends.ts";
import { parseFrontendQuery } from "../../../core/service/addr.ts";
import { labelMatcher, LabelQueryError, parseLabelQuery, type LabelMatcher } from "../../../core/label-query.ts";
import { TABLE_HEADERS, WIDE_HEADERS, tableRows, wideRows, toRestModel, type StateStyle } from "../../../core/service/render.ts";
import type { ServiceInputs } from "../../../adapters/service/inputs.ts";
import { parseOverrides, resolveAndReport, configView } from "./agent-config.ts";

interface Flags {
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  type?: string[];
  frontend?: string;
  node?: string;
  nodeIps?: boolean;
  filename?: string[];
  output?: string;
  config?: string[];
  showConfig?: boolean;
}

function parseTypes(values: readonly string[] | undefined): FrontendType[] | undefined {
  return listItems("--type", values)?.map((v) => {
    const t = FRONTEND_TYPES.find((x) => x.toLowerCase() === v.toLowerCase());
    if (!t) throw new UsageError(`--type: unknown frontend type "${v}" (expected ${FRONTEND_TYPES.join(", ")})`);
    return t;
  });
}

/** Terminal colours for backend states: usable green, fallback yellow, unused red/grey. */
function stateStyle(paint: Paint): StateStyle {
  return (s) => (s === "active" ? paint.ok(s) : s === "terminating" ? paint.warn(s) : s === "terminating-not-serving" ? paint.bad(s) : paint.dim(s));
}

/** Services/EndpointSlices (and Nodes when asked) from -f files or the cluster, per -n/-A/-l. */
export async function readServiceInputs(ctx: CliContext, raw: Record<string, unknown>, matcher: LabelMatcher | undefined, nodes: boolean): Promise<ServiceInputs> {
  const f = raw as Flags;
  let inputs: ServiceInputs;
  if (f.filename && f.filename.length > 0) {
    const { inputsFromFiles } = await import("../../../adapters/service/inputs.ts");
    const sel = { namespace: f.allNamespaces ? undefined : f.namespace, labelSelector: f.selector, nodes: true };
    const r = await inputsFromFiles(f.filename, sel, matcher, { cwd: ctx.cwd, stdin: ctx.stdin });
    if (r.loaded === 0 && r.warnings.length > 0) throw new LbctlError(r.warnings[0]!);
    inputs = r;
  } else {
    const [{ connectKube }, { inputsFromCluster }] = await Promise.all([import("../../../adapters/kube/connect.ts"), import("../../../adapters/service/inputs.ts")]);
    const kube = connectKube(kubeFlags(raw, ctx.env));
    try {
      const namespace = f.allNamespaces ? undefined : (f.namespace ?? kube.namespace);
      inputs = await inputsFromCluster(kube, { namespace, labelSelector: f.selector, nodes, node: f.node, agentConfig: true });
    } finally {
      kube.close();
    }
  }
  return inputs;
}

export async function serviceList(ctx: CliContext, raw: Record<string, unknown>): Promise<number> {
  const f = raw as Flags;
  const format = parseOutputFormat(f.output ?? "table");
  if (raw["datapath"] === true) return datapathList(ctx, raw, format);
  const types = parseTypes(f.type);
  const frontend = f.frontend === undefined ? undefined : parseFrontendQuery(f.frontend);
  if (f.frontend !== undefined && !frontend) throw new UsageError(`--frontend: "${f.frontend}" is not IP or IP:PORT (IPv6 with a port: [2001:db8::1]:80)`);
  checkNamespaceFlags(raw);
  const overrides = parseOverrides(f.config);
  let matcher;
  try {
    // Evaluated locally for -f input, by the grammar the API server applies to live lists.
    matcher = f.selector ? labelMatcher(parseLabelQuery(f.selector)) : undefined;
  } catch (err) {
    if (err instanceof LabelQueryError) throw new UsageError(`-l: ${err.message}`);
    throw err;
  }

  const inputs = await readServiceInputs(ctx, raw, matcher, f.nodeIps === true);

  if (f.nodeIps && inputs.nodes.length === 0) warn(ctx, "--node-ips: no Node objects found; NodePort frontends show only the wildcard address");
  if (f.node !== undefined && inputs.nodes.length > 0 && !inputs.nodes.some((n) => n.name === f.node)) {
    warn(ctx, `--node: no Node named "${f.node}" among ${inputs.nodes.length} nodes read; Local policies will select no backends`);
  }
  const config = resolveAndReport(ctx, inputs.agentConfig, overrides);
  if (f.showConfig) {
    await render(ctx, configView(config), format);
    return 0;
  }
  const map = buildServiceMap(inputs.services, inputs.slices, {
    node: f.node,
    nodeIps: f.nodeIps ? inputs.nodes : undefined,
    warnOrphanSlices: !f.selector,
    agent: config.settings,
    nodeInfo: f.node === undefined ? undefined : inputs.nodes.find((n) => n.name === f.node),
    pods: inputs.pods,
  });
  for (const w of [...inputs.warnings, ...map.warnings]) warn(ctx, w);
  const entries = filterEntries(map.entries, { types, frontend });

  const view: View = {
    table: (paint) => ({ headers: TABLE_HEADERS, rows: tableRows(entries, stateStyle(paint)) }),
    wide: (paint) => ({ headers: WIDE_HEADERS, rows: wideRows(entries, stateStyle(paint)) }),
    data: () => toRestModel(entries, { healthCheckNodePort: config.settings.healthCheckNodePort }),
  };
  await render(ctx, view, format);
  if (frontend && entries.length === 0) {
    notice(ctx, `no Service has a frontend ${f.frontend}`);
    return 1;
  }
  // As pool: what could be read is shown, but a partial answer is not a success (warnings above).
  return (inputs.unreadable ?? 0) > 0 ? 1 : 0;
}

/** `--datapath`: the same table from this node's LB maps (read-only) instead of from Kubernetes. */
async function datapathList(ctx: CliContext, raw: Record<string, unknown>, format: ReturnType<typeof parseOutputFormat>): Promise<number> {
  const [{ readLbMaps }, { decodeLbMaps }, { datapathFrontends, datapathTableRows }] = await Promise.all([
    import("../../../adapters/bpf/lb.ts"),
    import("../../../core/bpf/snapshot.ts"),
    import("../../../core/bpf/service-rows.ts"),
  ]);
  const fes = datapathFrontends(decodeLbMaps(readLbMaps(typeof raw["bpffs"] === "string" ? raw["bpffs"] : "/sys/fs/bpf", { env: ctx.env })));
  const view: View = { table: () => ({ headers: TABLE_HEADERS, rows: datapathTableRows(fes) }), data: () => fes };
  await render(ctx, view, format);
  return 0;
}
