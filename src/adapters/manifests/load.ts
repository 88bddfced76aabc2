// Reads Kubernetes objects from files, directories (recursively: .yaml, .yml, .json) and stdin ("-").
// Accepts multi-document YAML, JSON, `kind: List` / `*List` wrappers and `kubectl get -o yaml|json`
// output. Every object keeps where it came from so errors can name file and line.
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { LbctlError, UsageError } from "../../errors.ts";
import type { KubeObject } from "../kube/types.ts";
import { shortKey, yamlDocuments, type ItemLocator, type Locator } from "./yaml.ts";
import { MAX_NESTING_DEPTH, tooDeep } from "../../core/depth.ts";


export interface ObjectSource {
  /** Path as the user gave it (or "<stdin>"). */
  readonly file: string;
  /** 1-based line of the object in the file, where known (YAML always, JSON not). */
  readonly line: number | undefined;
  /** Position of the object among all loaded objects: input order. */
  readonly order: number;
}

export interface ManifestObject {
  readonly obj: KubeObject;
  readonly source: ObjectSource;
  /** Line of a field inside this object (path relative to the object), where known. */
  locate(path: readonly (string | number)[]): number | undefined;
}

export interface ManifestProblem {
  readonly file: string;
  readonly line: number | undefined;
  readonly message: string;
  /** The path itself could not be read (missing, no permission, no manifests in it, no stdin). */
  readonly unreadable?: true;
}

export function formatProblem(p: ManifestProblem): string {
  return p.line === undefined ? `${p.file}: ${p.message}` : `${p.file}:${p.line}: ${p.message}`;
}

export interface ManifestSet {
  readonly objects: ManifestObject[];
  readonly problems: ManifestProblem[];
}

/**
 * A path that cannot be read fails the whole command before any output, as `kubectl get -f`
 * does: a table of what the other paths hold would read as the complete answer. Problems inside
 * readable files stay per-object (the commands report them and go on).
 */
export function failOnUnreadable(set: ManifestSet): void {
  const unreadable = set.problems.filter((p) => p.unreadable);
  if (unreadable.length > 0) throw new LbctlError(unreadable.map(formatProblem).join("; "), { code: "E_UNREADABLE" });
}

export interface LoadOptions {
  readonly cwd: string;
  readonly stdin?: NodeJS.ReadableStream;
}

const MANIFEST_EXT = /\.(ya?ml|json)$/i;

/**
 * Loads every path in order. Mistakes in the files become problems; the one mistake in the flag
 * itself, an empty path (`-f "$UNSET"`), is a usage error: resolved, it would be the current
 * directory, read recursively (kubectl refuses it the same way).
 */
export async function loadManifests(paths: readonly string[], opts: LoadOptions): Promise<ManifestSet> {
  if (paths.some((p) => p.trim() === "")) throw new UsageError(`-f: empty path (an unset shell variable?); use -f . for the current directory`);
  const objects: ManifestObject[] = [];
  const problems: ManifestProblem[] = [];
  for (const p of paths) {
    if (p === "-") {
      if (!opts.stdin) {
        problems.push({ file: "<stdin>", line: undefined, message: "standard input is not available", unreadable: true });
        continue;
      }
      const text = await readStream(opts.stdin);
      // Nothing at all on `-`: a closed descriptor (Node reopens fd 0 on /dev/null, so the two
      // look alike) or a producer that failed before writing. kubectl: "no objects passed".
      if (text.trim() === "") {
        problems.push({ file: "<stdin>", line: undefined, message: "no objects passed (standard input is empty or closed)", unreadable: true });
        continue;
      }
      parseText(text, "<stdin>", objects, problems);
      continue;
    }
    const abs = resolve(opts.cwd, p);
    let files: string[];
    try {
      files = await expand(abs);
    } catch (err) {
      problems.push({ file: p, line: undefined, message: `cannot read: ${errnoText(err)}`, unreadable: true });
      continue;
    }
    if (files.length === 0) {
      problems.push({ file: p, line: undefined, message: "no .yaml, .yml or .json files found in directory", unreadable: true });
      continue;
    }
    for (const f of files) {
      const shown = f === abs ? p : join(p, relative(abs, f));
      let text: string;
      try {
        text = await readFile(f, "utf8");
      } catch (err) {
        problems.push({ file: shown, line: undefined, message: `cannot read: ${errnoText(err)}`, unreadable: true });
        continue;
      }
      parseText(text, shown, objects, problems);
    }
  }
  return { objects, problems };
}

