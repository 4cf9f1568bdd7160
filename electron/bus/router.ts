/**
 * The API relay (innovaphone's ApiRelay, see common/bus.ts): RegisterApi / ApiModel /
 * ConsumeApi / ApiRequest / ApiResult / ApiUpdate / ApiConsumerClosed between endpoints. An
 * endpoint is a WebSocket client of the local services server (the hosted web client bridging its
 * apps, `@client-<id>`) or a launcher module in this process (`@local-<id>` with a display name,
 * one per platform service). The router knows nothing about transports; frames arriving here are
 * already validated against common/bus.ts.
 *
 * Routing: a request goes to the endpoint of the provider it names, of the default provider when
 * it names none, or of every provider when it names `*` (each endpoint once: a web client hands it
 * to its own apps); it travels as the consumer sent it plus `client` (the sending connection). A
 * result goes to the connection named by its `client`, or, without `client`, to the launcher
 * module named by its `consumer`.
 */
import { randomUUID } from 'node:crypto';
import { BUS_MAX_JSON_DEPTH, BUS_MAX_MODEL_BYTES, BUS_MAX_MODEL_BYTES_PER_CLIENT, CLIENT_PREFIX, LOCAL_PREFIX, type ApiRequestFrame, type ApiResultFrame, type ClientFrame, type ProviderEntry, type ServerFrame } from '../../common/bus';
import type { Logger } from '../platform';
import { measureJson } from '../../common/json-bounds';

export interface Endpoint {
  /** `@client-<id>` (WebSocket connection) or `@local-<id>` (launcher module). */
  readonly id: string;
  /** Short description for traces ("ws 127.0.0.1:5123 https://pbx.example.com" or the module's name). */
  readonly label: string;
  /** Origin of a WebSocket client; undefined for launcher modules. */
  readonly origin?: string;
  /** The `client` the bus puts on this endpoint's requests (its id); undefined for launcher modules. */
  readonly client?: string;
  deliver(frame: ServerFrame): void;
}

/**
 * Provider names starting with '@' belong to the client itself: `@client-<id>` (the myApps web
 * client of the PBX origin, named by the bus) and the launcher modules' `@local-<id>`
 * (in-process). Without this, any app of an allowed App Platform origin could pose as the web
 * client and feed the launcher a forged client model (update build, admin settings).
 * `implicit`: the frame named no provider, i.e. the connection's own `@client-<id>`.
 */
export type ReservedNamePolicy = (endpoint: Endpoint, api: string, provider: string, implicit: boolean) => string | null;

interface ProviderRecord {
  endpoint: Endpoint;
  entry: ProviderEntry;
  /** Bytes of JSON text of entry.model and entry.info (counted against the endpoint's budget). */
  bytes: number;
}

/** Who a result goes to: echo these from the request. */
export interface ReplyTo {
  consumer: string;
  client?: string;
  src?: string;
}

export interface ProviderRequest extends ReplyTo {
  /** As the consumer named it: a provider name, '*', or undefined for the default provider. */
  provider?: string;
  msg: Record<string, unknown>;
}

export interface ProvidedApi {
  readonly api: string;
  /** The provider name (the module's `@local-<id>`). */
  readonly provider: string;
  setModel(model: Record<string, unknown>): void;
  /** Answer (or push an update to) one consumer. */
  send(to: ReplyTo, msg: Record<string, unknown>, errorText?: string): void;
  /** Called when a consumer that sent requests goes away (its app or connection closed). */
  onConsumerClosed(cb: (consumer: { consumer: string; client?: string }) => void): () => void;
  close(): void;
}

export type ProviderHandler = (req: ProviderRequest, api: ProvidedApi) => void | Promise<void>;

export interface RequestOptions {
  /** Provider name, '*' for every provider, absent for the default provider. */
  provider?: string;
  /** Correlation id; a request without one gets results without one. */
  src?: string;
}

