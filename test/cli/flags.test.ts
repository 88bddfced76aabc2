import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { checkNamespaceFlags, collect, kubeFlags, MAX_TIMER_MS, namespaceName, parseDuration } from "../../src/cli/flags.ts";
import { UsageError } from "../../src/errors.ts";

test("parseDuration: Go/kubectl grammar, a bare number is seconds (table)", () => {
  const good: [string, number][] = [
    ["0", 0], ["3", 3000], ["0.2", 200], [".5", 500], ["1.", 1000], ["500ms", 500], ["2s", 2000], ["1.5s", 1500],
    ["2m", 120_000], ["1m30s", 90_000], ["1h", 3_600_000], ["1h2m3s4ms", 3_723_004], [" 15s ", 15_000], ["0.0004s", 0],
    ["2147483647ms", MAX_TIMER_MS], ["2147483.647", MAX_TIMER_MS], ["596h31m23.647s", MAX_TIMER_MS],
  ];
  for (const [text, ms] of good) assert.equal(parseDuration("--x", text), ms, text);
  const garbage = ["", "soon", "-1", "-1s", "+2s", "1d", "1 s", "s", "1s-", "1e3", "0x10", "ms", "1mss", "1.2.3s", "Infinity", "NaN"];
  for (const text of garbage) {
    assert.throws(() => parseDuration("--lease-duration", text), (e) => e instanceof UsageError && e.exitCode === 2 && e.message === `--lease-duration: "${text}" is not a duration (e.g. 500ms, 2s, 1m30s, 1h)`, JSON.stringify(text));
  }
  for (const text of ["3000000", "2147483648ms", "597h", "2147483.648"]) {
    assert.throws(() => parseDuration("--interval", text), (e) => e instanceof UsageError && e.message === `--interval: "${text}" is longer than Node's timer limit (2147483647ms, about 24.8 days)`, text);
  }
});

test("parseDuration (property): sums of parts parse to their total; anything it returns fits a timer", () => {
  const unit = fc.constantFrom(["ms", 1], ["s", 1000], ["m", 60_000], ["h", 3_600_000]) as fc.Arbitrary<[string, number]>;
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), unit), { minLength: 1, maxLength: 4 }), (parts) => {
      const text = parts.map(([n, [u]]) => `${n}${u}`).join("");
      const total = parts.reduce((sum, [n, [, k]]) => sum + n * k, 0);
      if (total > MAX_TIMER_MS) assert.throws(() => parseDuration("--x", text), /timer limit/);
      else assert.equal(parseDuration("--x", text), total);
    }),
  );
  fc.assert(
    fc.property(fc.string(), (text) => {
      try {
        const ms = parseDuration("--x", text);
        assert.ok(Number.isInteger(ms) && ms >= 0 && ms <= MAX_TIMER_MS, text);
      } catch (e) {
        assert.ok(e instanceof UsageError && e.message.startsWith("--x: "), String(e));
      }
    }),
  );
});

test("namespace names, -n/-A, repeatable options, the kube flags", () => {
  assert.equal(namespaceName("--lease-namespace", "kube-system"), "kube-system");
  for (const bad of ["Kube_System", "-a", "a-", "", "a".repeat(64)]) {
    assert.throws(() => namespaceName("--lease-namespace", bad), new UsageError(`--lease-namespace: "${bad}" is not a valid namespace name`));
  }
  assert.equal(namespaceName("--n", "a".repeat(63)).length, 63);
  assert.throws(() => checkNamespaceFlags({ namespace: "x", allNamespaces: true }), /^UsageError: -n\/--namespace and -A\/--all-namespaces cannot be used together$/);
  checkNamespaceFlags({ namespace: "x" });
  assert.deepEqual(collect("b", collect("a")), ["a", "b"]);
  assert.deepEqual(kubeFlags({ kubeconfig: "k", requestTimeout: "1m30s" }, {}), { kubeconfig: "k", context: undefined, requestTimeoutMs: 90_000, env: {} });
  assert.throws(() => kubeFlags({ requestTimeout: "soon" }, {}), /^UsageError: --request-timeout: "soon" is not a duration/);
});
