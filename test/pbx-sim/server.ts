/**
 * The PBX simulator: an HTTPS (or HTTP) server that looks enough like an innovaphone PBX for the
 * desktop client — the stand-in myApps web client under /PBX0/APPCLIENT/, stand-in phone and chat
 * apps under /PBX0/APPS/ (also on a second origin acting as App Platform), the myApps WebSocket
 * and a control API under /sim/ for tests. See docs/pbx-sim.md.
 */
import { EventEmitter } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, WebSocket } from 'ws';
import { simCertificate, type SimCert } from './cert';
import { createSignalRelay, SIM_SIGNAL_PATH, type SignalRelay } from './signal';
import {
  ModelPatchSchema,
  MyAppsClientMessageSchema,
  PushSchema,
  ReceivedPostSchema,
  loginDigest,
  loginResultDigest,
  type ClientModel,
  type ModelPatch,
  type MyAppsClientMessage,
  type MyAppsServerMessage,
  type PresenceEntry,
  type ReceivedRecord,
  type SessionInfo,
  type SimApp,
  type SimUser,
} from './protocol';

const WWW = join(dirname(fileURLToPath(import.meta.url)), 'www');
const MAX_BODY = 64 * 1024;
/** POST /sim/received carries batches of up to 100 records. */
const MAX_RECEIVED_BODY = 1024 * 1024;
const MAX_RECORDS = 10_000;
/** Small extra stand-in apps (www/APPS/<name>.htm, miniapp.js), offered with `extraApps`. */
const EXTRA_APPS = ['notes', 'calendar', 'reports'];

export interface PbxSimOptions {
  /** Port of the PBX origin; 0 (default) picks a free one. */
  port?: number;
  /** HTTPS with the generated self-signed certificate (default true); false = plain HTTP. */
  https?: boolean;
  /** Address to bind; loopback only (default 127.0.0.1). Also the host name in the URLs. */
  host?: string;
  /**
   * Serve the apps from a second origin (another port of the sim, standing in for an App
   * Platform) so the app iframes are cross-origin to the web client, as on a real PBX. Default true.
   */
  separateAppsOrigin?: boolean;
  /** Port of the apps origin (0 = free one). */
  appsPort?: number;
  /** Idle keepalive on the myApps WebSocket: a `{mt:"Ping"}` after this long without traffic. Default 60 000. */
  pingIntervalMs?: number;
  /** The simulated PBX user (defaults: atlantis / pwd). */
  user?: Partial<SimUser>;
  /** PBX domain. */
  domain?: string;
  /** Initial changes to the default com.innovaphone.client model. */
  model?: ModelPatch;
  /** Offer the demo credentials to the web client (GET /sim/login-hint) so it logs in without a form. Default true. */
  autoLogin?: boolean;
  /** Folder caching the self-signed certificate. */
  certDir?: string;
  /** Log lines (default: none). */
  log?: (line: string) => void;
  /**
   * Also offer the small extra apps notes, calendar and reports (www/APPS/<name>.htm) in
   * UpdateApps, after phone and chat: "web client + 5 apps" (app proxy e2e). Default false.
   */
  extraApps?: boolean;
  /** A folder whose `APPCLIENT/` and `APPS/` files take precedence over www/ (tests: a changed app file). */
  wwwOverlay?: string;
  /** Further users who can log in (sip + password; other fields default). */
  users?: (Partial<SimUser> & { sip: string; password: string })[];
  /** Offer the stand-in softphone app (www/APPS/softphone.htm) and its `/sim/signal` call signalling (signal.ts). Default false. */
  softphone?: boolean;
}

