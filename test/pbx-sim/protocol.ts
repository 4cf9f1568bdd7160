/**
 * Message shapes of the PBX simulator, declared once:
 *  - the myApps WebSocket (`/PBX0/APPCLIENT/websocket`, docs/pbx-sim.md) between the sim and its
 *    stand-in web client (test/pbx-sim/www/appclient.js mirrors these shapes in plain JS);
 *  - the `com.innovaphone.client` model the sim pushes (docs/pbx-sim.md);
 *  - the control API under `/sim/…` used by tests and the demo (docs/pbx-sim.md).
 * The local services bus frames the web client speaks are those of common/bus.ts.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Api } from '../../common/bus';

export { Api };

// ---- com.innovaphone.client model (docs/pbx-sim.md) ----------------------------------------

export interface AdminSetting {
  value: unknown;
  force: boolean;
}

export interface ClientUser {
  domain: string;
  sip: string;
  guid: string;
  dn: string;
  num: string;
  email: string;
  prefix: { intl: string; ntl: string; subs: string; area: string; country: string; subscriber?: string };
}

/** The model the web client publishes as its own provider `@client-<id>` of `com.innovaphone.client`. */
export interface ClientModel {
  user: ClientUser;
  connInfo?: { up: boolean; standby: boolean; cur?: string; pri?: string; sec?: string; phys?: string };
  home?: unknown;
  deviceApps?: { name: string; title: string; deviceapp: string }[];
  profileApp?: string;
  tutorialApp?: string;
  standby?: boolean;
  lang?: string;
  scheme?: 'light' | 'dark';
  launcher: boolean;
  launcherUpdateBuild: string;
  appStoreUrl: string;
  adminSettings: Record<string, AdminSetting>;
  [extra: string]: unknown;
}

export const AdminSettingSchema = z.object({ value: z.unknown(), force: z.boolean() });

/** Body of POST /sim/model: top-level keys replace the current model's keys (shallow merge). */
export const ModelPatchSchema = z
  .object({
    user: z.record(z.string(), z.unknown()).optional(),
    launcher: z.boolean().optional(),
    launcherUpdateBuild: z.string().optional(),
    appStoreUrl: z.string().optional(),
    adminSettings: z.record(z.string(), AdminSettingSchema).optional(),
  })
  .catchall(z.unknown());
export type ModelPatch = z.infer<typeof ModelPatchSchema>;

// ---- simulated users, apps ------------------------------------------------------------------

export interface SimUser {
  sip: string;
  password: string;
  dn: string;
  num: string;
  email: string;
  guid: string;
}

/** App entry of UpdateApps (docs/pbx-sim.md). */
export interface SimApp {
  name: string;
  title: string;
  text: string;
  /** Base URL without `.htm` (the client appends `.htm`). */
  url: string;
  info: { hidden?: boolean; presence?: boolean; apis?: Record<string, Record<string, unknown>>; wake?: string[] };
}

// ---- myApps WebSocket, client -> sim --------------------------------------------------------

const Str = z.string().max(2000);
export const MyAppsClientMessageSchema = z.discriminatedUnion('mt', [
  z.object({ mt: z.literal('CheckBuild'), url: Str.optional(), always: z.boolean().optional() }),
  z.object({ mt: z.literal('LoginInfo') }),
  z.object({
    mt: z.literal('Login'),
    type: z.enum(['user', 'session']),
    method: z.literal('digest').optional(),
    username: Str.optional(),
    nonce: z.string().regex(/^[0-9a-f]{16}$/).optional(),
    response: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    userAgent: Str.optional(),
  }),
  z.object({ mt: z.literal('Logout') }),
  z.object({ mt: z.literal('SubscribeApps') }),
  z.object({ mt: z.literal('SetUserActivity'), inactive: z.boolean() }),
  z.object({ mt: z.literal('SetOwnPresence'), activity: z.string().max(100), note: Str.optional() }),
  z.object({ mt: z.literal('AppGetLogin'), src: Str, app: Str, challenge: z.string().max(64) }),
  z.object({ mt: z.literal('Pong') }),
]);
export type MyAppsClientMessage = z.infer<typeof MyAppsClientMessageSchema>;

