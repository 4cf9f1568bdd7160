/**
 * Which trace lines are written (docs/log-flags.md): the log-flag mask decides per category, by
 * key (`HTTPClient`) or label (`HTTP client`); a name that is no category is filed under App
 * (written when App is on, tagged with its own name), so a misspelt category is not silently
 * lost. Decisions are cached per category string until the mask changes. Split out of
 * ./writer.ts.
 */
import { TRACE_CATEGORIES, type TraceCategory } from '../../common/log-categories';
import { categoryBit } from '../../common/log-flags';

export class CategoryFilter {
  private current = 0n;
  /** Category names (keys and labels, lower case) whose bit is on; rebuilt by setMask. */
  private onCategories = new Set<string>();
  /** Per category string: its tag when written, null when not (rebuilt on setMask; bounded). */
  private decisions = new Map<string, string | null>();

  constructor(mask: bigint) {
    this.setMask(mask);
  }

  get mask(): bigint {
    return this.current;
  }

  /** Change the mask; takes effect for the next line. */
  setMask(mask: bigint): void {
    this.current = mask;
    const on = new Set<string>();
    for (const [k, bit] of Object.entries(TRACE_CATEGORIES)) {
      if ((mask & bit) !== 0n) on.add(k);
    }
    this.onCategories = on;
    this.decisions = new Map();
  }

  /** The line tag of a category when its lines are written, else null. */
  tag(category: string): string | null {
    const d = this.decisions.get(category);
    if (d !== undefined) return d;
    const on = this.onCategories.has(category) || (this.current & (categoryBit(category) ?? TRACE_CATEGORIES.App)) !== 0n;
    const tag = on ? (category in TRACE_CATEGORIES ? category : tagOf(category)) : null;
    if (this.decisions.size < 1000) this.decisions.set(category, tag);
    return tag;
  }
}

function tagOf(category: string): string {
  const bit = categoryBit(category);
  if (bit === undefined) return category.replace(/[^A-Za-z0-9 _.-]/g, '?').slice(0, 40);
  return (Object.entries(TRACE_CATEGORIES) as [TraceCategory, bigint][]).find(([, b]) => b === bit)![0];
}
