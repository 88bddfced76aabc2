// The test API server for the pool controller benchmark, in its own process (so the controller
// and the benchmark client do not share its CPU): seeded from a JSON file, prints its URL, and on
// SIGTERM prints the writes it stored, by resource and event type.
import { readFileSync } from "node:fs";
import { startTestApiServer } from "../test/kube-server/server.ts";

const [seed = "", kubeconfig = ""] = process.argv.slice(2);
const server = await startTestApiServer({ historySize: 200_000 });
for (const o of JSON.parse(readFileSync(seed, "utf8")) as Record<string, unknown>[]) server.store.put(o);
server.kubeconfigPath({ path: kubeconfig });
const events: Record<string, number> = {};
server.store.subscribe((e) => {
  const k = `${e.storage} ${e.type}`;
  events[k] = (events[k] ?? 0) + 1;
});
process.stdout.write(server.url + "\n");
process.on("SIGTERM", () => {
  process.stdout.write(JSON.stringify(events) + "\n");
  void server.close().then(() => process.exit(0));
});
