/**
 * The local phone book service: keeps an in-memory index over all contact sources, rebuilt when a
 * source changes, and answers com.innovaphone.search (`Search`) and reverse lookup (`Lookup`,
 * under both com.innovaphone.phonelookup and com.innovaphone.lookup) on the local services bus.
 */
import { z } from 'zod';
import { Api } from '../../common/bus';
import type { ApiRouter, LocalModule, ProvidedApi, ProviderRequest } from '../bus';
import type { Logger } from '../platform';
import type { ContactSource, PhonebookSettings } from './ports';
import { DEFAULT_PHONEBOOK_SETTINGS } from './ports';
import { ContactIndex, type IndexEntry, type LookupHit, type SearchHit } from './search-index';
import { wireContact, type PhonebookContact } from './types';
import { contextKey, type DialContext } from './normalize';

const TRACE = 'App';

/** The part of the bus router (electron/bus ApiRouter) the phone book needs. */
export type PhonebookRouter = Pick<ApiRouter, 'localModule'>;

/** Display name (title) of the phone book's providers; their name is the module's `@local-<id>`. */
export const PHONEBOOK_DN = 'Local contacts';
/** The two names the documentation gives the reverse-lookup API (docs/phonebook.md). */
export const LOOKUP_APIS = [Api.phoneLookup, Api.lookup] as const;

const text = (max: number) => z.string().max(max).optional();
const SearchMsg = z.object({ mt: z.literal('Search'), search: z.string().max(500).optional(), type: text(50) }).passthrough();
const LookupMsg = z
  .object({
    mt: z.literal('Lookup'),
    lookup: z.string().max(100),
    prefixIntl: text(20),
    prefixNtl: text(20),
    prefixExt: text(20),
    area: text(20),
    country: text(10),
    subscriber: text(40),
  })
  .passthrough();

export interface PhonebookOptions {
  router: PhonebookRouter;
  logger: Logger;
  sources: ContactSource[];
  settings?: Partial<Pick<PhonebookSettings, 'maxResults' | 'refreshIntervalMs'>>;
  /** Provider title shown in choosers (the module's display name). Default PHONEBOOK_DN. */
  title?: string;
}

interface SourceState {
  source: ContactSource;
  signature?: string;
  loaded: boolean;
  available: boolean;
  contacts: PhonebookContact[];
  unwatch?: () => void;
  lastReason?: string;
}

const MAX_SKIP_TRACES = 20;

export class Phonebook {
  private index = new ContactIndex([]);
  private readonly states: SourceState[];
  private maxResults: number;
  private refreshIntervalMs: number;
  private timer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private closed = false;
  private providers: ProvidedApi[] = [];
  private readonly module: LocalModule;
  private recentContexts: DialContext[] = [];
  private readonly firstLoad: Promise<void>;

  private constructor(private readonly opts: PhonebookOptions) {
    this.maxResults = opts.settings?.maxResults ?? DEFAULT_PHONEBOOK_SETTINGS.maxResults;
    this.refreshIntervalMs = opts.settings?.refreshIntervalMs ?? DEFAULT_PHONEBOOK_SETTINGS.refreshIntervalMs;
    this.states = opts.sources.map((source) => ({ source, loaded: false, available: false, contacts: [] }));
    this.module = opts.router.localModule(opts.title ?? PHONEBOOK_DN);
    for (const st of this.states) {
      try {
        st.unwatch = st.source.watch?.(() => this.scheduleRefresh());
      } catch (err) {
        opts.logger.trace(TRACE, `phonebook: cannot watch ${st.source.name}: ${String(err)}`);
      }
    }
    this.firstLoad = this.refresh();
    this.armTimer();
  }

  /** Start the phone book; providers appear on the bus once a source has delivered contacts. */
  static start(opts: PhonebookOptions): Phonebook {
    return new Phonebook(opts);
  }

  /** Resolves after the first load of every source (whatever its outcome). */
  ready(): Promise<void> {
    return this.firstLoad;
  }

  get size(): number {
    return this.index.size;
  }

  /** The providers' name on the bus (`@local-<id>`, new at every start). */
  get providerName(): string {
    return this.module.id;
  }

  /** True while the providers are registered on the bus. */
  get providing(): boolean {
    return this.providers.length > 0;
  }

  updateSettings(s: Partial<Pick<PhonebookSettings, 'maxResults' | 'refreshIntervalMs'>>): void {
    if (s.maxResults !== undefined) this.maxResults = Math.max(1, Math.floor(s.maxResults));
    if (s.refreshIntervalMs !== undefined && s.refreshIntervalMs !== this.refreshIntervalMs) {
      this.refreshIntervalMs = s.refreshIntervalMs;
      this.armTimer();
    }
  }

  search(q: string, max = this.maxResults): SearchHit[] {
    return this.index.search(q, max);
  }

  lookup(dialString: string, ctx: DialContext, max = this.maxResults): LookupHit[] {
    this.rememberContext(ctx);
    return this.index.lookup(dialString, ctx, max);
  }