export interface SimControl {
  /** ApiRequests the stand-in apps reported (POST /sim/received), oldest first. */
  received(): ReceivedRecord[];
  /** Resolves with the first (already or later) received record matching `pred`. */
  waitForReceived(pred: (r: ReceivedRecord) => boolean, timeoutMs?: number): Promise<ReceivedRecord>;
  clearReceived(): void;
  /** The current com.innovaphone.client model. */
  model(): ClientModel;
  /** Shallow-merge `patch` into the model and push it to every logged-in web client. */
  setModel(patch: ModelPatch): ClientModel;
  /** Forget received records, restore the initial model (pushed to logged-in clients). */
  reset(): void;
  /** myApps WebSocket sessions (open ones). */
  sessions(): SessionInfo[];
  waitForSession(pred: (s: SessionInfo) => boolean, timeoutMs?: number): Promise<SessionInfo>;
  /** Send a raw myApps message to every logged-in session; returns how many got it. */
  push(msg: Record<string, unknown>): number;
  /** Bytes and messages since the sim started (idle bandwidth: diff two snapshots). */
  traffic(): SimTraffic;
}

/**
 * What went over the sim's sockets: TCP payload bytes of every connection to either origin (TLS
 * records included on HTTPS; open and closed connections), and the myApps WebSocket messages by
 * `mt` (count and JSON text bytes), in (from clients) and out (to clients).
 */
export interface SimTraffic {
  tcpBytesIn: number;
  tcpBytesOut: number;
  connections: number;
  myappsIn: Record<string, { count: number; bytes: number }>;
  myappsOut: Record<string, { count: number; bytes: number }>;
}

export interface PbxSim {
  /** URL of the stand-in web client, e.g. https://127.0.0.1:4443/PBX0/APPCLIENT/appclient.htm */
  url: string;
  /** Origin of the PBX (web client and myApps WebSocket). */
  origin: string;
  /** Origin the apps are served from (equal to `origin` when separateAppsOrigin is false). */
  appsOrigin: string;
  port: number;
  appsPort: number;
  /** The certificate in use (HTTPS only). */
  cert?: SimCert;
  user: SimUser;
  control: SimControl;
  /** The `/sim/signal` relay (with `softphone: true`). */
  signal?: SignalRelay;
  close(): Promise<void>;
}

const DEFAULT_USER: SimUser = {
  sip: 'atlantis',
  password: 'pwd',
  dn: 'Atlantis Test',
  num: '201',
  email: 'atlantis@sim.example.com',
  guid: 'a7e0c0de5e1f4c2d9b1a0c0ffee00201',
};

