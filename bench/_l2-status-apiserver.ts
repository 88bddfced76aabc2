// The test API server for the l2 status benchmark, run inside the client namespace: seeded from
// a JSON file, prints its URL, and on SIGTERM prints how many requests of each verb it served.
import { readFileSync } from "node:fs";
import { startTestApiServer } from "../test/kube-server/server.ts";

const [seed = "", kubeconfig = ""] = process.argv.slice(2);
const server = await startTestApiServer();
for (const o of JSON.parse(readFileSync(seed, "utf8")) as Record<string, unknown>[]) server.store.put(o);
server.kubeconfigPath({ path: kubeconfig });
const counted = server.requests.length;
process.stdout.write(server.url + "\n");
process.on("SIGTERM", () => {
  const verbs: Record<string, number> = {};
  for (const r of server.requests.slice(counted)) verbs[r.verb] = (verbs[r.verb] ?? 0) + 1;
  process.stdout.write(JSON.stringify({ verbs, urls: server.requests.slice(counted).map((r) => r.url) }) + "\n");
  void server.close().then(() => process.exit(0));
});
