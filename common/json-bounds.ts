/**
 * Bounds for JSON values a peer hands us (bus frames' `msg`, `model`, `info`): how deep objects and
 * arrays nest and roughly how many bytes of JSON text the value is. JSON.parse accepts any depth,
 * but JSON.stringify, structuredClone and every recursive reader overflow the stack on a value
 * nested some thousand levels deep (RangeError); a value is therefore measured before it is kept
 * or passed on. The walk is iterative (a hostile depth cannot overflow it) and stops as soon as a
 * bound is passed; a cycle (only possible in-process) counts as too deep.
 */

export interface JsonBounds {
  /** Deepest nesting of objects and arrays; the value itself is level 1. */
  maxDepth: number;
  /** Most bytes of JSON text (UTF-16 code units of strings and keys, plus punctuation); Infinity: no limit. */
  maxBytes?: number;
}

export interface JsonMeasure {
  /** Bytes of JSON text counted (approximately: escapes are not counted), up to where the walk stopped. */
  bytes: number;
  /** Why the value is out of bounds, or null. */
  error: string | null;
}

/** Walks `value` iteratively and says whether it stays within `bounds`, with its size. */
export function measureJson(value: unknown, bounds: JsonBounds): JsonMeasure {
  const maxBytes = bounds.maxBytes ?? Infinity;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  let bytes = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    const depth = depths.pop()!;
    if (typeof v === 'string') bytes += v.length + 2;
    else if (typeof v === 'number' || typeof v === 'boolean') bytes += 5;
    else if (v === null || v === undefined) bytes += 4;
    else if (typeof v === 'object') {
      if (depth > bounds.maxDepth) return { bytes, error: `nested deeper than ${bounds.maxDepth} levels` };
      bytes += 2;
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) {
          stack.push(v[i]);
          depths.push(depth + 1);
        }
        bytes += v.length;
      } else {
        for (const k in v) {
          if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
          stack.push((v as Record<string, unknown>)[k]);
          depths.push(depth + 1);
          bytes += k.length + 4;
        }
      }
    } else bytes += 4; // bigint, function, symbol: JSON.stringify drops or refuses them
    if (bytes > maxBytes) return { bytes, error: `larger than ${maxBytes} bytes of JSON` };
  }
  return { bytes, error: null };
}
