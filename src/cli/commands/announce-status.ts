// `lbctl announce status`. Placeholder until the Kubernetes adapter is merged.
import type { CliContext } from "../context.ts";
import { LbctlError } from "../errors.ts";

export async function runAnnounceStatus(_ctx: CliContext, _opts: Record<string, unknown>): Promise<number> {
  throw new LbctlError("announce status needs the Kubernetes adapter, which is not built into this lbctl");
}
