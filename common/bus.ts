/**
 * The local services bus wire protocol: declared once, shared by the main process (electron/bus),
 * the renderer/preload and the PBX simulator's stand-in web client (test/pbx-sim/www, which
 * mirrors these shapes in plain JS and is exercised against this schema by the e2e tests).
 *
 * The bus is the launcher's *ApiRelay* (innovaphone SDK, common/lib/apiwebsocket_client.htm) and
 * carries the relay frames innovaphone published (wiki "Concept myApps platform services", quoted
 * in docs/local-services.md): requests name the API in `apiId`, results, updates and
 * everything else in `api`; every request carries the opaque `consumer` (an app of the web client,
 * `dev:SwPh_zkl_5e42e884`, or a launcher module, `@local-<id>`) and optionally `provider` and
 * `src`; the bus adds `client` (`@client-<id>`, the web-client connection the request came from)
 * and providers echo `consumer`, `client` and `src` in their results. Launcher modules provide
 * under `@local-<id>` (a new id per start) with a display name. Which field is published and which
 * is ours: docs/local-services.md. Every frame is one JSON object (text frame).
 */
import { z } from 'zod';
import { measureJson } from './json-bounds';

/** Bump when the wire format changes incompatibly. Clients send it in the `v` query parameter. */
export const BUS_PROTOCOL_VERSION = 1;
/** Largest frame accepted from a client, in bytes. Larger frames close the socket with 1009. */
export const BUS_MAX_FRAME_BYTES = 1024 * 1024;
/**
 * Deepest nesting of objects and arrays in a frame's `msg`, `model` or `info` (ours). innovaphone's
 * messages nest a few levels; a deeper value is refused with an Error frame (a model nested 10 000
 * levels would make every later ApiUpdate of its API throw).
 */
export const BUS_MAX_JSON_DEPTH = 64;
/** Largest `model` or `info` of one RegisterApi / ApiModel, in bytes of JSON text (ours). */
export const BUS_MAX_MODEL_BYTES = 256 * 1024;
/** Most bytes of models and infos one endpoint keeps registered at once (ours). */
export const BUS_MAX_MODEL_BYTES_PER_CLIENT = 4 * 1024 * 1024;
/** The path of the bus WebSocket on the local services server. */
export const BUS_PATH = '/bus';
/** The local-storage key under which the hosted web client finds the local services. */
export const APPCLIENT_CONFIG_KEY = 'appclient-config';
/** Launcher modules (in-process platform services) provide and consume as `@local-<id>`. */
export const LOCAL_PREFIX = '@local-';
/** A web-client connection of the bus is `@client-<id>`; it provides com.innovaphone.client under that name. */
export const CLIENT_PREFIX = '@client-';

/** Is this provider name the web client's own (`@client-<id>`, reserved for the PBX origin)? */
export function isWebClientProvider(name: string): boolean {
  return name.startsWith(CLIENT_PREFIX);
}
/**
 * The web client's own entry among the providers of com.innovaphone.client: the newest
 * `@client-<id>` (the bus gives that name only to the web client of the PBX origin).
 */
export function webClientEntry<T>(providers: Record<string, T>): T | undefined {
  let found: T | undefined;
  for (const [name, entry] of Object.entries(providers)) if (isWebClientProvider(name)) found = entry;
  return found;
}
/** Is this provider or consumer name a launcher module (`@local-<id>`)? */
export function isLocalModule(name: string): boolean {
  return name.startsWith(LOCAL_PREFIX);
}

const apiName = z.string().min(1).max(200).regex(/^[\w.@:*-]+$/, 'api names are letters, digits and . _ - @ : *');
const providerName = z.string().min(1).max(200);
const consumerName = z.string().min(1).max(200);
const src = z.string().max(500);
/**
 * A JSON object nested at most BUS_MAX_JSON_DEPTH levels (and at most `maxBytes` of JSON text).
 * One check on the value as parsed (no copy of it: z.record would rebuild every object of every
 * frame); the message says which bound was passed.
 */
function boundedObject(maxBytes?: number) {
  const bounds = { maxDepth: BUS_MAX_JSON_DEPTH, maxBytes };
  return z.custom<Record<string, unknown>>((v) => isJsonObject(v) && measureJson(v, bounds).error === null, {
    error: (issue) => (isJsonObject(issue.input) ? (measureJson(issue.input, bounds).error ?? 'invalid') : 'expected an object'),
  });
}
function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const jsonObject = boundedObject();
const modelObject = boundedObject(BUS_MAX_MODEL_BYTES);

/** What the preload writes to localStorage['appclient-config'] before the page's scripts run. */
export const AppClientConfigSchema = z.object({
  /** Format version of this object. */
  version: z.literal(1),
  /** Bus protocol version the server speaks. */
  protocol: z.literal(BUS_PROTOCOL_VERSION),
  /** ws://127.0.0.1:<port>/bus (or ws://localhost:… unless DISABLELOCALHOST). */
  bus: z.string().url(),
  /** http://127.0.0.1:<port> base of the local services server. */
  http: z.string().url(),
  /** Per-start random token; sent as `token` query parameter of the bus URL. */
  token: z.string().min(32),
  /** Services offered over the bus. */
  services: z.array(z.enum(['api', 'media', 'ringer'])),
  /** Launcher identity, mirrors what the original exposes through com.innovaphone.launcher. */
  launcher: z.object({ name: z.string(), version: z.string(), build: z.string(), platform: z.string() }),
});
export type AppClientConfig = z.infer<typeof AppClientConfigSchema>;

