// Discovery documents (/api, /apis, group versions, /version) built from RESOURCE_TYPES, plus a
// minimal OpenAPI v3 index so kubectl's field-validation probe finds every served group version.
import { RESOURCE_TYPES, groups, apiVersionOf, type ResourceType } from "./resources.ts";

type Obj = Record<string, unknown>;

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function singular(rt: ResourceType): string {
  return rt.kind.toLowerCase();
}

export function resourceList(group: string, version: string): Obj | undefined {
  const types = RESOURCE_TYPES.filter((r) => r.group === group && r.version === version);
  if (types.length === 0) return undefined;
  const resources: Obj[] = [];
  for (const rt of types) {
    resources.push({
      name: rt.resource,
      singularName: singular(rt),
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: VERBS,
      ...(rt.shortNames.length > 0 ? { shortNames: rt.shortNames } : {}),
    });
    if (rt.status) {
      resources.push({ name: `${rt.resource}/status`, singularName: "", namespaced: rt.namespaced, kind: rt.kind, verbs: ["get", "patch", "update"] });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersionOf(types[0]!), resources };
}

function groupDoc(name: string, versions: string[]): Obj {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function apiVersions(serverAddress: string): Obj {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

export function groupList(): Obj {
  return { kind: "APIGroupList", apiVersion: "v1", groups: [...groups()].map(([n, vs]) => groupDoc(n, vs)) };
}

export function group(name: string): Obj | undefined {
  const vs = groups().get(name);
  return vs ? { kind: "APIGroup", apiVersion: "v1", ...groupDoc(name, vs) } : undefined;
}

export function version(): Obj {
  return {
    major: "1",
    minor: "32",
    gitVersion: "v1.32.0-lbctl-test",
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.23.0",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

/** `/openapi/v3`: one entry per served group version. */
export function openapiV3Index(): Obj {
  const paths: Obj = {};
  const seen = new Set<string>();
  for (const rt of RESOURCE_TYPES) {
    const p = rt.group === "" ? `api/${rt.version}` : `apis/${rt.group}/${rt.version}`;
    if (seen.has(p)) continue;
    seen.add(p);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=0` };
  }
  return { paths };
}

/**
 * `/openapi/v3/<gv>`: paths only, no schemas. Every item path has a PATCH operation tagged with
 * its group/version/kind and a `fieldValidation` query parameter, which is what kubectl probes to
 * decide that the server validates fields itself (so it needs no schemas for `apply`).
 */
export function openapiV3GroupVersion(group: string, version: string): Obj | undefined {
  const types = RESOURCE_TYPES.filter((r) => r.group === group && r.version === version);
  if (types.length === 0) return undefined;
  const paths: Obj = {};
  const base = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
  for (const rt of types) {
    const gvk = { group, version, kind: rt.kind };
    const params = [
      { name: "fieldValidation", in: "query", schema: { type: "string", uniqueItems: true } },
      { name: "fieldManager", in: "query", schema: { type: "string", uniqueItems: true } },
      { name: "dryRun", in: "query", schema: { type: "string", uniqueItems: true } },
    ];
    const op = (id: string): Obj => ({ operationId: id, "x-kubernetes-group-version-kind": gvk, parameters: params, responses: { "200": { description: "OK" } } });
    const item = rt.namespaced ? `${base}/namespaces/{namespace}/${rt.resource}/{name}` : `${base}/${rt.resource}/{name}`;
    const coll = rt.namespaced ? `${base}/namespaces/{namespace}/${rt.resource}` : `${base}/${rt.resource}`;
    paths[item] = { get: op(`read${rt.kind}`), put: op(`replace${rt.kind}`), patch: op(`patch${rt.kind}`), delete: op(`delete${rt.kind}`) };
    paths[coll] = { get: op(`list${rt.kind}`), post: op(`create${rt.kind}`) };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.32.0" }, paths, components: { schemas: {} } };
}
