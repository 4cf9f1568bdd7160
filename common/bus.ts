/**
 * The local services bus wire protocol: declared once, shared by the main process (electron/bus),
 * the renderer/preload and the PBX simulator's stand-in web client (test/pbx-sim/www, which
 * mirrors these shapes in plain JS and is exercised against this schema by the e2e tests).
 *
 * The envelope is innovaphone's client-API envelope (ApiRequest / ApiResult / ApiUpdate with
 * api, consumer, provider, src, msg) plus the `provider` name a bridged client registers under.
 * Every frame is one JSON object (text frame). See docs/local-services.md.
 */
import { z } from 'zod';

/** Bump when the wire format changes incompatibly. Clients send it in the `v` query parameter. */
export const BUS_PROTOCOL_VERSION = 1;
/** Largest frame accepted from a client, in bytes. Larger frames close the socket with 1009. */
export const BUS_MAX_FRAME_BYTES = 1024 * 1024;
/** The path of the bus WebSocket on the local services server. */
export const BUS_PATH = '/bus';
/** The local-storage key under which the hosted web client finds the local services. */
export const APPCLIENT_CONFIG_KEY = 'appclient-config';

const apiName = z.string().min(1).max(200).regex(/^[\w.@:*-]+$/, 'api names are letters, digits and . _ - @ : *');
const providerName = z.string().min(1).max(200);
const src = z.string().max(500);
const jsonObject = z.record(z.string(), z.unknown());

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

export const RegisterApiSchema = z.object({
  mt: z.literal('RegisterApi'),
  api: apiName,
  /** Provider name (app name, `dev:<hw>`, or `@something` for launcher services). */
  provider: providerName,
  title: z.string().max(200).optional(),
  info: jsonObject.optional(),
  model: jsonObject.optional(),
});
export const UnregisterApiSchema = z.object({ mt: z.literal('UnregisterApi'), api: apiName, provider: providerName });
export const ApiModelSchema = z.object({ mt: z.literal('ApiModel'), api: apiName, provider: providerName, model: jsonObject });
export const ConsumeApiSchema = z.object({ mt: z.literal('ConsumeApi'), api: apiName });
export const UnconsumeApiSchema = z.object({ mt: z.literal('UnconsumeApi'), api: apiName });
/** Consumer -> bus. provider: a name, '*' for all providers, absent for the default provider. */
export const ConsumerApiRequestSchema = z.object({
  mt: z.literal('ApiRequest'),
  api: apiName,
  provider: providerName.optional(),
  src,
  title: z.string().max(200).optional(),
  msg: jsonObject,
});
/** Provider -> bus: answer (or unsolicited update) to the consumer named by `consumer`. */
export const ProviderApiResultSchema = z.object({
  mt: z.literal('ApiResult'),
  api: apiName,
  provider: providerName,
  consumer: z.string().min(1).max(200),
  src,
  msg: jsonObject,
  errorText: z.string().max(2000).optional(),
});
export const ClientFrameSchema = z.discriminatedUnion('mt', [
  RegisterApiSchema,
  UnregisterApiSchema,
  ApiModelSchema,
  ConsumeApiSchema,
  UnconsumeApiSchema,
  ConsumerApiRequestSchema,
  ProviderApiResultSchema,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type RegisterApi = z.infer<typeof RegisterApiSchema>;
export type ConsumerApiRequest = z.infer<typeof ConsumerApiRequestSchema>;
export type ProviderApiResult = z.infer<typeof ProviderApiResultSchema>;

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
/** Bus -> provider. */
export interface ProviderApiRequestFrame {
  mt: 'ApiRequest';
  api: string;
  provider: string;
  consumer: string;
  src: string;
  msg: Record<string, unknown>;
}
/** Bus -> consumer. */
export interface ConsumerApiResultFrame {
  mt: 'ApiResult';
  api: string;
  provider: string;
  src: string;
  msg: Record<string, unknown>;
  errorText?: string;
}
/** Bus -> provider: a consumer went away. */
export interface ApiConsumerClosedFrame {
  mt: 'ApiConsumerClosed';
  api: string;
  provider: string;
  consumer: string;
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
  client: string;
}
export type ServerFrame =
  | ApiUpdateFrame
  | ProviderApiRequestFrame
  | ConsumerApiResultFrame
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