function defaultModel(user: SimUser, domain: string): ClientModel {
  return {
    user: {
      domain,
      sip: user.sip,
      guid: user.guid,
      dn: user.dn,
      num: user.num,
      email: user.email,
      prefix: { intl: '00', ntl: '0', subs: '', area: '7031', country: '49', subscriber: '73009' },
    },
    connInfo: { up: true, standby: false },
    home: [],
    deviceApps: [{ name: 'phone', title: 'Phone', deviceapp: 'phone' }],
    profileApp: 'profile',
    tutorialApp: 'tutorials',
    standby: false,
    lang: 'en',
    scheme: 'light',
    launcher: true,
    launcherUpdateBuild: '1420100',
    appStoreUrl: 'https://store.innovaphone.com/release/download/',
    adminSettings: {
      autostart: { value: true, force: false },
      offline: { value: 300000, force: false },
      hotkeyDial: { value: 'F8', force: false },
      notifications: { value: true, force: true },
      logFlags: { value: '0000000000000001', force: false },
    },
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.htm': 'text/html; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function readJson(req: http.IncomingMessage, limit = MAX_BODY): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

interface Session {
  info: SessionInfo;
  /** The user logged in on this session. */
  simUser?: SimUser;
  ws: WebSocket;
  challenge?: string;
  usedNonces: Set<string>;
  tel: PresenceEntry;
  im: PresenceEntry;
  lastSent: number;
  pingsOutstanding: number;
}

export async function startPbxSim(opts: PbxSimOptions = {}): Promise<PbxSim> {
  const host = opts.host ?? '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) throw new Error(`pbx-sim binds loopback only, not ${host}`);
  const useHttps = opts.https ?? true;
  const separate = opts.separateAppsOrigin ?? true;
  const pingIntervalMs = opts.pingIntervalMs ?? 60_000;
  const autoLogin = opts.autoLogin ?? true;
  const domain = opts.domain ?? 'sim.example.com';
  const user: SimUser = { ...DEFAULT_USER, ...opts.user };
  const users: SimUser[] = [user, ...(opts.users ?? []).map((u) => ({ dn: u.sip, num: '', email: `${u.sip}@${opts.domain ?? 'sim.example.com'}`, guid: randomBytes(16).toString('hex'), ...u }))];
  const log = opts.log ?? (() => {});
  const cert = useHttps ? await simCertificate(opts.certDir) : undefined;
  const scheme = useHttps ? 'https' : 'http';
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const initialModel = (): ClientModel => ({ ...defaultModel(user, domain), ...(opts.model ? ModelPatchSchema.parse(opts.model) : {}) }) as ClientModel;
  let model = initialModel();
  let records: ReceivedRecord[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const sessions = new Set<Session>();
  let nextSessionId = 1;
  let appsOrigin = '';

  /** The model a session sees: the shared model with its own user's identity. */
  const modelFor = (s: Session): ClientModel => {
    const u = s.simUser;
    return !u || u === user ? model : { ...model, user: { ...model.user, sip: u.sip, guid: u.guid, dn: u.dn, num: u.num, email: u.email } };
  };
  const softphoneApps = (): SimApp[] => (opts.softphone ? [{ name: 'softphone', title: 'Softphone', text: 'Stand-in softphone (pbx-sim)', url: `${appsOrigin}/PBX0/APPS/softphone`, info: { apis: { 'com.innovaphone.phone': { type: 'softphone' } } } }] : []);
  const apps = (): SimApp[] => [
    { name: 'phone', title: 'Phone', text: 'Stand-in phone app', url: `${appsOrigin}/PBX0/APPS/phone`, info: { apis: { 'com.innovaphone.phone': { type: 'softphone' } }, presence: true, wake: ['phone'] } },
    { name: 'chat', title: 'Chat', text: 'Stand-in chat app', url: `${appsOrigin}/PBX0/APPS/chat`, info: { apis: { 'com.innovaphone.chat': {} }, wake: ['chat'] } },
    ...(opts.extraApps ? EXTRA_APPS.map((name): SimApp => ({ name, title: name[0]!.toUpperCase() + name.slice(1), text: `Extra stand-in app ${name}`, url: `${appsOrigin}/PBX0/APPS/${name}`, info: { apis: { [`com.example.${name}`]: {} } } })) : []),
    ...softphoneApps(),
  ];

  // ---- myApps WebSocket --------------------------------------------------------------------

  const myappsIn: SimTraffic['myappsIn'] = {};
  const myappsOut: SimTraffic['myappsOut'] = {};
  const countMessage = (to: SimTraffic['myappsIn'], mt: string, bytes: number): void => {
    const c = (to[mt] ??= { count: 0, bytes: 0 });
    c.count++;
    c.bytes += bytes;
  };

  function send(s: Session, msg: MyAppsServerMessage): void {
    if (s.ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(msg);
    s.ws.send(text);
    countMessage(myappsOut, msg.mt, text.length);
    s.lastSent = Date.now();
  }
  function sendPresence(s: Session): void {
    s.info.presence = [{ ...s.tel }, { ...s.im }];
    send(s, { mt: 'UpdateOwnPresence', presence: s.info.presence });
    events.emit('session');
  }

  function onMyAppsMessage(s: Session, raw: string): void {
    s.pingsOutstanding = 0;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
      const mt = (parsed as { mt?: unknown } | null)?.mt;
      countMessage(myappsIn, typeof mt === 'string' ? mt : '?', raw.length);
    } catch {
      countMessage(myappsIn, '(not JSON)', raw.length);
      send(s, { mt: 'Error', errorText: 'message is not JSON' });
      return;
    }
    const r = MyAppsClientMessageSchema.safeParse(parsed);
    if (!r.success) {
      const mt = typeof (parsed as { mt?: unknown })?.mt === 'string' ? (parsed as { mt: string }).mt : '?';
      send(s, { mt: 'Error', errorText: `unsupported or invalid message ${mt}: ${r.error.issues[0]?.message ?? ''}` });
      return;
    }
    const m: MyAppsClientMessage = r.data;
    s.info.received.push(m.mt);
    if (s.info.received.length > 200) s.info.received.shift();
    log(`myapps#${s.info.id} <- ${m.mt}`);
    switch (m.mt) {
      case 'Pong':
        s.info.pongsReceived++;
        events.emit('session');
        return;
      case 'CheckBuild':
        send(s, { mt: 'CheckBuildResult', version: '14r2', build: '1420100', launcherUpdateBuild: model.launcherUpdateBuild, appStoreUrl: model.appStoreUrl });
        return;
      case 'LoginInfo':
        send(s, { mt: 'LoginInfoResult', user: { digest: true, ntlm: false, oauth2: false }, session: { digest: false } });
        return;
      case 'Login':
        return onLogin(s, m);
      default:
        break;
    }
    if (!s.info.loggedIn) {
      send(s, { mt: 'Error', errorText: `${m.mt} needs a login first` });
      return;
    }
    switch (m.mt) {
      case 'Logout':
        s.info.loggedIn = false;
        send(s, { mt: 'LogoutResult' });
        events.emit('session');
        return;
      case 'SubscribeApps':
        send(s, { mt: 'UpdateApps', apps: apps(), deviceApps: apps().filter((a) => a.name === 'phone'), selected: 'phone,chat' });
        return;
      case 'SetUserActivity':
        s.info.inactive = m.inactive;
        s.im = { contact: 'im:', status: m.inactive ? 'closed' : 'open', activity: '' };
        sendPresence(s);
        return;
      case 'SetOwnPresence':
        s.tel = { contact: 'tel:', status: 'open', activity: m.activity, ...(m.note ? { note: m.note } : {}) };
        sendPresence(s);
        return;
      case 'AppGetLogin':
        // App logins (AppWebsocket to app services) are not simulated: say so instead of faking a key.
        send(s, { mt: 'AppGetLoginResult', src: m.src, error: 1, errorText: 'AppGetLogin is not simulated by pbx-sim' });
        return;
    }
  }

  function onLogin(s: Session, m: Extract<MyAppsClientMessage, { mt: 'Login' }>): void {
    if (m.type === 'session') {
      send(s, { mt: 'LoginResult', error: 5, errorText: 'Session expired' });
      return;
    }
    s.info.userAgent = m.userAgent ?? s.info.userAgent;
    if (!m.method) {
      s.challenge = randomBytes(8).toString('hex');
      send(s, { mt: 'Authenticate', type: 'user', method: 'digest', domain, challenge: s.challenge });
      return;
    }
    const challenge = s.challenge;
    s.challenge = undefined; // one attempt per challenge
    const nonce = m.nonce ?? '';
    const u = users.find((x) => x.sip === m.username) ?? user;
    const ok =
      !!challenge &&
      !!m.username &&
      !!m.response &&
      !s.usedNonces.has(nonce) &&
      m.username === u.sip &&
      m.response === loginDigest('user', domain, u.sip, u.password, nonce, challenge);
    s.usedNonces.add(nonce);
    if (!ok || !challenge) {
      log(`myapps#${s.info.id} login failed for ${m.username ?? '?'}`);
      send(s, { mt: 'LoginResult', error: 2, errorText: 'Authentication failed' });
      return;
    }
    s.info.loggedIn = true;
    s.info.user = u.sip;
    s.simUser = u;
    const info = { user: modelFor(s).user };
    const infoJson = JSON.stringify(info);
    send(s, { mt: 'LoginResult', info, digest: loginResultDigest(domain, u.sip, u.password, nonce, challenge, infoJson) });
    send(s, { mt: 'UpdateClientModel', model: modelFor(s) });
    sendPresence(s);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  wss.on('connection', (ws, req) => {
    const s: Session = {
      ws,
      info: { id: nextSessionId++, userAgent: String(req.headers['user-agent'] ?? ''), loggedIn: false, presence: [], pingsSent: 0, pongsReceived: 0, received: [] },
      usedNonces: new Set(),
      tel: { contact: 'tel:', status: 'open', activity: '' },
      im: { contact: 'im:', status: 'open', activity: '' },
      lastSent: Date.now(),
      pingsOutstanding: 0,
    };
    sessions.add(s);
    log(`myapps#${s.info.id} connected from ${req.headers.origin ?? '?'}`);
    events.emit('session');
    const keepalive = setInterval(() => {
      if (s.pingsOutstanding >= 2) {
        log(`myapps#${s.info.id} keepalive timeout`);
        ws.terminate();
        return;
      }
      if (Date.now() - s.lastSent >= pingIntervalMs - 5) {
        send(s, { mt: 'Ping' });
        s.info.pingsSent++;
        s.pingsOutstanding++;
        events.emit('session');
      }
    }, pingIntervalMs);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return send(s, { mt: 'Error', errorText: 'binary frames are not supported' });
      onMyAppsMessage(s, data.toString());
    });
    ws.on('close', () => {
      clearInterval(keepalive);
      sessions.delete(s);
      events.emit('session');
    });
    ws.on('error', () => {});
  });

  // ---- control -------------------------------------------------------------------------------

  function waitFor<T>(event: string, find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = find();
        if (hit === undefined) return false;
        cleanup();
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`pbx-sim: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        events.off(event, check);
      };
      events.on(event, check);
      check();
    });
  }

  function pushModel(): void {
    for (const s of sessions) if (s.info.loggedIn) send(s, { mt: 'UpdateClientModel', model: modelFor(s) });
  }

  const control: SimControl = {
    received: () => records.map((r) => ({ ...r })),
    waitForReceived: (pred, timeoutMs = 10_000) => waitFor('received', () => records.find(pred), timeoutMs, 'a received ApiRequest'),
    clearReceived: () => {
      records = [];
    },
    model: () => structuredClone(model),
    setModel(patch) {
      model = { ...model, ...ModelPatchSchema.parse(patch) } as ClientModel;
      pushModel();
      return structuredClone(model);
    },
    reset() {
      records = [];
      model = initialModel();
      pushModel();
    },
    sessions: () => [...sessions].map((s) => structuredClone(s.info)),
    waitForSession: (pred, timeoutMs = 10_000) =>
      waitFor('session', () => control.sessions().find(pred), timeoutMs, 'a matching myApps session'),
    traffic: () => ({ tcpBytesIn: 0, tcpBytesOut: 0, connections: 0, myappsIn: {}, myappsOut: {} }), // set once the servers exist
    push(msg) {
      let n = 0;
      for (const s of sessions) {
        if (!s.info.loggedIn || s.ws.readyState !== WebSocket.OPEN) continue;
        const text = JSON.stringify(msg);
        s.ws.send(text);
        countMessage(myappsOut, typeof msg.mt === 'string' ? msg.mt : '?', text.length);
        s.lastSent = Date.now();
        n++;
      }
      return n;
    },
  };

  // ---- HTTP ----------------------------------------------------------------------------------

  /**
   * Web client and app files, sent like a PBX sends cacheable static files: `Cache-Control:
   * no-cache` (use a copy only after asking) with `ETag` and `Last-Modified`; a matching
   * `If-None-Match` (or, without it, `If-Modified-Since`) gets `304`. API, control and WebSocket
   * routes stay `no-store`.
   */
  async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, folder: 'APPCLIENT' | 'APPS', file: string, method: string): Promise<void> {
    if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(file) || !CONTENT_TYPES[extname(file)]) throw new HttpError(404, 'not found');
    let body: Buffer | undefined;
    let mtime = new Date(0);
    for (const root of opts.wwwOverlay ? [opts.wwwOverlay, WWW] : [WWW]) {
      try {
        const full = join(root, folder, file);
        mtime = (await stat(full)).mtime;
        body = await readFile(full);
        break;
      } catch {
        // next root
      }
    }
    if (!body) throw new HttpError(404, 'not found');
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    const lastModified = new Date(Math.floor(mtime.getTime() / 1000) * 1000).toUTCString();
    const headers = { 'cache-control': 'no-cache', etag, 'last-modified': lastModified };
    const inm = req.headers['if-none-match'];
    const ims = Date.parse(req.headers['if-modified-since'] ?? '');
    const notModified = inm !== undefined
      ? inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')
      : Number.isFinite(ims) && Date.parse(lastModified) <= ims;
    if (notModified) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': CONTENT_TYPES[extname(file)]!, 'content-length': body.length });
    res.end(method === 'HEAD' ? undefined : body);
  }

  async function handleReceivedPost(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const r = ReceivedPostSchema.safeParse(await readJson(req, MAX_RECEIVED_BODY));
    if (!r.success) throw new HttpError(400, `invalid record: ${r.error.issues[0]?.path.join('.')} ${r.error.issues[0]?.message ?? ''}`);
    for (const rec of 'records' in r.data ? r.data.records : [r.data]) {
      records.push({ ...rec, at: rec.at ?? Date.now() });
      log(`received ${rec.app} ${rec.api} ${String(rec.msg.mt)}`);
    }
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
    events.emit('received');
    res.writeHead(204).end();
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse, isApps: boolean): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const get = method === 'GET' || method === 'HEAD';
    let m: RegExpMatchArray | null;
    if (get && (m = path.match(/^\/PBX0\/APPS\/([^/]+)$/))) return serveStatic(req, res, 'APPS', m[1]!, method);
    if (path === '/sim/received') {
      if (method === 'POST') return handleReceivedPost(req, res);
      if (get) return sendJson(res, 200, { records });
      throw new HttpError(405, 'method not allowed');
    }
    if (isApps) throw new HttpError(404, 'not found');
    if (get && path === '/') {
      res.writeHead(302, { location: '/PBX0/APPCLIENT/appclient.htm' }).end();
      return;
    }
    if (get && (m = path.match(/^\/PBX0\/APPCLIENT\/([^/]+)$/))) return serveStatic(req, res, 'APPCLIENT', m[1]!, method);
    if (path === '/sim/model') {
      if (get) return sendJson(res, 200, model);
      if (method !== 'POST') throw new HttpError(405, 'method not allowed');
      const r = ModelPatchSchema.safeParse(await readJson(req));
      if (!r.success) throw new HttpError(400, `invalid model patch: ${r.error.issues[0]?.path.join('.')} ${r.error.issues[0]?.message ?? ''}`);
      return sendJson(res, 200, control.setModel(r.data));
    }
    if (path === '/sim/reset' && method === 'POST') {
      control.reset();
      res.writeHead(204).end();
      return;
    }
    if (path === '/sim/sessions' && get) return sendJson(res, 200, { sessions: control.sessions() });
    if (path === '/sim/push' && method === 'POST') {
      const r = PushSchema.safeParse(await readJson(req));
      if (!r.success) throw new HttpError(400, `invalid push: ${r.error.issues[0]?.message ?? ''}`);
      return sendJson(res, 200, { sent: control.push(r.data.msg) });
    }
    if (path === '/sim/login-hint' && get) {
      if (!autoLogin) throw new HttpError(404, 'auto login is off');
      return sendJson(res, 200, { username: user.sip, password: user.password });
    }
    throw new HttpError(404, 'not found');
  }

  function handler(isApps: boolean) {
    return (req: http.IncomingMessage, res: http.ServerResponse): void => {
      route(req, res, isApps).catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (status === 500) log(`error: ${String(err)}`);
        if (!res.headersSent) sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
        else res.destroy();
      });
    };
  }

  function createServer(isApps: boolean): http.Server {
    const h = handler(isApps);
    return cert ? https.createServer({ key: cert.key, cert: cert.cert }, h) : http.createServer(h);
  }

  function listen(server: http.Server, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host === 'localhost' ? '127.0.0.1' : host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  const signal: SignalRelay | undefined = opts.softphone
    ? createSignalRelay({
        log,
        isLoggedIn: (sip) => [...sessions].some((s) => s.info.loggedIn && s.info.user === sip),
        findUser: (ep) => users.find((u) => (ep.sip !== undefined ? u.sip === ep.sip : !!u.num && u.num === ep.num))?.sip,
        numberOf: (sip) => users.find((u) => u.sip === sip)?.num || undefined,
      })
    : undefined;
  /** `/sim/signal` (softphone option) on the apps origin; true when handled. */
  const signalUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    if (!signal || new URL(req.url ?? '/', 'http://x').pathname !== SIM_SIGNAL_PATH) return false;
    signal.handleUpgrade(req, socket, head);
    return true;
  };

  const sockets = new Set<Socket>();
  /** Bytes of connections already closed, and how many connections there were. */
  const closedBytes = { in: 0, out: 0 };
  let connections = 0;
  const track = (server: http.Server): void => {
    // For HTTPS this is the TCP socket under TLS: its counters are the bytes on the wire.
    server.on('connection', (sock: Socket) => {
      sockets.add(sock);
      connections++;
      sock.on('close', () => {
        sockets.delete(sock);
        closedBytes.in += sock.bytesRead;
        closedBytes.out += sock.bytesWritten;
      });
    });
  };
  control.traffic = () => {
    let tcpBytesIn = closedBytes.in;
    let tcpBytesOut = closedBytes.out;
    for (const sock of sockets) {
      tcpBytesIn += sock.bytesRead;
      tcpBytesOut += sock.bytesWritten;
    }
    return { tcpBytesIn, tcpBytesOut, connections, myappsIn: structuredClone(myappsIn), myappsOut: structuredClone(myappsOut) };
  };

  const main = createServer(false);
  track(main);
  main.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!separate && signalUpgrade(req, socket, head)) return;
    if (path !== '/PBX0/APPCLIENT/websocket') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const port = await listen(main, opts.port ?? 0);
  const origin = `${scheme}://${urlHost}:${port}`;

  let appsServer: http.Server | undefined;
  let appsPort = port;
  if (separate) {
    appsServer = createServer(true);
    track(appsServer);
    appsServer.on('upgrade', (req, socket, head) => {
      if (!signalUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
    try {
      appsPort = await listen(appsServer, opts.appsPort ?? 0);
    } catch (err) {
      main.close();
      throw err;
    }
  }
  appsOrigin = `${scheme}://${urlHost}:${appsPort}`;
  log(`pbx-sim on ${origin} (apps ${appsOrigin})`);

  let closed: Promise<void> | undefined;
  return {
    url: `${origin}/PBX0/APPCLIENT/appclient.htm`,
    origin,
    appsOrigin,
    port,
    appsPort,
    cert,
    user,
    control,
    signal,
    close() {
      closed ??= (async () => {
        for (const s of sessions) s.ws.terminate();
        wss.close();
        signal?.close();
        const closing = [main, appsServer].filter((x): x is http.Server => !!x).map((srv) => new Promise<void>((r) => srv.close(() => r())));
        for (const sock of sockets) sock.destroy();
        await Promise.all(closing);
      })();
      return closed;
    },
  };
}