export interface ConsumedApi {
  readonly api: string;
  /** The consumer id providers see (the module's `@local-<id>`). */
  readonly consumer: string;
  providers(): Record<string, ProviderEntry>;
  onUpdate(cb: (providers: Record<string, ProviderEntry>) => void): () => void;
  /** Sends an ApiRequest (with `src` only when given). Throws when no provider can take it. */
  send(msg: Record<string, unknown>, opts?: RequestOptions): void;
  /**
   * Sends an ApiRequest with a src (generated when absent) and collects the ApiResult messages
   * with that src until `until` returns true (inclusive) or the timeout elapses (then rejects,
   * unless `partialOnTimeout`).
   */
  request(
    msg: Record<string, unknown>,
    opts?: RequestOptions & { until?: (m: Record<string, unknown>) => boolean; timeoutMs?: number; partialOnTimeout?: boolean },
  ): Promise<Record<string, unknown>[]>;
  onResult(cb: (frame: ApiResultFrame) => void): () => void;
  /** Resolves with a provider name once one is registered (the default one when several). */
  waitForProvider(timeoutMs?: number, provider?: string): Promise<string>;
  close(): void;
}

/**
 * A launcher module: one client of the relay with a display name (`dn`, the `title` its providers
 * show), providing and consuming under one `@local-<id>`, new at every start.
 */
