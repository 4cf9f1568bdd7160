/**
 * The API router: innovaphone's client-API envelope (RegisterApi / ApiModel / ConsumeApi /
 * ApiRequest / ApiResult / ApiUpdate / ApiConsumerClosed) between endpoints. An endpoint is a
 * WebSocket client of the local services server (the hosted web client bridging its apps, or any
 * other authenticated local client) or an in-process platform service. The router knows nothing
 * about transports; frames arriving here are already validated against common/bus.ts.
 */
import {
  Api,
  type ClientFrame,
  type ProviderEntry,
  type ServerFrame,
  type ConsumerApiResultFrame,
} from '../../common/bus';
import type { Logger } from '../platform';

export interface Endpoint {
  /** Opaque id; doubles as the `consumer` id providers see. */
  readonly id: string;
  /** Short description for traces ("ws 127.0.0.1:5123 https://pbx.example.com" or "@localsearch"). */
  readonly label: string;
  /** Origin of a WebSocket client; undefined for in-process platform services. */
  readonly origin?: string;
  deliver(frame: ServerFrame): void;
}

/**
 * Provider names starting with '@' belong to the client itself: `@client` (the myApps web client,
 * loaded from the PBX origin) and the launcher's own services (`@launcher`, `@phonebook`, …,
 * in-process). Without this, any app of an allowed App Platform origin could register `@client`
 * first and feed the launcher a forged client model (update build, admin settings).
 */
export type ReservedNamePolicy = (endpoint: Endpoint, api: string, provider: string) => string | null;

interface ProviderRecord {
  endpoint: Endpoint;
  entry: ProviderEntry;
}

export interface ProviderRequest {
  consumer: string;
  src: string;
  msg: Record<string, unknown>;
}

export interface ProvidedApi {
  readonly api: string;
  readonly provider: string;
  setModel(model: Record<string, unknown>): void;
  /** Answer (or push an update to) one consumer. */
  send(consumer: string, src: string, msg: Record<string, unknown>, errorText?: string): void;
  /** Called when a consumer goes away (its connection closed). */
  onConsumerClosed(cb: (consumer: string) => void): () => void;
  close(): void;
}

export type ProviderHandler = (req: ProviderRequest, api: ProvidedApi) => void | Promise<void>;

export interface RequestOptions {
  /** Provider name, '*' for every provider, absent for the default provider. */
  provider?: string;
  /** Correlation id; generated when absent. */
  src?: string;
}

export interface ConsumedApi {
  readonly api: string;
  readonly consumer: string;
  providers(): Record<string, ProviderEntry>;
  onUpdate(cb: (providers: Record<string, ProviderEntry>) => void): () => void;
  /** Sends an ApiRequest; returns the src used. Throws when no provider can take it. */
  send(msg: Record<string, unknown>, opts?: RequestOptions): string;
  /**
   * Sends an ApiRequest and collects the ApiResult messages with the same src until `until`
   * returns true (inclusive) or the timeout elapses (then rejects, unless `partialOnTimeout`).
   */
  request(
    msg: Record<string, unknown>,
    opts?: RequestOptions & { until?: (m: Record<string, unknown>) => boolean; timeoutMs?: number; partialOnTimeout?: boolean },
  ): Promise<Record<string, unknown>[]>;
  onResult(cb: (frame: ConsumerApiResultFrame) => void): () => void;
  /** Resolves with a provider name once one is registered (the default one when several). */
  waitForProvider(timeoutMs?: number, provider?: string): Promise<string>;
  close(): void;
}