// ---- client -> bus -------------------------------------------------------------------------
// `provider` on the provider-side frames is ours: one web-client connection bridges several apps
// and names the app (lib1 apps send these frames without it). Absent, it is the connection's own
// provider, `@client-<id>` (only the web client of the PBX origin may use it).

export const RegisterApiSchema = z.object({
  mt: z.literal('RegisterApi'),
  api: apiName,
  /** The app's name (`phone`, `softphone`, …); absent: the connection's own `@client-<id>`. */
  provider: providerName.optional(),
  title: z.string().max(200).optional(),
  info: modelObject.optional(),
  model: modelObject.optional(),
});
export const UnregisterApiSchema = z.object({ mt: z.literal('UnregisterApi'), api: apiName, provider: providerName.optional() });
export const ApiModelSchema = z.object({ mt: z.literal('ApiModel'), api: apiName, provider: providerName.optional(), model: modelObject });
export const ConsumeApiSchema = z.object({ mt: z.literal('ConsumeApi'), api: apiName });
export const UnconsumeApiSchema = z.object({ mt: z.literal('UnconsumeApi'), api: apiName });
/**
 * A request (published relay frame). provider: a name, '*' for all providers, absent for the
 * default provider. `client` is not accepted from a client: the bus sets it.
 */
export const ApiRequestSchema = z.object({
  mt: z.literal('ApiRequest'),
  apiId: apiName,
  consumer: consumerName,
  provider: providerName.optional(),
  src: src.optional(),
  title: z.string().max(200).optional(),
  msg: jsonObject,
});
/** A provider's answer (or unsolicited message) to one consumer: `consumer`, `client`, `src` echoed. */
export const ApiResultSchema = z.object({
  mt: z.literal('ApiResult'),
  api: apiName,
  provider: providerName.optional(),
  consumer: consumerName,
  client: z.string().min(1).max(200).optional(),
  src: src.optional(),
  msg: jsonObject,
  errorText: z.string().max(2000).optional(),
});
/** The web client: one of its consumers (an app) went away; its providers are told. */
export const ClientConsumerClosedSchema = z.object({ mt: z.literal('ApiConsumerClosed'), consumer: consumerName });
export const ClientFrameSchema = z.discriminatedUnion('mt', [
  RegisterApiSchema,
  UnregisterApiSchema,
  ApiModelSchema,
  ConsumeApiSchema,
  UnconsumeApiSchema,
  ApiRequestSchema,
  ApiResultSchema,
  ClientConsumerClosedSchema,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type RegisterApi = z.infer<typeof RegisterApiSchema>;
export type ApiRequest = z.infer<typeof ApiRequestSchema>;
export type ApiResult = z.infer<typeof ApiResultSchema>;

// ---- bus -> client -------------------------------------------------------------------------

export interface ProviderEntry {
  title: string;
  url: string;
  info: Record<string, unknown>;
  model: Record<string, unknown>;
  restart?: number;
}
/** Registry snapshot sent to every consumer of an API whenever providers or models change. */
export interface ApiUpdateFrame {
  mt: 'ApiUpdate';
  apis: Record<string, Record<string, ProviderEntry>>;
  defaultApiProviders: Record<string, string>;
}
/**
 * Bus -> provider: the consumer's request as it was sent, plus `client` when it came from a
 * web-client connection (absent for launcher modules' own requests, as in F11).
 */
export interface ApiRequestFrame {
  mt: 'ApiRequest';
  apiId: string;
  consumer: string;
  client?: string;
  provider?: string;
  src?: string;
  title?: string;
  msg: Record<string, unknown>;
}
/** Bus -> consumer: the provider's result, `provider` always named. */
export interface ApiResultFrame {
  mt: 'ApiResult';
  api: string;
  provider: string;
  consumer: string;
  client?: string;
  src?: string;
  msg: Record<string, unknown>;
  errorText?: string;
}
/** Bus -> provider: a consumer that sent it requests went away. */
export interface ApiConsumerClosedFrame {
  mt: 'ApiConsumerClosed';
  api: string;
  consumer: string;
  client?: string;
}
/** Bus -> client: a frame was refused; the connection stays open unless the reason says so. */
export interface BusErrorFrame {
  mt: 'Error';
  error: 'malformed' | 'invalid' | 'unknown-api' | 'no-provider' | 'not-provider' | 'rate';
  reason: string;
  src?: string;
}
/** Bus -> client, first frame after the handshake. */
export interface WelcomeFrame {
  mt: 'Welcome';
  protocol: typeof BUS_PROTOCOL_VERSION;
  /** This connection's `@client-<id>` (the `client` of its requests; its own provider name). */
  client: string;
}
export type ServerFrame =
  | ApiUpdateFrame
  | ApiRequestFrame
  | ApiResultFrame
  | ApiConsumerClosedFrame
  | BusErrorFrame
  | WelcomeFrame;

/** Well-known API names. */
export const Api = {
  client: 'com.innovaphone.client',
  phone: 'com.innovaphone.phone',
  chat: 'com.innovaphone.chat',
  launcher: 'com.innovaphone.launcher',
  notificationHandler: 'com.innovaphone.notificationhandler',
  externalApps: 'com.innovaphone.externalapps',
  search: 'com.innovaphone.search',
  phoneLookup: 'com.innovaphone.phonelookup',
  lookup: 'com.innovaphone.lookup',
} as const;