export interface LocalModule {
  readonly id: string;
  readonly dn: string;
  /** Provides `api` under the module's name (`opts.name` overrides it: tests standing in for a web client). */
  provide(
    api: string,
    handler: ProviderHandler,
    opts?: { title?: string; info?: Record<string, unknown>; model?: Record<string, unknown>; name?: string },
  ): ProvidedApi;
  consume(api: string): ConsumedApi;
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

/** Most consumer ids remembered per connection for ApiConsumerClosed (ids are client-chosen). */
const MAX_CONSUMERS_PER_ENDPOINT = 1024;

let srcCounter = 0;
function newSrc(prefix: string): string {
  srcCounter = (srcCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${srcCounter.toString(36)}`;
}

/** api -> ids of the provider endpoints one consumer sent requests to. */
type Talked = Map<string, Set<string>>;

export class ApiRouter {
  /** api -> provider name -> record (insertion order = registration order). */
  private readonly providers = new Map<string, Map<string, ProviderRecord>>();
  /** api -> consuming endpoints. */
  private readonly consumers = new Map<string, Map<string, Endpoint>>();
  /** consumer endpoint id -> consumer -> api -> provider endpoint ids it sent requests to (ApiConsumerClosed). */
  private readonly talkedTo = new Map<string, Map<string, Talked>>();
  /** api\nprovider -> restart counter, survives re-registration. */
  private readonly restarts = new Map<string, number>();
  private readonly defaults = new Map<string, string>();
  private readonly endpoints = new Map<string, Endpoint>();
  /**
   * The current ApiUpdate of each API, until the registry of the API changes: every consumer (and
   * every ConsumeApi) gets the same frame, which the bus client serialises once.
   */
  private readonly updates = new Map<string, ServerFrame>();

  constructor(
    private readonly logger: Logger,
    private readonly reservedNames: ReservedNamePolicy = defaultReservedNamePolicy(() => undefined),
    /** At most this many provider registrations and API subscriptions per endpoint. */
    private readonly maxPerEndpoint = 256,
  ) {}

  /** Bytes of models and infos the endpoint has registered, without `except` (the record being replaced). */
  private bytesFor(endpointId: string, except?: ProviderRecord): number {
    let n = 0;
    for (const byName of this.providers.values()) for (const rec of byName.values()) if (rec.endpoint.id === endpointId && rec !== except) n += rec.bytes;
    return n;
  }

  /**
   * The size of a model and info about to be kept for `from` (replacing `existing`); refuses a
   * value nested too deep or too large, and an endpoint past its budget. The bus client's schema
   * refuses the same for WebSocket frames; this holds for launcher modules (whose models come from
   * PBX data) too, so that no ApiUpdate ever fails to serialise.
   */
  private modelBytes(from: Endpoint, existing: ProviderRecord | undefined, model: Record<string, unknown>, info: Record<string, unknown>): number {
    let bytes = 0;
    for (const [what, v] of [['model', model], ['info', info]] as const) {
      const m = measureJson(v, { maxDepth: BUS_MAX_JSON_DEPTH, maxBytes: BUS_MAX_MODEL_BYTES });
      if (m.error) throw new RouterError('invalid', `${what}: ${m.error}`);
      bytes += m.bytes;
    }
    if (this.bytesFor(from.id, existing) + bytes > BUS_MAX_MODEL_BYTES_PER_CLIENT) {
      throw new RouterError('invalid', `the models of one connection are limited to ${BUS_MAX_MODEL_BYTES_PER_CLIENT} bytes of JSON`);
    }
    return bytes;
  }

  /**
   * Hands a frame to one endpoint. A failure there (a launcher module's listener throwing, a frame
   * that cannot be sent) stays with that endpoint: it is traced, and the frame still reaches the
   * others and the sender gets no error for it.
   */
  private deliverTo(to: Endpoint, frame: ServerFrame): void {
    try {
      to.deliver(frame);
    } catch (err) {
      this.logger.error(`bus: ${frame.mt} to ${to.label} failed`, { error: String(err) });
    }
  }

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

  /** A new `@client-<id>` for a WebSocket connection. */
  newClientId(): string {
    return `${CLIENT_PREFIX}${randomUUID()}`;
  }

  attach(endpoint: Endpoint): void {
    this.endpoints.set(endpoint.id, endpoint);
  }

  /** Removes every registration of the endpoint and tells providers its consumers talked to. */
  detach(endpointId: string): void {
    const endpoint = this.endpoints.get(endpointId);
    if (!endpoint) return;
    this.endpoints.delete(endpointId);
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
    for (const api of [...this.consumers.keys()]) this.unconsume(api, endpointId);
    const talked = this.talkedTo.get(endpointId);
    this.talkedTo.delete(endpointId);
    for (const consumer of talked?.keys() ?? []) this.consumerClosed(endpoint, consumer, talked!);
  }

  /** Tells every provider endpoint the consumer sent requests to that it is gone. */
  private consumerClosed(from: Endpoint, consumer: string, talked: Map<string, Talked>): void {
    const byApi = talked.get(consumer);
    talked.delete(consumer);
    for (const [api, providerEndpoints] of byApi ?? []) {
      for (const providerEndpoint of providerEndpoints) {
        const to = this.endpoints.get(providerEndpoint);
        if (!to) continue;
        this.deliverTo(to, from.client ? { mt: 'ApiConsumerClosed', api, consumer, client: from.client } : { mt: 'ApiConsumerClosed', api, consumer });
      }
    }
  }

  setDefaultProvider(api: string, provider: string | undefined): void {
    if (provider) this.defaults.set(api, provider);
    else this.defaults.delete(api);
    this.publish(api);
  }

  defaultProvider(api: string): string | undefined {
    return this.defaults.get(api);
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
        const name = frame.provider ?? from.id;
        const refusal = name.startsWith('@') ? this.reservedNames(from, frame.api, name, frame.provider === undefined) : null;
        if (refusal) throw new RouterError('not-provider', refusal);
        let byName = this.providers.get(frame.api);
        if (!byName) this.providers.set(frame.api, (byName = new Map()));
        const existing = byName.get(name);
        if (!existing && this.countFor(from.id) >= this.maxPerEndpoint) {
          throw new RouterError('invalid', `too many registrations on one connection (at most ${this.maxPerEndpoint})`);
        }
        if (existing && existing.endpoint.id !== from.id) {
          throw new RouterError('not-provider', `provider ${name} of ${frame.api} is already registered by another client`);
        }
        const info = frame.info ?? existing?.entry.info ?? {};
        const model = frame.model ?? existing?.entry.model ?? {};
        const bytes = this.modelBytes(from, existing, model, info);
        const key = `${frame.api}\n${name}`;
        const restart = this.restarts.has(key) ? this.restarts.get(key)! + (existing ? 0 : 1) : 0;
        this.restarts.set(key, restart);
        byName.set(name, {
          endpoint: from,
          entry: { title: frame.title ?? existing?.entry.title ?? name, url: existing?.entry.url ?? '', info, model, restart },
          bytes,
        });
        this.pruneRestarts();
        this.logger.trace('App', `bus: ${from.label} provides ${frame.api} as ${name}`);
        this.publish(frame.api);
        return;
      }
      case 'UnregisterApi': {
        const name = frame.provider ?? from.id;
        if (this.ownRecord(from, frame.api, name)) {
          this.providers.get(frame.api)!.delete(name);
          this.publish(frame.api);
        }
        return;
      }
      case 'ApiModel': {
        const name = frame.provider ?? from.id;
        const rec = this.ownRecord(from, frame.api, name);
        if (!rec) throw new RouterError('not-provider', `ApiModel for ${frame.api}/${name} which this client does not provide`);
        rec.bytes = this.modelBytes(from, rec, frame.model, rec.entry.info);
        rec.entry = { ...rec.entry, model: frame.model };
        this.publish(frame.api);
        return;
      }
      case 'ConsumeApi': {
        let byId = this.consumers.get(frame.api);
        if (byId?.has(from.id)) {
          // Answered once: the endpoint has the registry and gets every change of it. Answering
          // each repeat would let a client that does not read make us queue the registry again
          // and again.
          this.logger.trace('App', `bus: ${from.label} consumes ${frame.api} already; not answered again`);
          return;
        }
        if (this.countFor(from.id) >= this.maxPerEndpoint) {
          throw new RouterError('invalid', `too many registrations on one connection (at most ${this.maxPerEndpoint})`);
        }
        if (!byId) this.consumers.set(frame.api, (byId = new Map()));
        byId.set(from.id, from);
        this.deliverTo(from, this.updateFrame(frame.api));
        return;
      }
      case 'UnconsumeApi': {
        this.unconsume(frame.api, from.id);
        return;
      }
      case 'ApiRequest': {
        const targets = this.resolveEndpoints(frame.apiId, frame.provider);
        // Built field by field (no spread copies: this is the bus's hot path), in the published order.
        const out = { mt: 'ApiRequest', apiId: frame.apiId, consumer: frame.consumer } as ApiRequestFrame;
        if (from.client) out.client = from.client;
        if (frame.provider !== undefined) out.provider = frame.provider;
        if (frame.src !== undefined) out.src = frame.src;
        if (frame.title !== undefined) out.title = frame.title;
        out.msg = frame.msg;
        const talked = this.talkedFor(from, frame.consumer);
        let providerEndpoints = talked.get(frame.apiId);
        if (!providerEndpoints) talked.set(frame.apiId, (providerEndpoints = new Set()));
        for (const to of targets) {
          providerEndpoints.add(to.id);
          this.deliverTo(to, out);
        }
        return;
      }
      case 'ApiResult': {
        const name = frame.provider ?? from.id;
        if (!this.ownRecord(from, frame.api, name)) throw new RouterError('not-provider', `ApiResult for ${frame.api}/${name} which this client does not provide`);
        // With `client`: a web-client connection; without: a launcher module, named by `consumer`.
        const to = this.endpoints.get(frame.client ?? frame.consumer);
        if (!to || to.client !== frame.client) {
          this.logger.trace('App', `bus: result for closed consumer ${frame.consumer} dropped`, { api: frame.api });
          return;
        }
        const out = { mt: 'ApiResult', api: frame.api, provider: name, consumer: frame.consumer } as ApiResultFrame;
        if (frame.client !== undefined) out.client = frame.client;
        if (frame.src !== undefined) out.src = frame.src;
        out.msg = frame.msg;
        if (frame.errorText !== undefined) out.errorText = frame.errorText;
        this.deliverTo(to, out);
        return;
      }
      case 'ApiConsumerClosed': {
        const talked = this.talkedTo.get(from.id);
        if (talked?.has(frame.consumer)) this.consumerClosed(from, frame.consumer, talked);
        return;
      }
    }
  }

  /** The APIs and provider endpoints a consumer of this endpoint sent requests to (consumers bounded per endpoint). */
  private talkedFor(from: Endpoint, consumer: string): Talked {
    let byConsumer = this.talkedTo.get(from.id);
    if (!byConsumer) this.talkedTo.set(from.id, (byConsumer = new Map()));
    let talked = byConsumer.get(consumer);
    if (talked) return talked;
    if (byConsumer.size >= MAX_CONSUMERS_PER_ENDPOINT) {
      // The oldest consumer is forgotten: its providers will not hear that it closed.
      const oldest = byConsumer.keys().next().value as string;
      byConsumer.delete(oldest);
      this.logger.trace('App', `bus: ${from.label} uses more than ${MAX_CONSUMERS_PER_ENDPOINT} consumer ids; ${oldest} forgotten`);
    }
    byConsumer.set(consumer, (talked = new Map()));
    return talked;
  }

  private ownRecord(from: Endpoint, api: string, provider: string): ProviderRecord | undefined {
    const rec = this.providers.get(api)?.get(provider);
    return rec && rec.endpoint.id === from.id ? rec : undefined;
  }

  private resolveEndpoints(api: string, provider: string | undefined): Endpoint[] {
    const byName = this.providers.get(api);
    if (!byName || byName.size === 0) throw new RouterError('no-provider', `no provider for ${api}`);
    if (provider === '*') return [...new Set([...byName.values()].map((r) => r.endpoint))];
    if (provider !== undefined) {
      const rec = byName.get(provider);
      if (!rec) throw new RouterError('no-provider', `no provider ${provider} for ${api}`);
      return [rec.endpoint];
    }
    const def = this.defaults.get(api);
    if (def && byName.has(def)) return [byName.get(def)!.endpoint];
    return [(byName.values().next().value as ProviderRecord).endpoint];
  }

  private updateFrame(api: string): ServerFrame {
    let frame = this.updates.get(api);
    if (!frame) {
      const def = this.defaults.get(api);
      frame = { mt: 'ApiUpdate', apis: { [api]: this.snapshot(api) }, defaultApiProviders: def ? { [api]: def } : {} };
      this.updates.set(api, frame);
    }
    return frame;
  }

  /** The endpoint leaves the API's consumers; an API nobody consumes is forgotten (names are client-chosen). */
  private unconsume(api: string, endpointId: string): void {
    const byId = this.consumers.get(api);
    if (!byId?.delete(endpointId) || byId.size > 0) return;
    this.consumers.delete(api);
    this.updates.delete(api);
  }

  /** The registry of `api` changed: every consumer gets the new ApiUpdate. */
  private publish(api: string): void {
    this.updates.delete(api);
    const byId = this.consumers.get(api);
    if (!byId || byId.size === 0) return;
    const frame = this.updateFrame(api);
    for (const ep of byId.values()) this.deliverTo(ep, frame);
  }

  // ---- launcher modules (in-process providers and consumers) -----------------------------

  localModule(dn: string): LocalModule {
    return new Module(this, this.logger, dn);
  }

  /**
   * A provider under an explicit name in a module of its own (tests standing in for the web
   * client's providers). Platform services use `localModule(dn).provide(…)`.
   */
  provide(
    api: string,
    provider: string,
    handler: ProviderHandler,
    opts: { title?: string; info?: Record<string, unknown>; model?: Record<string, unknown> } = {},
  ): ProvidedApi {
    const mod = this.localModule(opts.title ?? provider);
    const p = mod.provide(api, handler, { ...opts, name: provider });
    return { ...p, close: () => mod.close() };
  }

  /** A consumer in a module of its own (`@local-<id>`); closing it closes the module. */
  consume(api: string): ConsumedApi {
    const mod = this.localModule(`consumer of ${api}`);
    const c = mod.consume(api);
    c.close = () => mod.close();
    return c;
  }
}

/** A launcher module: one endpoint, dispatching the frames it gets to its providers and consumers by API. */
class Module implements LocalModule {
  readonly id = `${LOCAL_PREFIX}${randomUUID()}`;
  private readonly provided = new Map<string, { handler: ProviderHandler; handle: ProvidedApi; closedListeners: Set<(c: { consumer: string; client?: string }) => void> }>();
  private readonly consumed = new Map<string, Set<ConsumerHandle>>();
  private readonly endpoint: Endpoint;
  private closed = false;

  constructor(
    private readonly router: ApiRouter,
    private readonly logger: Logger,
    readonly dn: string,
  ) {
    this.endpoint = { id: this.id, label: `${dn} (${this.id})`, deliver: (f) => this.deliver(f) };
    router.attach(this.endpoint);
  }

  private deliver(frame: ServerFrame): void {
    if (this.closed) return;
    switch (frame.mt) {
      case 'ApiRequest': {
        const p = this.provided.get(frame.apiId);
        if (!p) return;
        const req: ProviderRequest = { consumer: frame.consumer, msg: frame.msg };
        if (frame.client !== undefined) req.client = frame.client;
        if (frame.src !== undefined) req.src = frame.src;
        if (frame.provider !== undefined) req.provider = frame.provider;
        const fail = (err: unknown) => this.logger.error(`bus: provider ${p.handle.provider} of ${frame.apiId} failed`, { error: String(err) });
        try {
          const r = p.handler(req, p.handle);
          if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch(fail);
        } catch (err) {
          fail(err);
        }
        return;
      }
      case 'ApiConsumerClosed': {
        const p = this.provided.get(frame.api);
        const c = frame.client !== undefined ? { consumer: frame.consumer, client: frame.client } : { consumer: frame.consumer };
        p?.closedListeners.forEach((l) => l(c));
        return;
      }
      case 'ApiResult':
        this.consumed.get(frame.api)?.forEach((h) => h.result(frame));
        return;
      case 'ApiUpdate':
        for (const [api, providers] of Object.entries(frame.apis)) this.consumed.get(api)?.forEach((h) => h.update(providers));
        return;
      default:
        return;
    }
  }

  provide(
    api: string,
    handler: ProviderHandler,
    opts: { title?: string; info?: Record<string, unknown>; model?: Record<string, unknown>; name?: string } = {},
  ): ProvidedApi {
    if (this.closed) throw new Error(`module ${this.dn} is closed`);
    if (this.provided.has(api)) throw new Error(`module ${this.dn} already provides ${api}`);
    const router = this.router;
    const endpoint = this.endpoint;
    const name = opts.name;
    const closedListeners = new Set<(c: { consumer: string; client?: string }) => void>();
    let open = true;
    const handle: ProvidedApi = {
      api,
      provider: name ?? this.id,
      setModel: (model) => {
        if (open && !this.closed) router.handle(endpoint, { mt: 'ApiModel', api, ...(name ? { provider: name } : {}), model });
      },
      send: (to, msg, errorText) => {
        if (!open || this.closed) return;
        const frame: ClientFrame = { mt: 'ApiResult', api, consumer: to.consumer, msg };
        if (name) frame.provider = name;
        if (to.client !== undefined) frame.client = to.client;
        if (to.src !== undefined) frame.src = to.src;
        if (errorText !== undefined) frame.errorText = errorText;
        router.handle(endpoint, frame);
      },
      onConsumerClosed: (cb) => {
        closedListeners.add(cb);
        return () => closedListeners.delete(cb);
      },
      close: () => {
        if (!open) return;
        open = false;
        this.provided.delete(api);
        if (!this.closed) router.handle(endpoint, { mt: 'UnregisterApi', api, ...(name ? { provider: name } : {}) });
      },
    };
    this.provided.set(api, { handler, handle, closedListeners });
    router.handle(endpoint, {
      mt: 'RegisterApi',
      api,
      ...(name ? { provider: name } : {}),
      title: opts.title ?? this.dn,
      ...(opts.info ? { info: opts.info } : {}),
      ...(opts.model ? { model: opts.model } : {}),
    });
    return handle;
  }

  consume(api: string): ConsumedApi & { close(): void } {
    if (this.closed) throw new Error(`module ${this.dn} is closed`);
    let set = this.consumed.get(api);
    const first = !set;
    if (!set) this.consumed.set(api, (set = new Set()));
    const h = new ConsumerHandle(this.router, this.endpoint, api, () => {
      set!.delete(h);
      if (set!.size === 0 && !this.closed) {
        this.consumed.delete(api);
        this.router.handle(this.endpoint, { mt: 'UnconsumeApi', api });
      }
    });
    set.add(h);
    if (first) this.router.handle(this.endpoint, { mt: 'ConsumeApi', api });
    else h.update(this.router.snapshot(api));
    return h;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const set of this.consumed.values()) for (const h of set) h.detached();
    this.consumed.clear();
    this.provided.clear();
    this.router.detach(this.id);
  }
}

class ConsumerHandle implements ConsumedApi {
  readonly consumer: string;
  private current: Record<string, ProviderEntry> = {};
  private readonly updateListeners = new Set<(p: Record<string, ProviderEntry>) => void>();
  private readonly resultListeners = new Set<(f: ApiResultFrame) => void>();
  private closed = false;

  constructor(
    private readonly router: ApiRouter,
    private readonly endpoint: Endpoint,
    readonly api: string,
    private readonly onClose: () => void,
  ) {
    this.consumer = endpoint.id;
  }

  /** The module closed: nothing more goes in or out. */
  detached(): void {
    this.closed = true;
  }

  update(providers: Record<string, ProviderEntry>): void {
    if (this.closed) return;
    this.current = providers;
    this.updateListeners.forEach((l) => l(providers));
  }

  result(frame: ApiResultFrame): void {
    if (!this.closed) this.resultListeners.forEach((l) => l(frame));
  }

  providers(): Record<string, ProviderEntry> {
    return this.current;
  }

  onUpdate(cb: (providers: Record<string, ProviderEntry>) => void): () => void {
    this.updateListeners.add(cb);
    return () => this.updateListeners.delete(cb);
  }

  onResult(cb: (frame: ApiResultFrame) => void): () => void {
    this.resultListeners.add(cb);
    return () => this.resultListeners.delete(cb);
  }

  send(msg: Record<string, unknown>, opts: RequestOptions = {}): void {
    if (this.closed) throw new Error(`consumer of ${this.api} is closed`);
    const frame: ClientFrame = { mt: 'ApiRequest', apiId: this.api, consumer: this.consumer, msg };
    if (opts.provider !== undefined) frame.provider = opts.provider;
    if (opts.src !== undefined) frame.src = opts.src;
    this.router.handle(this.endpoint, frame);
  }

  request(
    msg: Record<string, unknown>,
    opts: RequestOptions & { until?: (m: Record<string, unknown>) => boolean; timeoutMs?: number; partialOnTimeout?: boolean } = {},
  ): Promise<Record<string, unknown>[]> {
    const src = opts.src ?? newSrc(this.consumer);
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const until = opts.until ?? (() => true);
    return new Promise((resolve, reject) => {
      const got: Record<string, unknown>[] = [];
      const off = this.onResult((f) => {
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
        else reject(new Error(`${this.api} ${String(msg.mt)}: no complete answer within ${timeoutMs} ms (${got.length} partial)`));
      }, timeoutMs);
      try {
        this.send(msg, { provider: opts.provider, src });
      } catch (err) {
        clearTimeout(timer);
        off();
        reject(err);
      }
    });
  }

  waitForProvider(timeoutMs = 10_000, provider?: string): Promise<string> {
    const pick = (p: Record<string, ProviderEntry>): string | undefined => {
      if (provider) return provider in p ? provider : undefined;
      const def = this.router.defaultProvider(this.api);
      if (def && def in p) return def;
      return Object.keys(p)[0];
    };
    const now = pick(this.current);
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no provider for ${this.api}${provider ? ` named ${provider}` : ''} within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onUpdate((p) => {
        const name = pick(p);
        if (name) {
          clearTimeout(timer);
          off();
          resolve(name);
        }
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}

/**
 * The default policy: launcher modules (in-process) may use any '@' name. A WebSocket client may
 * not name a provider `@…`; its own `@client-<id>` (a RegisterApi without `provider`) is given
 * only to the web client of the PBX origin.
 */
export function defaultReservedNamePolicy(pbxOrigin: () => string | undefined): ReservedNamePolicy {
  return (endpoint, _api, provider, implicit) => {
    if (endpoint.origin === undefined) return null;
    if (implicit) {
      const pbx = pbxOrigin();
      return pbx && endpoint.origin === pbx
        ? null
        : `a RegisterApi without provider names this connection's own ${CLIENT_PREFIX}… provider, which only the web client of the PBX origin has (not ${endpoint.origin})`;
    }
    return `provider names starting with @ are reserved for the client (${provider})`;
  };
}
