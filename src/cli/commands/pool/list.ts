// `lbctl pool list`: like `kubectl get lbippool`, with counts after allocation.
import type { CliContext } from "../../context.ts";
import { render } from "../../output.ts";
import { listView } from "../../views/pool.ts";
import { loadPlan, parsePoolOptions } from "./load.ts";

export async function poolList(ctx: CliContext, opts: Record<string, unknown>): Promise<number> {
  const o = parsePoolOptions(opts, ["table", "json", "yaml"]) // no wide view: -o wide is refused, as help says;
  const { plan, errors } = await loadPlan(ctx, o);
  await render(ctx, listView(plan), o.format);
  return errors > 0 ? 1 : 0;
}
