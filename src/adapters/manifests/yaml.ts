// YAML text to documents for load.ts: the fast reader (yaml-fast/) when it takes the file,
// else the `yaml` library's full document tree. Either way each document comes with its
// content line and a locator for field lines; invalid YAML comes as a problem, in stream order.
import { LineCounter, parseAllDocuments, parseDocument, isNode } from "yaml";
import { fastParseDocuments } from "./yaml-fast/index.ts";

export type Locator = (path: readonly (string | number)[]) => number | undefined;
/** Line and locator of entry i of a List's `items`, when known without going through the List. */
export type ItemLocator = (i: number) => { line: number; locate: Locator } | undefined;

export type YamlEvent =
  | { value: unknown; line: number | undefined; locate: Locator; itemAt?: ItemLocator }
  | { line: number | undefined; message: string };

/** The documents of one YAML text; `tree` forces the library path (the tests' reference). */
export function* yamlDocuments(text: string, tree: boolean): Generator<YamlEvent> {
  // YAML reads every line break as LF, so CRLF files (Windows editors) take the fast path too;
  // line numbers and values are unchanged. A lone CR still goes to the library.
  if (text.includes("\r\n")) text = text.replace(/\r\n/g, "\n");
  const docs = tree ? undefined : fastParseDocuments(text);
  if (!docs) {
    yield* treeDocuments(text);
    return;
  }
  for (const d of docs) {
    const items = d.items;
    const itemAt: ItemLocator | undefined = items
      ? (i) => {
          const it = items[i];
          return it && { line: it.line, locate: sliceLocator(text, it.start, it.end, it.startLine, [0]) };
        }
      : undefined;
    yield { value: d.value, line: d.line, locate: sliceLocator(text, d.start, d.end, d.startLine, []), itemAt };
  }
}

/**
 * Field lines for the fast path: on first use, parses just the text of one document or one List
 * entry with the library (node tree and all) and answers from it as the full parse would; `prefix`
 * is [0] for an entry, which parses as a one-entry sequence. Errors are rare, successes common.
 */
function sliceLocator(text: string, start: number, end: number, startLine: number, prefix: readonly number[]): Locator {
  let tree: { doc: ReturnType<typeof parseDocument>; lines: LineCounter } | undefined;
  return (path) => {
    if (!tree) {
      const lines = new LineCounter();
      tree = { doc: parseDocument(text.slice(start, end), { lineCounter: lines, uniqueKeys: false, merge: true, prettyErrors: false }), lines };
    }
    const node = tree.doc.getIn([...prefix, ...path], true);
    return isNode(node) && node.range ? startLine - 1 + tree.lines.linePos(node.range[0]).line : undefined;
  };
}

/** The general path: the library's full document tree, for everything the fast reader declines. */
function* treeDocuments(text: string): Generator<YamlEvent> {
  const lineCounter = new LineCounter();
  let docs;
  try {
    // Duplicate keys are an error, as with kubectl (sigs.k8s.io/yaml is strict); `<<` merge keys
    // are honoured, as kubectl's YAML 1.1 reader does.
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, merge: true, prettyErrors: false });
  } catch (err) {
    yield { line: undefined, message: `invalid YAML: ${(err as Error).message}` };
    return;
  }
  // parseAllDocuments returns an EmptyStream (not an array) for empty input.
  if (!Array.isArray(docs)) return;
  for (const doc of docs) {
    const lineAt = (offset: number | undefined): number | undefined =>
      offset === undefined ? undefined : lineCounter.linePos(offset).line;
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const first = e.message.split("\n")[0] ?? e.message;
      if (e.code === "DUPLICATE_KEY") {
        yield { line: lineAt(e.pos[0]), message: `invalid YAML: mapping key ${JSON.stringify(shortKey(keyAt(text, e.pos[0])))} already defined` };
        continue;
      }
      yield { line: lineAt(e.pos[0]), message: `invalid YAML: ${first.replace(/ at line \d+, column \d+:?$/, "")}` };
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      const tooDeep = err instanceof RangeError;
      yield { line: lineAt(doc.range[0]), message: tooDeep ? "invalid YAML: nested too deep" : `invalid YAML: ${(err as Error).message}` };
      continue;
    }
    const locate: Locator = (path) => {
      const node = doc.getIn(path as (string | number)[], true);
      return isNode(node) && node.range ? lineAt(node.range[0]) : undefined;
    };
    const contentsRange = isNode(doc.contents) && doc.contents.range ? doc.contents.range[0] : doc.range[0];
    yield { value, line: lineAt(contentsRange), locate };
  }
}

/** A key as the error names it: unquoted, at most 60 characters. */
export function shortKey(src: string): string {
  const k = src.trim().replace(/^["']|["']$/g, "");
  return k.length > 60 ? k.slice(0, 57) + "..." : k;
}

/** The source text of the mapping key at offset `at` (up to its `:`). */
function keyAt(text: string, at: number): string {
  const end = text.indexOf("\n", at);
  const line = text.slice(at, end < 0 ? undefined : end);
  const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:]*)/.exec(line);
  return m?.[1] ?? line;
}
