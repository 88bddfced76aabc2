// How deep a manifest value may nest. Kubernetes objects nest a few dozen levels at most (a CRD's
// openAPIV3Schema is among the deepest); the YAML library's reader and writer are recursive and
// overflow the stack near 1000 levels, JSON.stringify a little later. One limit, checked when a
// manifest is loaded (file:line, exit 1) and again before -o json|yaml writes anything, so that no
// output is ever cut short by a stack overflow.

export const MAX_NESTING_DEPTH = 200;

interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly key: string;
  readonly parent: Frame | undefined;
}

/**
 * The path (`metadata.labels.a.b…`) of the first container nested deeper than `max` levels, or
 * undefined. Iterative, so that a hostile depth cannot overflow the stack here either.
 */
export function tooDeep(value: unknown, max: number = MAX_NESTING_DEPTH): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  // Every manifest passes through here (at load and before -o json|yaml): the common answer,
  // "not too deep", is found without a frame object or a key string per container.
  if (!deeperThan(value, max)) return undefined;
  return firstTooDeepPath(value, max);
}

function deeperThan(value: object, max: number): boolean {
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop()!;
    const depth = depths.pop()!;
    if (depth > max) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c: unknown = v[i];
        if (c !== null && typeof c === "object") {
          values.push(c);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const k in v) {
        const c = (v as Record<string, unknown>)[k];
        if (c !== null && typeof c === "object") {
          values.push(c);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

function firstTooDeepPath(value: object, max: number): string | undefined {
  const stack: Frame[] = [{ value, depth: 1, key: "", parent: undefined }];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (f.depth > max) return pathOf(f);
    const v = f.value;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c: unknown = v[i];
        if (c !== null && typeof c === "object") stack.push({ value: c, depth: f.depth + 1, key: `[${i}]`, parent: f });
      }
    } else {
      for (const k in v as Record<string, unknown>) {
        const c = (v as Record<string, unknown>)[k];
        if (c !== null && typeof c === "object") stack.push({ value: c, depth: f.depth + 1, key: k, parent: f });
      }
    }
  }
  return undefined;
}

function pathOf(f: Frame): string {
  const parts: string[] = [];
  for (let p: Frame | undefined = f; p && p.parent; p = p.parent) parts.push(p.key);
  parts.reverse();
  let out = "";
  for (const k of parts) out += k.startsWith("[") ? k : out === "" ? k : "." + k;
  return out.length > 120 ? out.slice(0, 117) + "..." : out;
}