// ---- myApps WebSocket, sim -> client --------------------------------------------------------

export interface PresenceEntry {
  contact: 'tel:' | 'im:';
  status: 'open' | 'closed';
  activity: string;
  note?: string;
}

export type MyAppsServerMessage =
  | { mt: 'CheckBuildResult'; version: string; build: string; launcherUpdateBuild: string; appStoreUrl: string; url?: string }
  | { mt: 'LoginInfoResult'; user: { digest: boolean; ntlm: boolean; oauth2: boolean }; session: { digest: boolean } }
  | { mt: 'Authenticate'; type: 'user'; method: 'digest'; domain: string; challenge: string }
  | { mt: 'LoginResult'; info: { user: ClientUser }; digest: string }
  | { mt: 'LoginResult'; error: number; errorText: string }
  | { mt: 'LogoutResult' }
  | { mt: 'UpdateApps'; apps: SimApp[]; deviceApps: SimApp[]; selected: string }
  | { mt: 'UpdateOwnPresence'; presence: PresenceEntry[] }
  | { mt: 'AppGetLoginResult'; src: string; error: number; errorText: string }
  /** Simulator's own message (the real transport of the model is not public, docs/pbx-sim.md). */
  | { mt: 'UpdateClientModel'; model: ClientModel }
  /** Keepalive on an idle connection; the client answers `{mt:"Pong"}`. */
  | { mt: 'Ping' }
  | { mt: 'Error'; errorText: string };

/** Login response digest of docs/pbx-sim.md (the web client computes the same with WebCrypto). */
export function loginDigest(type: string, domain: string, username: string, password: string, nonce: string, challenge: string): string {
  return sha256hex(`innovaphoneAppClient:${type}:${domain}:${username}:${password}:${nonce}:${challenge}`);
}
/** LoginResult digest of docs/pbx-sim.md (lets the client check the PBX knows the password). */
export function loginResultDigest(domain: string, username: string, password: string, nonce: string, challenge: string, infoJson: string): string {
  return sha256hex(`innovaphoneAppClient:loginresult:${domain}:${username}:${password}:${nonce}:${challenge}:${infoJson}`);
}
export function sha256hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

// ---- control API (/sim/…) -------------------------------------------------------------------

/** One ApiRequest a stand-in app received (shown on screen, kept in window.__received, POSTed here). */
export const ReceivedRecordSchema = z.object({
  app: z.string().min(1).max(100),
  api: z.string().min(1).max(200),
  consumer: z.string().max(300),
  src: z.string().max(500),
  msg: z.record(z.string(), z.unknown()),
  /** Milliseconds since the epoch, set by the app. */
  at: z.number().optional(),
});
export type ReceivedRecord = z.infer<typeof ReceivedRecordSchema>;
/** Body of POST /sim/received: one record, or a batch `{records: [...]}` (the apps batch). */
export const ReceivedPostSchema = z.union([ReceivedRecordSchema, z.object({ records: z.array(ReceivedRecordSchema).min(1).max(100) })]);

/** One myApps WebSocket session as seen by GET /sim/sessions. */
export interface SessionInfo {
  id: number;
  userAgent: string;
  loggedIn: boolean;
  user?: string;
  inactive?: boolean;
  presence: PresenceEntry[];
  pingsSent: number;
  pongsReceived: number;
  received: string[];
}

/** Body of POST /sim/push: raw myApps messages sent to every logged-in session. */
export const PushSchema = z.object({ msg: z.record(z.string(), z.unknown()).refine((m) => typeof m.mt === 'string', 'msg.mt is required') });
