export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. ">= 0.7" or "<= 1". */
  target?: string;
  /** Name of a peer measured side by side in the same run. */
  peer?: string;
  /** The peer's figure, in the same unit (printed beside the ratio). */
  peer_value?: number;
  /** ours / peer, when a peer ran. */
  ratio?: number;
  [extra: string]: unknown;
}
export interface BenchContext {
  /** The --only prefix, '' for all. Emit only figures whose name starts with it. */
  only: string;
  emit(f: Figure): void;
}
/** Percentile of a list of numbers (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}