  /** Check every source now (reload those that changed) and rebuild the index if needed. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.refreshOnce();
      } while (this.again && !this.closed);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    for (const st of this.states) st.unwatch?.();
    this.setProviding(false);
    await this.running?.catch(() => undefined);
    this.module.close();
  }

  // ---- internals -------------------------------------------------------------------------

  private armTimer(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.closed) return;
    this.timer = setInterval(() => void this.refresh(), Math.max(1000, this.refreshIntervalMs));
    this.timer.unref?.();
  }

  private scheduleRefresh(): void {
    if (this.closed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.refresh(), 300);
    this.debounce.unref?.();
  }

  private async refreshOnce(): Promise<void> {
    const log = this.opts.logger;
    let changed = false;
    for (const st of this.states) {
      if (this.closed) return;
      const name = st.source.name;
      try {
        if (st.loaded && st.source.signature) {
          const sig = await st.source.signature();
          if (sig === st.signature) continue;
          st.signature = sig;
        } else if (st.source.signature) {
          st.signature = await st.source.signature();
        }
        const t0 = performance.now();
        const r = await st.source.load();
        st.loaded = true;
        if (r.status === 'unavailable') {
          if (st.available || st.lastReason !== r.reason) log.warn(`phonebook: source ${name} is off: ${r.reason}`, { source: name });
          if (st.available || st.contacts.length) changed = true;
          st.available = false;
          st.contacts = [];
          st.lastReason = r.reason;
          continue;
        }
        st.available = true;
        st.lastReason = undefined;
        st.contacts = r.contacts;
        changed = true;
        r.skipped.slice(0, MAX_SKIP_TRACES).forEach((s) => log.trace(TRACE, `phonebook: ${name}: skipped malformed record`, { origin: s.origin, at: s.at, reason: s.reason }));
        if (r.skipped.length > MAX_SKIP_TRACES) log.trace(TRACE, `phonebook: ${name}: ${r.skipped.length - MAX_SKIP_TRACES} more malformed records skipped`);
        log.trace(TRACE, `phonebook: ${name}: ${r.contacts.length} contacts loaded`, { skipped: r.skipped.length, ms: Math.round(performance.now() - t0) });
      } catch (err) {
        // Transient failure: keep what we had, try again at the next refresh.
        st.signature = undefined;
        log.warn(`phonebook: source ${name} failed, keeping its previous contacts: ${err instanceof Error ? err.message : String(err)}`, { source: name });
      }
    }
    if (this.closed) return;
    if (changed) this.rebuild();
    this.setProviding(this.states.some((s) => s.available));
  }

  private rebuild(): void {
    const t0 = performance.now();
    const entries: IndexEntry[] = [];
    for (const st of this.states) for (const contact of st.contacts) entries.push({ source: st.source.name, contact });
    const next = new ContactIndex(entries);
    for (const ctx of this.recentContexts) next.lookupMap(ctx);
    this.index = next;
    this.opts.logger.trace(TRACE, `phonebook: index rebuilt with ${entries.length} contacts`, { ms: Math.round(performance.now() - t0) });
  }

  private rememberContext(ctx: DialContext): void {
    const key = contextKey(ctx);
    if (this.recentContexts[0] && contextKey(this.recentContexts[0]) === key) return;
    this.recentContexts = [ctx, ...this.recentContexts.filter((c) => contextKey(c) !== key)].slice(0, 2);
  }

  private setProviding(on: boolean): void {
    if (on === this.providing) return;
    const log = this.opts.logger;
    if (!on) {
      for (const p of this.providers) p.close();
      this.providers = [];
      log.trace(TRACE, 'phonebook: no contact source available, providers closed');
      return;
    }
    const m = this.module;
    this.providers = [
      m.provide(Api.search, (req, api) => this.onSearch(req, api), { model: {} }),
      ...LOOKUP_APIS.map((a) => m.provide(a, (req, api) => this.onLookup(req, api), { model: {} })),
    ];
    log.trace(TRACE, `phonebook: providing ${Api.search}, ${LOOKUP_APIS.join(', ')} as ${m.id} (${m.dn})`);
  }

  private onSearch(req: ProviderRequest, api: ProvidedApi): void {
    const log = this.opts.logger;
    const parsed = SearchMsg.safeParse(req.msg);
    if (!parsed.success) {
      if (req.msg.mt === 'Search') {
        log.trace(TRACE, 'phonebook: invalid Search request', { consumer: req.consumer, issue: parsed.error.issues[0]?.message });
        api.send(req, { mt: 'SearchResult' });
      } else log.trace(TRACE, `phonebook: ignoring ${String(req.msg.mt)} on ${Api.search}`);
      return;
    }
    const { search = '', type } = parsed.data;
    const hits = type && type !== 'contact' ? [] : this.search(search);
    for (const h of hits) {
      api.send(req, { mt: 'SearchInfo', dn: h.dn, type: 'contact', contact: wireContact(h.contact), relevance: h.relevance, adjust: true });
    }
    api.send(req, { mt: 'SearchResult' });
    log.trace(TRACE, `phonebook: Search answered with ${hits.length} contacts`, { consumer: req.consumer });
  }

  private onLookup(req: ProviderRequest, api: ProvidedApi): void {
    const log = this.opts.logger;
    const parsed = LookupMsg.safeParse(req.msg);
    if (!parsed.success) {
      if (req.msg.mt === 'Lookup') {
        log.trace(TRACE, 'phonebook: invalid Lookup request', { consumer: req.consumer, issue: parsed.error.issues[0]?.message });
        api.send(req, { mt: 'LookupResult' });
      } else log.trace(TRACE, `phonebook: ignoring ${String(req.msg.mt)} on lookup`);
      return;
    }
    const { lookup, prefixIntl, prefixNtl, prefixExt, area, country, subscriber } = parsed.data;
    const hits = this.lookup(lookup, { prefixIntl, prefixNtl, prefixExt, area, country, subscriber });
    for (const h of hits) api.send(req, { mt: 'LookupInfo', dn: h.dn, contact: wireContact(h.contact), adjust: true });
    api.send(req, { mt: 'LookupResult' });
    log.trace(TRACE, `phonebook: Lookup answered with ${hits.length} contacts`, { consumer: req.consumer });
  }
}
