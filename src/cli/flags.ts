// Flag plumbing every command shares: repeatable options, reading commander's loose option bag,
// the -n/-A rule, namespace names and the one duration grammar. Each rule is written once here so
// commands cannot drift apart in what they accept or how they word a refusal.
import { UsageError } from "../errors.ts";
import type { ConnectOptions } from "../adapters/kube/connect.ts";

/** Commander's argParser for a repeatable option: `--vip a --vip b` → ["a", "b"]. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A string option from commander's option bag, or undefined when absent (or not a string). */
export function str(opts: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = opts[key];
  return typeof v === "string" ? v : undefined;
}

/** The refusal of a flag given with an empty value, worded once. */
export function emptyValue(flag: string): UsageError {
  return new UsageError(`${flag}: empty (an unset variable?); give a value or leave the flag out`);
}

/**
 * A string option that, when given, must not be empty: `--lb-class "$CLASS"` with the variable
 * unset would otherwise silently mean "no class" (and a controller for every Service).
 */
export function nonEmpty(opts: Readonly<Record<string, unknown>>, key: string, flag: string): string | undefined {
  const v = str(opts, key);
  if (v === "") throw emptyValue(flag);
  return v;
}

/**
 * The items of a repeatable, comma-separable flag (`--type a,b --type c`), or undefined when it
 * was not given. Given with nothing in it (`--type ""`) it is refused: as a filter, an empty
 * list would silently select nothing.
 */
export function listItems(flag: string, values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const items = values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
  if (items.length === 0) throw emptyValue(flag);
  return items;
}

/** Commander's argParser for a path option: given, it must not be empty (`--bpffs "$ROOT"` unset). */
export const nonEmptyPath = (flag: string) => (v: string): string => {
  if (v === "") throw emptyValue(flag);
  return v;
};

/** A boolean switch from commander's option bag: true only when given. */
export function bool(opts: Readonly<Record<string, unknown>>, key: string): boolean {
  return opts[key] === true;
}

/**
 * kubectl's rules for -n/-A, applied to commander's option bag before anything reads it: `-n ""`
 * means "not given" (the context's namespace; with -f, all), never "the namespace ''" (it used to
 * filter everything out); a namespace and "all namespaces" together make no sense.
 */
export function checkNamespaceFlags(opts: Record<string, unknown>): void {
  if (opts["namespace"] === "") delete opts["namespace"];
  if (opts["namespace"] !== undefined && opts["allNamespaces"] === true) throw new UsageError("-n/--namespace and -A/--all-namespaces cannot be used together");
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A namespace name as the API server accepts it: an RFC 1123 DNS label, at most 63 characters. */
export function namespaceName(flag: string, text: string): string {
  if (!DNS_LABEL.test(text) || text.length > 63) throw new UsageError(`${flag}: "${text}" is not a valid namespace name`);
  return text;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A Node name as the API server accepts it: an RFC 1123 DNS subdomain, at most 253 characters.
 * An empty value is refused too: `--node-name "$NODE_NAME"` with the variable unset must not
 * quietly become another identity.
 */
export function nodeName(flag: string, text: string): string {
  if (text === "") throw emptyValue(flag);
  if (!DNS_SUBDOMAIN.test(text) || text.length > 253) throw new UsageError(`${flag}: ${JSON.stringify(text.slice(0, 80))} is not a valid Node name (lower-case RFC 1123 subdomain, at most 253 characters)`);
  return text;
}

/** Commander's argParser for -n/--namespace: a namespace name, checked (empty: see checkNamespaceFlags). */
export function namespaceOption(v: string): string {
  return v === "" ? v : namespaceName("-n/--namespace", v);
}

/** Node's timers hold at most 2^31-1 ms; a longer delay silently fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const NUMBER = String.raw`(?:\d+(?:\.\d*)?|\.\d+)`;
const BARE = new RegExp(`^${NUMBER}$`);
const WITH_UNITS = new RegExp(`^(?:${NUMBER}(?:ms|s|m|h))+$`);
const PART = new RegExp(`(${NUMBER})(ms|s|m|h)`, "g");

/**
 * The one duration grammar, Go's time.ParseDuration as kubectl takes it: `500ms`, `2s`, `1.5s`,
 * `1m30s`, `1h`; a bare number is seconds (every duration flag of lbctl documents seconds as its
 * unit). Returns whole milliseconds. Refuses signs, garbage and anything Node cannot wait for.
 */
export function parseDuration(flag: string, text: string): number {
  const t = text.trim();
  let ms: number;
  if (BARE.test(t)) ms = Number(t) * 1000;
  else if (WITH_UNITS.test(t)) {
    ms = 0;
    for (const [, n, unit] of t.matchAll(PART)) ms += Number(n) * UNIT_MS[unit!]!;
  } else throw new UsageError(`${flag}: "${text}" is not a duration (e.g. 500ms, 2s, 1m30s, 1h)`);
  ms = Math.round(ms);
  if (!(ms <= MAX_TIMER_MS)) throw new UsageError(`${flag}: "${text}" is longer than Node's timer limit (${MAX_TIMER_MS}ms, about 24.8 days)`);
  return ms;
}

/** The root flags commander collected (`cmd.optsWithGlobals()`) → how to reach the cluster. */
export function kubeFlags(flags: Readonly<Record<string, unknown>>, env: ConnectOptions["env"]): ConnectOptions {
  const timeout = str(flags, "requestTimeout");
  return {
    kubeconfig: str(flags, "kubeconfig"),
    context: str(flags, "context"),
    requestTimeoutMs: timeout === undefined ? undefined : parseDuration("--request-timeout", timeout),
    env,
  };
}