async function expand(abs: string): Promise<string[]> {
  const st = await stat(abs);
  if (!st.isDirectory()) return [abs];
  const out: string[] = [];
  const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = join(abs, e.name);
    if (e.isDirectory()) out.push(...(await expand(full)));
    else if (MANIFEST_EXT.test(e.name)) out.push(full);
  }
  return out;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === "ENOENT") return "no such file or directory";
  if (e && e.code === "EACCES") return "permission denied";
  if (e && e.code) return `${e.code}: ${e.message}`;
  return String(err);
}

function looksLikeJson(text: string): boolean {
  const first = text.match(/^\s*(\S)/);
  return first !== null && (first[1] === "{" || first[1] === "[");
}

/**
 * Parses one file's text (exported for tests and for fuzzing: never throws). `tree` forces the
 * library's full document tree for YAML (the reference the fast reader is tested against).
 */
export function parseText(text: string, file: string, objects: ManifestObject[], problems: ManifestProblem[], opts: { tree?: boolean } = {}): void {
  if (looksLikeJson(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      problems.push({ file, line: jsonErrorLine(text, err), message: `invalid JSON: ${(err as Error).message}` });
      return;
    }
    // The exact scan (a key set per object) only when the cheap one says a key went missing:
    // keys in the text outnumber the keys JSON.parse kept exactly when one object repeats one.
    const shape = jsonShape(text);
    const dup = shape.keys === ownKeyCount(parsed) ? undefined : jsonDuplicateKey(text);
    if (dup) {
      // JSON.parse keeps the last; kubectl (sigs.k8s.io/json, strict) rejects the file.
      problems.push({ file, line: dup.line, message: `invalid JSON: mapping key ${JSON.stringify(shortKey(dup.key))} already defined` });
      return;
    }
    const docs = Array.isArray(parsed) ? parsed : [parsed];
    // Nesting is known from the text: the walk that names the too-deep path runs only when needed.
    const shallow = shape.maxDepth <= MAX_NESTING_DEPTH;
    for (const doc of docs) if (shallow || shallowEnough(doc, file, undefined, problems)) addDocument(doc, file, undefined, () => undefined, objects, problems);
    return;
  }
  for (const ev of yamlDocuments(text, opts.tree === true)) {
    if ("message" in ev) problems.push({ file, line: ev.line, message: ev.message });
    else if (shallowEnough(ev.value, file, ev.line, problems)) addDocument(ev.value, file, ev.line, ev.locate, objects, problems, ev.itemAt);
  }
}

/** The depth limit (core/depth.ts) at load time: a deeper document is one problem, not a crash later. */
function shallowEnough(doc: unknown, file: string, line: number | undefined, problems: ManifestProblem[]): boolean {
  const at = tooDeep(doc);
  if (at === undefined) return true;
  problems.push({ file, line, message: `${at}: nested deeper than ${MAX_NESTING_DEPTH} levels` });
  return false;
}

/**
 * Of a valid JSON text: how many object keys it spells out and how deep its containers nest. One
 * pass without allocating per key (strings are skipped with indexOf), for the common case.
 */
export function jsonShape(text: string): { keys: number; maxDepth: number } {
  // Per open container: 1 = object, 0 = array.
  const inObject: number[] = [];
  let keys = 0;
  let maxDepth = 0;
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let j = text.indexOf('"', i + 1);
      while (j > 0 && isEscaped(text, j)) j = text.indexOf('"', j + 1);
      if (j < 0) break; // not valid JSON; JSON.parse said otherwise only if this cannot happen
      if (expectKey) {
        keys++;
        expectKey = false;
      }
      i = j;
    } else if (c === 123 || c === 91) {
      inObject.push(c === 123 ? 1 : 0);
      if (inObject.length > maxDepth) maxDepth = inObject.length;
      expectKey = c === 123;
    } else if (c === 125 || c === 93) {
      inObject.pop();
      expectKey = false;
    } else if (c === 44) expectKey = inObject[inObject.length - 1] === 1;
  }
  return { keys, maxDepth };
}

