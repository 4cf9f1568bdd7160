/**
 * Bounds for JSON values a peer hands us (bus frames' `msg`, `model`, `info`): how deep objects and
 * arrays nest and roughly how many bytes of JSON text the value is. JSON.parse accepts any depth,
 * but JSON.stringify, structuredClone and every recursive reader overflow the stack on a value
 * nested some thousand levels deep (RangeError); a value is therefore measured before it is kept
 * or passed on. The walk recurses at most maxDepth + 1 levels (a hostile depth cannot overflow it) and stops as soon as a
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

/**
 * Walks `value` depth-first and says whether it stays within `bounds`, with its size. The walk
 * recurses, but never deeper than `bounds.maxDepth` + 1 levels: a hostile depth is refused at
 * that level instead of overflowing the stack (and a cycle counts as too deep). Recursion over a
 * bounded depth allocates nothing per value, which matters on the bus's hot path (every frame's
 * `msg` is measured).
 */
export function measureJson(value: unknown, bounds: JsonBounds): JsonMeasure {
  const walk: Walk = { bytes: 0, error: null, maxDepth: bounds.maxDepth, maxBytes: bounds.maxBytes ?? Infinity };
  visit(value, 1, walk);
  return { bytes: walk.bytes, error: walk.error };
}

interface Walk {
  bytes: number;
  error: string | null;
  readonly maxDepth: number;
  readonly maxBytes: number;
}

/** false: stop (walk.error says why). */
function visit(v: unknown, depth: number, w: Walk): boolean {
  if (typeof v === 'string') w.bytes += v.length + 2;
  else if (typeof v === 'number' || typeof v === 'boolean') w.bytes += 5;
  else if (v === null || v === undefined) w.bytes += 4;
  else if (typeof v === 'object') {
    if (depth > w.maxDepth) {
      w.error = `nested deeper than ${w.maxDepth} levels`;
      return false;
    }
    w.bytes += 2;
    if (Array.isArray(v)) {
      w.bytes += v.length;
      if (w.bytes > w.maxBytes) return tooLarge(w);
      for (let i = 0; i < v.length; i++) if (!visit(v[i], depth + 1, w)) return false;
    } else {
      for (const k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        w.bytes += k.length + 4;
        if (!visit((v as Record<string, unknown>)[k], depth + 1, w)) return false;
      }
    }
  } else w.bytes += 4; // bigint, function, symbol: JSON.stringify drops or refuses them
  return w.bytes > w.maxBytes ? tooLarge(w) : true;
}

function tooLarge(w: Walk): false {
  w.error = `larger than ${w.maxBytes} bytes of JSON`;
  return false;
}
