// The service-list lab (test/fixtures/service/lab.yaml) loaded into a fresh test API server,
// plus any extra objects a test needs (e.g. a cilium-config ConfigMap, Pods).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { startTestApiServer, type TestApiServer } from "../kube-server/server.ts";

export const LAB = fileURLToPath(new URL("../../../test/fixtures/service/lab.yaml", import.meta.url));

export async function startLabServer(extra: readonly Record<string, unknown>[] = []): Promise<TestApiServer> {
  const srv = await startTestApiServer();
  const list = parse(readFileSync(LAB, "utf8")) as { items: Record<string, unknown>[] };
  for (const o of [...list.items, ...extra]) srv.store.put(o);
  return srv;
}
