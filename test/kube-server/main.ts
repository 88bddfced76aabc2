// CLI entry for benchmarks and manual runs:
//   node dist/test/kube-server/main.js [--port N] [--kubeconfig-out FILE] [--seed FILE.json]
// Prints the URL on stdout once listening; runs until SIGINT/SIGTERM.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startTestApiServer } from "./server.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    "kubeconfig-out": { type: "string" },
    seed: { type: "string", multiple: true },
    token: { type: "string" },
  },
});
const server = await startTestApiServer({
  port: Number(values.port),
  ...(values.token ? { tokens: { [values.token]: "admin" } } : {}),
});
for (const f of values.seed ?? []) {
  const doc = JSON.parse(readFileSync(f, "utf8")) as { items?: Record<string, unknown>[] } | Record<string, unknown>[];
  const items = Array.isArray(doc) ? doc : (doc.items ?? []);
  for (const o of items) server.store.put(o);
}
if (values["kubeconfig-out"]) server.kubeconfigPath({ path: values["kubeconfig-out"] });
process.stdout.write(server.url + "\n");
const stop = (): void => void server.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
