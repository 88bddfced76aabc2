// The agent settings of `service list` (and, through the same helpers, `service diff` and
// `l2 status`): `--config key=value` overrides, the cilium-config they override, warnings, and
// the `--show-config` view. The decoding itself is core (src/core/service/agent-config.ts).
import type { CliContext } from "../../context.ts";
import { warn, type View } from "../../output.ts";
import { UsageError } from "../../errors.ts";
import { listItems } from "../../flags.ts";
import { configRows, parseOverride, resolveAgentConfig, type ResolvedConfig } from "../../../core/service/agent-config.ts";

/** `--config key=value` (repeatable, comma-separable) → overrides; a bad pair is a usage error naming it. */
export function parseOverrides(values: readonly string[] | undefined): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const text of listItems("--config", values) ?? []) {
    const r = parseOverride(text);
    if ("error" in r) throw new UsageError(r.error);
    out.set(r.key, r.value);
  }
  return out;
}

/** Resolves the settings and prints the one-line warnings for malformed cilium-config values. */
export function resolveAndReport(ctx: CliContext, found: { data: Record<string, unknown>; origin: string } | undefined, overrides: ReadonlyMap<string, boolean>): ResolvedConfig {
  const c = resolveAgentConfig(found?.data, overrides, found?.origin);
  for (const w of c.warnings) warn(ctx, w);
  return c;
}

export function configView(c: ResolvedConfig): View {
  return {
    table: () => ({ headers: ["Setting", "Value", "Source"], rows: configRows(c) }),
    data: () => ({
      origin: c.origin ?? null,
      settings: c.info.map((i) => ({ key: i.key, value: i.value, source: i.source, ...(i.raw !== undefined ? { raw: i.raw } : {}) })),
    }),
  };
}
