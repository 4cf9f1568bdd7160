/**
 * The Origin allow-list of the local services server: the PBX origin and the origins of the apps
 * the web client loads (App Platforms). Origins are compared in their serialized form
 * (common/origin.ts webOrigin: scheme://host[:port], lower case, default ports dropped), so
 * `https://PBX.example.com:443` and `https://pbx.example.com` are the same origin.
 */
import { webOrigin } from '../../common/origin';

export class OriginAllowList {
  private readonly origins = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(initial: Iterable<string> = []) {
    for (const o of initial) this.add(o);
  }

  /** Adds an origin; returns false (and adds nothing) when the string is not an http(s) origin. */
  add(origin: string): boolean {
    const n = webOrigin(origin);
    if (!n) return false;
    if (!this.origins.has(n)) {
      this.origins.add(n);
      this.listeners.forEach((l) => l());
    }
    return true;
  }

  remove(origin: string): void {
    const n = webOrigin(origin);
    if (n && this.origins.delete(n)) this.listeners.forEach((l) => l());
  }

  /** Replaces the whole list (e.g. after "change server"). */
  set(origins: Iterable<string>): void {
    this.origins.clear();
    for (const o of origins) {
      const n = webOrigin(o);
      if (n) this.origins.add(n);
    }
    this.listeners.forEach((l) => l());
  }

  has(origin: string | undefined | null): boolean {
    if (!origin) return false;
    const n = webOrigin(origin);
    return n !== null && this.origins.has(n);
  }

  list(): string[] {
    return [...this.origins];
  }

  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}