export class RouterError extends Error {
  constructor(
    readonly code: 'unknown-api' | 'no-provider' | 'not-provider' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

let srcCounter = 0;
function newSrc(prefix: string): string {
  srcCounter = (srcCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${srcCounter.toString(36)}`;
}

export class ApiRouter {
  /** api -> provider name -> record (insertion order = registration order). */
  private readonly providers = new Map<string, Map<string, ProviderRecord>>();
  /** api -> consuming endpoints. */
  private readonly consumers = new Map<string, Map<string, Endpoint>>();
  /** endpoint id -> set of "api\nprovider" it sent requests to (for ApiConsumerClosed). */
  private readonly talkedTo = new Map<string, Set<string>>();
  /** api\nprovider -> restart counter, survives re-registration. */
  private readonly restarts = new Map<string, number>();
  private readonly defaults = new Map<string, string>();
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly consumerClosedListeners = new Map<string, Set<(consumer: string) => void>>();
  private nextId = 1;

  constructor(
    private readonly logger: Logger,
    private readonly reservedNames: ReservedNamePolicy = defaultReservedNamePolicy(() => undefined),
    /** At most this many provider registrations and API subscriptions per endpoint. */
    private readonly maxPerEndpoint = 256,
  ) {}

  private countFor(endpointId: string): number {
    let n = 0;
    for (const byName of this.providers.values()) for (const rec of byName.values()) if (rec.endpoint.id === endpointId) n++;
    for (const byId of this.consumers.values()) if (byId.has(endpointId)) n++;
    return n;
  }

  /** Forget restart counters of providers that are gone, once there are many (names are client-chosen). */
  private pruneRestarts(): void {
    if (this.restarts.size <= 4096) return;
    for (const key of this.restarts.keys()) {
      const [api, name] = key.split('\n') as [string, string];
      if (!this.providers.get(api)?.has(name)) this.restarts.delete(key);
    }
  }

  newEndpointId(prefix = 'c'): string {
    return `${prefix}${(this.nextId++).toString(36)}`;
  }

  attach(endpoint: Endpoint): void {
    this.endpoints.set(endpoint.id, endpoint);
  }

  /** Removes every registration of the endpoint and tells providers it talked to. */
  detach(endpointId: string): void {
    const endpoint = this.endpoints.get(endpointId);
    if (!endpoint) return;
    this.endpoints.delete(endpointId);
    // Providers it offered.
    for (const [api, byName] of this.providers) {
      let changed = false;
      for (const [name, rec] of byName) {
        if (rec.endpoint.id === endpointId) {
          byName.delete(name);
          changed = true;
          this.logger.trace('App', `bus: provider ${name} of ${api} gone`, { endpoint: endpoint.label });
        }
      }
      if (changed) this.publish(api);
    }
    // Subscriptions it held.
    for (const byId of this.consumers.values()) byId.delete(endpointId);
    // Providers it talked to learn that the consumer closed.
    const talked = this.talkedTo.get(endpointId);
    this.talkedTo.delete(endpointId);
    if (talked) {
      for (const key of talked) {
        const [api, name] = key.split('\n') as [string, string];
        const rec = this.providers.get(api)?.get(name);
        if (rec) rec.endpoint.deliver({ mt: 'ApiConsumerClosed', api, provider: name, consumer: endpointId });
      }
    }
  }

  setDefaultProvider(api: string, provider: string | undefined): void {
    if (provider) this.defaults.set(api, provider);
    else this.defaults.delete(api);
    this.publish(api);
  }

  snapshot(api: string): Record<string, ProviderEntry> {
    const out: Record<string, ProviderEntry> = {};
    for (const [name, rec] of this.providers.get(api) ?? []) out[name] = rec.entry;
    return out;
  }

  /** Handles one validated frame from an endpoint. Throws RouterError for refusals. */
  handle(from: Endpoint, frame: ClientFrame): void {
    switch (frame.mt) {
      case 'RegisterApi': {
        const refusal = frame.provider.startsWith('@') ? this.reservedNames(from, frame.api, frame.provider) : null;
        if (refusal) throw new RouterError('not-provider', refusal);
        let byName = this.providers.get(frame.api);
        if (!byName) this.providers.set(frame.api, (byName = new Map()));
        const existing = byName.get(frame.provider);
        if (!existing && this.countFor(from.id) >= this.maxPerEndpoint) {
          throw new RouterError('invalid', `too many registrations on one connection (at most ${this.maxPerEndpoint})`);
        }
        if (existing && existing.endpoint.id !== from.id) {
          throw new RouterError('not-provider', `provider ${frame.provider} of ${frame.api} is already registered by another client`);
        }
        const key = `${frame.api}\n${frame.provider}`;
        const restart = this.restarts.has(key) ? this.restarts.get(key)! + (existing ? 0 : 1) : 0;
        this.restarts.set(key, restart);
        byName.set(frame.provider, {
          endpoint: from,
          entry: {
            title: frame.title ?? existing?.entry.title ?? frame.provider,
            url: existing?.entry.url ?? '',
            info: frame.info ?? existing?.entry.info ?? {},
            model: frame.model ?? existing?.entry.model ?? {},
            restart,
          },
        });
        this.pruneRestarts();
        this.logger.trace('App', `bus: ${from.label} provides ${frame.api} as ${frame.provider}`);
        this.publish(frame.api);
        return;
      }
      case 'UnregisterApi': {
        const rec = this.ownRecord(from, frame.api, frame.provider);
        if (rec) {
          this.providers.get(frame.api)!.delete(frame.provider);
          this.publish(frame.api);
        }
        return;
      }
      case 'ApiModel': {
        const rec = this.ownRecord(from, frame.api, frame.provider);
        if (!rec) throw new RouterError('not-provider', `ApiModel for ${frame.api}/${frame.provider} which this client does not provide`);
        rec.entry = { ...rec.entry, model: frame.model };
        this.publish(frame.api);
        return;
      }
      case 'ConsumeApi': {
        let byId = this.consumers.get(frame.api);
        if (!byId) this.consumers.set(frame.api, (byId = new Map()));
        if (!byId.has(from.id) && this.countFor(from.id) >= this.maxPerEndpoint) {
          throw new RouterError('invalid', `too many registrations on one connection (at most ${this.maxPerEndpoint})`);
        }
        byId.set(from.id, from);
        from.deliver(this.updateFrame(frame.api));
        return;
      }
      case 'UnconsumeApi': {
        this.consumers.get(frame.api)?.delete(from.id);
        return;
      }
      case 'ApiRequest': {
        const targets = this.resolveProviders(frame.api, frame.provider);
        const talked = this.talkedTo.get(from.id) ?? new Set<string>();
        this.talkedTo.set(from.id, talked);
        for (const [name, rec] of targets) {
          talked.add(`${frame.api}\n${name}`);
          rec.endpoint.deliver({ mt: 'ApiRequest', api: frame.api, provider: name, consumer: from.id, src: frame.src, msg: frame.msg });
        }
        return;
      }
      case 'ApiResult': {
        const rec = this.ownRecord(from, frame.api, frame.provider);
        if (!rec) throw new RouterError('not-provider', `ApiResult for ${frame.api}/${frame.provider} which this client does not provide`);
        const to = this.endpoints.get(frame.consumer);
        if (!to) {
          this.logger.trace('App', `bus: result for closed consumer ${frame.consumer} dropped`, { api: frame.api });
          return;
        }
        const out: ConsumerApiResultFrame = { mt: 'ApiResult', api: frame.api, provider: frame.provider, src: frame.src, msg: frame.msg };
        if (frame.errorText !== undefined) out.errorText = frame.errorText;
        to.deliver(out);
        return;
      }
    }
  }

  private ownRecord(from: Endpoint, api: string, provider: string): ProviderRecord | undefined {
    const rec = this.providers.get(api)?.get(provider);
    return rec && rec.endpoint.id === from.id ? rec : undefined;
  }

  private resolveProviders(api: string, provider: string | undefined): [string, ProviderRecord][] {
    const byName = this.providers.get(api);
    if (!byName || byName.size === 0) throw new RouterError('no-provider', `no provider for ${api}`);
    if (provider === '*') return [...byName];
    if (provider !== undefined) {
      const rec = byName.get(provider);
      if (!rec) throw new RouterError('no-provider', `no provider ${provider} for ${api}`);
      return [[provider, rec]];
    }
    const def = this.defaults.get(api);
    if (def && byName.has(def)) return [[def, byName.get(def)!]];
    const first = byName.entries().next().value as [string, ProviderRecord];
    return [first];
  }

  private updateFrame(api: string): ServerFrame {
    const def = this.defaults.get(api);
    return { mt: 'ApiUpdate', apis: { [api]: this.snapshot(api) }, defaultApiProviders: def ? { [api]: def } : {} };
  }

  private publish(api: string): void {
    const byId = this.consumers.get(api);
    if (!byId || byId.size === 0) return;
    const frame = this.updateFrame(api);
    for (const ep of byId.values()) ep.deliver(frame);
  }

  // ---- in-process providers and consumers (platform services) ----------------------------

  provide(
    api: string,
    provider: string,
    handler: ProviderHandler,
    opts: { title?: string; info?: Record<string, unknown>; model?: Record<string, unknown> } = {},
  ): ProvidedApi {
    const router = this;
    const listeners = new Set<(consumer: string) => void>();
    let closed = false;
    const endpoint: Endpoint = {
      id: this.newEndpointId('p'),
      label: provider,
      deliver(frame) {
        if (closed) return;
        if (frame.mt === 'ApiRequest') {
          try {
            const r = handler({ consumer: frame.consumer, src: frame.src, msg: frame.msg }, handle);
            if (r && typeof (r as Promise<void>).catch === 'function') {
              (r as Promise<void>).catch((err: unknown) => router.logger.error(`bus: provider ${provider} of ${api} failed`, { error: String(err) }));
            }
          } catch (err) {
            router.logger.error(`bus: provider ${provider} of ${api} failed`, { error: String(err) });
          }
        } else if (frame.mt === 'ApiConsumerClosed') {
          listeners.forEach((l) => l(frame.consumer));
        }
      },
    };
    const handle: ProvidedApi = {
      api,
      provider,
      setModel(model) {
        if (!closed) router.handle(endpoint, { mt: 'ApiModel', api, provider, model });
      },
      send(consumer, src, msg, errorText) {
        if (closed) return;
        const frame: ClientFrame = { mt: 'ApiResult', api, provider, consumer, src, msg };
        if (errorText !== undefined) frame.errorText = errorText;
        router.handle(endpoint, frame);
      },
      onConsumerClosed(cb) {
        listeners.add(cb);
        return () => listeners.delete(cb);
      },
      close() {
        if (closed) return;
        closed = true;
        router.detach(endpoint.id);
      },
    };
    this.attach(endpoint);
    this.handle(endpoint, { mt: 'RegisterApi', api, provider, title: opts.title, info: opts.info, model: opts.model });
    return handle;
  }

  consume(api: string): ConsumedApi {
    const router = this;
    const updateListeners = new Set<(p: Record<string, ProviderEntry>) => void>();
    const resultListeners = new Set<(f: ConsumerApiResultFrame) => void>();
    let current: Record<string, ProviderEntry> = {};
    let closed = false;
    const endpoint: Endpoint = {
      id: this.newEndpointId('i'),
      label: `in-process consumer of ${api}`,
      deliver(frame) {
        if (closed) return;
        if (frame.mt === 'ApiUpdate') {
          const apis = frame.apis[api];
          if (apis) {
            current = apis;
            updateListeners.forEach((l) => l(current));
          }
        } else if (frame.mt === 'ApiResult') {
          resultListeners.forEach((l) => l(frame));
        }
      },
    };
    this.attach(endpoint);
    this.handle(endpoint, { mt: 'ConsumeApi', api });

    const handle: ConsumedApi = {
      api,
      consumer: endpoint.id,
      providers: () => current,
      onUpdate(cb) {
        updateListeners.add(cb);
        return () => updateListeners.delete(cb);
      },
      send(msg, opts = {}) {
        if (closed) throw new Error(`consumer of ${api} is closed`);
        const src = opts.src ?? newSrc(endpoint.id);
        router.handle(endpoint, { mt: 'ApiRequest', api, provider: opts.provider, src, msg });
        return src;
      },
      request(msg, opts = {}) {
        const src = opts.src ?? newSrc(endpoint.id);
        const timeoutMs = opts.timeoutMs ?? 10_000;
        const until = opts.until ?? (() => true);
        return new Promise((resolve, reject) => {
          const got: Record<string, unknown>[] = [];
          const off = handle.onResult((f) => {
            if (f.src !== src) return;
            got.push(f.msg);
            if (until(f.msg)) {
              clearTimeout(timer);
              off();
              resolve(got);
            }
          });
          const timer = setTimeout(() => {
            off();
            if (opts.partialOnTimeout) resolve(got);
            else reject(new Error(`${api} ${String(msg.mt)}: no complete answer within ${timeoutMs} ms (${got.length} partial)`));
          }, timeoutMs);
          try {
            handle.send(msg, { provider: opts.provider, src });
          } catch (err) {
            clearTimeout(timer);
            off();
            reject(err);
          }
        });
      },
      onResult(cb) {
        resultListeners.add(cb);
        return () => resultListeners.delete(cb);
      },
      waitForProvider(timeoutMs = 10_000, provider) {
        const pick = (p: Record<string, ProviderEntry>): string | undefined => {
          if (provider) return provider in p ? provider : undefined;
          const def = router.defaults.get(api);
          if (def && def in p) return def;
          return Object.keys(p)[0];
        };
        const now = pick(current);
        if (now) return Promise.resolve(now);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            off();
            reject(new Error(`no provider for ${api}${provider ? ` named ${provider}` : ''} within ${timeoutMs} ms`));
          }, timeoutMs);
          const off = handle.onUpdate((p) => {
            const name = pick(p);
            if (name) {
              clearTimeout(timer);
              off();
              resolve(name);
            }
          });
        });
      },
      close() {
        if (closed) return;
        closed = true;
        router.detach(endpoint.id);
      },
    };
    return handle;
  }
}

/**
 * The default policy: in-process providers may use any '@' name; a WebSocket client only
 * `@client` for `com.innovaphone.client`, and only from the PBX origin.
 */
export function defaultReservedNamePolicy(pbxOrigin: () => string | undefined): ReservedNamePolicy {
  return (endpoint, api, provider) => {
    if (endpoint.origin === undefined) return null;
    if (provider === '@client' && api === Api.client) {
      const pbx = pbxOrigin();
      return pbx && endpoint.origin === pbx ? null : `@client may only be provided by the web client of the PBX origin, not ${endpoint.origin}`;
    }
    return `provider names starting with @ are reserved for the client (${provider})`;
  };
}
