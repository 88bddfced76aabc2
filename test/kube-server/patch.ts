// The patch formats the server accepts: JSON merge patch (RFC 7386), strategic merge patch
// (treated as a merge patch after dropping its `$`-directives; lists are replaced, not merged
// by key — enough for kubectl apply of changed maps and scalars) and JSON patch (RFC 6902).

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export class PatchError extends Error {}

const isObj = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return patch;
  const out: Record<string, Json> = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

/** Removes strategic-merge directives (`$patch`, `$setElementOrder/…`, `$retainKeys`, …). */
export function stripDirectives(patch: Json): Json {
  if (Array.isArray(patch)) return patch.filter((e) => !(isObj(e) && "$patch" in e)).map(stripDirectives);
  if (!isObj(patch)) return patch;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(patch)) if (!k.startsWith("$")) out[k] = stripDirectives(v);
  return out;
}

function decodePointer(p: string): string[] {
  if (p === "") return [];
  if (!p.startsWith("/")) throw new PatchError(`invalid JSON pointer "${p}"`);
  return p.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function parentOf(doc: Json, path: string[]): { parent: Json; key: string } {
  let cur: Json = doc;
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(seg)] ?? null;
    else if (isObj(cur)) cur = cur[seg] ?? null;
    else cur = null;
    if (cur === null) throw new PatchError(`path not found: /${path.join("/")}`);
  }
  return { parent: cur, key: path[path.length - 1] ?? "" };
}

function getAt(doc: Json, path: string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObj(cur)) cur = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    else return undefined;
  }
  return cur;
}

export function jsonPatch(doc: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new PatchError("JSON patch must be an array of operations");
  let out: Json = structuredClone(doc);
  for (const op of ops) {
    if (!isObj(op) || typeof op["op"] !== "string" || typeof op["path"] !== "string") throw new PatchError("invalid JSON patch operation");
    const path = decodePointer(op["path"]);
    const kind = op["op"];
    if (kind === "test") {
      if (JSON.stringify(getAt(out, path)) !== JSON.stringify(op["value"])) throw new PatchError(`test operation failed at ${op["path"]}`);
      continue;
    }
    let value = op["value"] as Json;
    if (kind === "move" || kind === "copy") {
      const from = decodePointer(String(op["from"]));
      const v = getAt(out, from);
      if (v === undefined) throw new PatchError(`path not found: ${String(op["from"])}`);
      value = structuredClone(v);
      if (kind === "move") out = remove(out, from);
    }
    if (kind === "remove") out = remove(out, path);
    else if (kind === "add" || kind === "move" || kind === "copy") out = add(out, path, value);
    else if (kind === "replace") {
      if (getAt(out, path) === undefined) throw new PatchError(`path not found: ${op["path"]}`);
      out = add(remove(out, path), path, value);
    } else throw new PatchError(`unknown JSON patch operation "${kind}"`);
  }
  return out;
}

function add(doc: Json, path: string[], value: Json): Json {
  if (path.length === 0) return value;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = key === "-" ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw new PatchError(`index out of range: ${key}`);
    parent.splice(i, 0, value);
  } else if (isObj(parent)) parent[key] = value;
  else throw new PatchError(`cannot add at /${path.join("/")}`);
  return doc;
}

function remove(doc: Json, path: string[]): Json {
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length)) throw new PatchError(`path not found: /${path.join("/")}`);
    parent.splice(i, 1);
  } else if (isObj(parent) && key in parent) delete parent[key];
  else throw new PatchError(`path not found: /${path.join("/")}`);
  return doc;
}

export type { Json };