/** Whether the quote at `j` is escaped: an odd number of backslashes before it. */
function isEscaped(text: string, j: number): boolean {
  let k = j - 1;
  while (k >= 0 && text.charCodeAt(k) === 92) k--;
  return (j - 1 - k) % 2 === 1;
}

/** Own keys of every object in a parsed JSON value (iterative: a hostile depth is fine). */
function ownKeyCount(value: unknown): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else {
      for (const k in v) {
        count++;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  return count;
}

/**
 * The first key that appears twice in one object of a valid JSON text, with its line; linear,
 * one pass over the characters.
 */
export function jsonDuplicateKey(text: string): { key: string; line: number } | undefined {
  const stack: (Set<string> | null)[] = [];
  const n = text.length;
  let line = 1;
  let expectKey = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 123) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 91) {
      stack.push(null);
      expectKey = false;
    } else if (c === 125 || c === 93) {
      stack.pop();
      expectKey = false;
    } else if (c === 44) expectKey = stack[stack.length - 1] != null;
    else if (c === 34) {
      let j = i + 1;
      let escaped = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) {
          escaped = true;
          j += 2;
        } else if (d === 34) break;
        else j++;
      }
      if (expectKey) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        const keys = stack[stack.length - 1]!;
        if (keys.has(key)) return { key, line };
        keys.add(key);
        expectKey = false;
      }
      i = j;
    }
  }
  return undefined;
}

function jsonErrorLine(text: string, err: unknown): number | undefined {
  const m = /position (\d+)/.exec((err as Error).message ?? "");
  if (!m || m[1] === undefined) return undefined;
  const pos = Number(m[1]);
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}


const MAX_NAME_LENGTH = 253;

function addDocument(
  doc: unknown,
  file: string,
  line: number | undefined,
  locate: Locator,
  objects: ManifestObject[],
  problems: ManifestProblem[],
  itemAt?: ItemLocator,
): void {
  if (doc === null || doc === undefined) return; // empty YAML document
  if (typeof doc !== "object" || Array.isArray(doc)) {
    problems.push({ file, line, message: "document is not a Kubernetes object (expected a mapping with apiVersion and kind)" });
    return;
  }
  const obj = doc as KubeObject;
  const kind = obj["kind"];
  if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(obj["items"])) {
    const itemKind = kind === "List" ? undefined : kind.slice(0, -"List".length);
    obj["items"].forEach((item: unknown, i: number) => {
      if (item && typeof item === "object" && !Array.isArray(item)) {
        const it = item as KubeObject;
        // `kubectl get svc -o yaml` on some versions omits kind/apiVersion on items of typed lists.
        if (it["kind"] === undefined && itemKind !== undefined) it["kind"] = itemKind;
        if (it["apiVersion"] === undefined && typeof obj["apiVersion"] === "string") it["apiVersion"] = obj["apiVersion"];
      }
      const known = itemAt?.(i);
      if (known) addDocument(item, file, known.line, known.locate, objects, problems);
      else addDocument(item, file, locate(["items", i]) ?? line, (p) => locate(["items", i, ...p]), objects, problems);
    });
    return;
  }
  if (typeof kind === "string" && kind.endsWith("List") && obj["items"] !== undefined && obj["items"] !== null) {
    problems.push({ file, line: locate(["items"]) ?? line, message: `${kind}: items: expected a list, got ${typeof obj["items"] === "object" ? "a mapping" : JSON.stringify(obj["items"]).slice(0, 40)}` });
    return;
  }
  if (typeof kind !== "string" || typeof obj["apiVersion"] !== "string") {
    problems.push({ file, line, message: "object has no apiVersion/kind" });
    return;
  }
  const name = (obj["metadata"] as Record<string, unknown> | undefined)?.["name"];
  if (typeof name === "string" && name.length > MAX_NAME_LENGTH) {
    // Every Kubernetes object name is at most a DNS subdomain (253); the API server refuses longer.
    problems.push({ file, line: locate(["metadata", "name"]) ?? line, message: `${kind} "${name.slice(0, 40)}...": metadata.name: ${name.length} characters, more than ${MAX_NAME_LENGTH}` });
    return;
  }
  objects.push({ obj, source: { file, line, order: objects.length }, locate });
}
