// One-line flow collections for the fast block-YAML reader: `{name: web, app: x}`, `[80, 443]`,
// nested, with plain or quoted scalars — what hand-written manifests put on one line. Anything
// else in flow style (entries over several lines, `a:1`, `{a}`, `? k`, empty or trailing entries,
// a mapping inside a sequence written `[a: 1]`) is NOT_FAST and goes to the `yaml` library.
import { NOT_FAST, type NotFast, doubleQuoted, plainKey, resolvePlain } from "./values.ts";

type Step = { value: unknown; end: number };

/** The flow collection opening at `i` in `line` (one line's text) and the offset after it. */
export function flowCollection(line: string, i: number): Step | NotFast {
  return line[i] === "{" ? flowMap(line, i) : flowSeq(line, i);
}

const skip = (line: string, i: number): number => {
  while (line[i] === " ") i++;
  return i;
};

function flowSeq(line: string, i: number): Step | NotFast {
  const arr: unknown[] = [];
  i = skip(line, i + 1);
  if (line[i] === "]") return { value: arr, end: i + 1 };
  for (;;) {
    const item = flowNode(line, i);
    if (item === NOT_FAST) return NOT_FAST;
    arr.push(item.value);
    i = skip(line, item.end);
    if (line[i] === "]") return { value: arr, end: i + 1 };
    if (line[i] !== ",") return NOT_FAST;
    i = skip(line, i + 1);
    if (line[i] === "]") return NOT_FAST; // a trailing comma
  }
}

function flowMap(line: string, i: number): Step | NotFast {
  const obj: Record<string, unknown> = {};
  i = skip(line, i + 1);
  if (line[i] === "}") return { value: obj, end: i + 1 };
  for (;;) {
    const q = line[i];
    let key: string | NotFast;
    if (q === '"' || q === "'") {
      const s = quoted(line, i);
      if (s === NOT_FAST) return NOT_FAST;
      key = s.value as string;
      i = s.end;
    } else {
      const s = plain(line, i);
      if (s === undefined) return NOT_FAST;
      if (s.text === "<<") return NOT_FAST;
      key = plainKey(s.text);
      i = s.end;
    }
    i = skip(line, i);
    if (line[i] !== ":" || line[i + 1] !== " ") return NOT_FAST;
    const v = flowNode(line, skip(line, i + 1));
    if (v === NOT_FAST) return NOT_FAST;
    if (Object.prototype.hasOwnProperty.call(obj, key)) return NOT_FAST; // the library words the duplicate key
    if (key === "__proto__") Object.defineProperty(obj, key, { value: v.value, writable: true, enumerable: true, configurable: true });
    else obj[key] = v.value;
    i = skip(line, v.end);
    if (line[i] === "}") return { value: obj, end: i + 1 };
    if (line[i] !== ",") return NOT_FAST;
    i = skip(line, i + 1);
    if (line[i] === "}") return NOT_FAST; // a trailing comma
  }
}

/** A value inside a flow collection: a nested collection, a quoted or a plain scalar. */
function flowNode(line: string, i: number): Step | NotFast {
  const c = line[i];
  if (c === "{" || c === "[") return flowCollection(line, i);
  if (c === '"' || c === "'") return quoted(line, i);
  const s = plain(line, i);
  if (s === undefined) return NOT_FAST;
  return { value: resolvePlain(s.text), end: s.end };
}

function quoted(line: string, i: number): Step | NotFast {
  const q = line[i];
  for (let j = i + 1; j < line.length; j++) {
    if (q === '"' && line[j] === "\\") j++;
    else if (line[j] === q) {
      if (q === "'" && line[j + 1] === "'") j++;
      else {
        const inner = line.slice(i + 1, j);
        const value = q === '"' ? doubleQuoted(inner) : inner.replace(/''/g, "'");
        return value === NOT_FAST ? NOT_FAST : { value, end: j + 1 };
      }
    }
  }
  return NOT_FAST;
}

// Starts no flow plain scalar may have (indicators), or that this reader leaves to the library.
const BAD_START = new Set([..."-?:,[]{}#&*!|>'\"%@` "]);

/** A plain scalar in flow context: up to `,` `]` `}` or `: `; undefined when not plainly one. */
function plain(line: string, i: number): { text: string; end: number } | undefined {
  if (i >= line.length || BAD_START.has(line[i]!)) return undefined;
  let j = i;
  for (; j < line.length; j++) {
    const c = line[j];
    if (c === "," || c === "]" || c === "}") break;
    if (c === ":" && (line[j + 1] === " " || line[j + 1] === "," || line[j + 1] === "]" || line[j + 1] === "}" || j + 1 >= line.length)) break;
    if (c === "#" && line[j - 1] === " ") return undefined;
    if (c === "[" || c === "{") return undefined;
  }
  let e = j;
  while (line[e - 1] === " ") e--;
  return e === i ? undefined : { text: line.slice(i, e), end: e };
}
