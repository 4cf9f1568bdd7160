// @ts-check
/*
 * Stand-in myApps web client of the PBX simulator (docs/pbx-sim.md). Plain browser JS, no build.
 *
 *  - PBX side: the myApps WebSocket /PBX0/APPCLIENT/websocket (digest login of docs/pbx-sim.md,
 *    SubscribeApps/UpdateApps, UpdateClientModel (sim), SetUserActivity/UpdateOwnPresence,
 *    Ping/Pong).
 *  - App side: hosts the apps of UpdateApps in iframes and speaks lib1's app <-> client postMessage
 *    protocol (innovaphone's web1/lib1; docs/pbx-sim.md "App side"): JSON strings both ways; Alive,
 *    RegisterApi {api}, ApiModel {api, model}, ConsumeApi, ApiRequest {api, provider?, src?, msg},
 *    ApiResult {api, consumer, src?, msg}, ApiUpdate, ApiConsumerClosed, Action, getLogin/Login.
 *  - Launcher side: when localStorage['appclient-config'] is present (written by the launcher's
 *    preload), a client of the launcher's ApiRelay (the local services bus, common/bus.ts): each
 *    app is a consumer of its own (`dev:<app>_<user>_<hex>`, consumers.js) whose requests go to the
 *    relay as `{mt:"ApiRequest", apiId, consumer, provider?, src?, msg}`; provider apps become relay
 *    providers named by the app; the client itself provides com.innovaphone.client under its own
 *    `@client-<id>`; it reads the user activity from the com.innovaphone.launcher model and sends
 *    SetUserActivity to the PBX.
 */
(function () {
  'use strict';

  var CONFIG_KEY = 'appclient-config';
  var CLIENT_API = 'com.innovaphone.client';
  var LAUNCHER_API = 'com.innovaphone.launcher';
  var USER_AGENT = 'myApps (pbx-sim stand-in web client)';
  /** Most app-visible consumers remembered per provider app (for ApiConsumerClosed). */
  var MAX_SEEN = 10000;

  /** @typedef {{ title: string, url: string, info: Record<string, unknown>, model: Record<string, unknown>, restart?: number }} ProviderEntry */
  /** @typedef {Record<string, Record<string, ProviderEntry>>} Apis */
  /** @typedef {{ name: string, title: string, text?: string, url: string, info?: { apis?: Record<string, Record<string, unknown>> } }} App */
  /**
   * One app iframe: `consumer` is its consumer id on the relay (new at every start); `seen` the
   * consumers (as the app sees them) that sent it requests, with the APIs they used.
   * @typedef {{ app: App, iframe: HTMLIFrameElement, tab: HTMLButtonElement, origin: string, alive: boolean, consumer: string, provides: Set<string>, consumes: Set<string>, seen: Map<string, Set<string>> }} Frame
   */
  /**
   * consumers.js (loaded first).
   * @typedef {{ CLIENT_PREFIX: string, LOCAL_PREFIX: string, consumerId(app: string, user: string, hex: string): string, toApp(consumer: string, client: string | undefined, own: string): string, fromApp(key: string, own: string): { consumer: string, client?: string } }} ConsumersLib
   */
  var ids = /** @type {ConsumersLib} */ (/** @type {any} */ (window).pbxSimConsumers);

  var $ = function (/** @type {string} */ id) {
    var el = document.getElementById(id);
    if (!el) throw new Error('missing #' + id);
    return el;
  };

  // ---- state (also exposed as window.__appclient for tests) ----------------------------------
  var state = {
    /** @type {any} */ config: null,
    configError: '',
    /** 'none' | 'connecting' | 'open' | 'refused' | 'closed' */
    bus: 'none',
    /** This client's `@client-<id>` on the relay (Welcome). */
    busClient: '',
    pbx: 'connecting',
    loggedIn: false,
    user: '',
    /** @type {Record<string, unknown> | null} */ model: null,
    /** @type {unknown[]} */ presence: [],
    /** User activity: what the launcher model says, and what the PBX was last told. */
    activity: { inactive: false, sent: false, messages: 0 },
    /** @type {string[]} */ log: [],
    /** @type {unknown[]} */ busErrors: [],
  };
  /** @type {Map<string, Frame>} app name -> frame */
  var frames = new Map();
  /** @type {Map<string, Frame>} consumer id -> frame */
  var byConsumer = new Map();
  /** Providers registered by this page's apps: api -> app name -> entry (registration order). */
  /** @type {Apis} */
  var local = {};
  /** The relay's registry (merged per API from its ApiUpdates). */
  /** @type {{ apis: Apis, defaultApiProviders: Record<string, string> }} */
  var remote = { apis: {}, defaultApiProviders: {} };
  /** APIs consumed on the bus. */
  var busConsumed = new Set();
  /** getLogin src -> app name. */
  /** @type {Map<string, string>} */
  var loginWaiters = new Map();
  /** @type {WebSocket | null} */ var bus = null;
  /** @type {WebSocket | null} */ var pbx = null;
  var busRetryMs = 500;
  /** Wait before reconnecting to the PBX; `?pbxRetryMs=` shortens it (reliability.reconnect_cycles). */
  var pbxRetryMs = Number(new URLSearchParams(location.search).get('pbxRetryMs')) || 2000;
  /** @type {{ username: string, password: string, nonce: string, challenge: string, domain: string } | null} */
  var pendingLogin = null;

  // The log panel catches up at most every LOG_RENDER_MS in an animation frame, not per line: a
  // DOM change per bridged message made Chromium lay out and paint on every frame (docs/pbx-sim.md).
  var LOG_SHOWN = 200;
  var LOG_RENDER_MS = 500;
  var logTotal = 0;
  var logShown = 0;
  var logRenderPending = false;
  var logRenderedAt = 0;
  function log(/** @type {string} */ line) {
    var text = new Date().toISOString().slice(11, 23) + ' ' + line;
    state.log.push(text);
    if (state.log.length > 500) state.log.shift();
    logTotal++;
    if (logRenderPending) return;
    logRenderPending = true;
    setTimeout(function () { requestAnimationFrame(renderLog); }, Math.max(0, logRenderedAt + LOG_RENDER_MS - Date.now()));
  }
  function renderLog() {
    logRenderPending = false;
    logRenderedAt = Date.now();
    var fresh = Math.min(logTotal - logShown, LOG_SHOWN, state.log.length);
    logShown = logTotal;
    var ol = $('log');
    var frag = document.createDocumentFragment();
    state.log.slice(state.log.length - fresh).forEach(function (text) {
      var li = document.createElement('li');
      li.textContent = text;
      frag.appendChild(li);
    });
    ol.appendChild(frag);
    while (ol.childElementCount > LOG_SHOWN) ol.removeChild(/** @type {Node} */ (ol.firstChild));
  }

  function chip(/** @type {string} */ id, /** @type {string} */ text, /** @type {'ok'|'bad'|''} */ cls) {
    var el = $(id);
    el.textContent = text;
    el.className = 'chip' + (cls ? ' ' + cls : '');
  }

  function banner(/** @type {string} */ text) {
    var el = $('banner');
    el.textContent = text;
    el.hidden = !text;
  }

  // ---- crypto helpers (WebCrypto; the page is a secure context: https or loopback http) -------
  function hex(/** @type {ArrayBuffer | Uint8Array} */ buf) {
    return Array.from(new Uint8Array(buf), function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }
  function sha256hex(/** @type {string} */ s) {
    return crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)).then(hex);
  }
  function randomHex(/** @type {number} */ bytes) {
    return hex(crypto.getRandomValues(new Uint8Array(bytes)));
  }

  // ---- appclient-config ---------------------------------------------------------------------
  function readConfig() {
    var raw = null;
    try {
      raw = localStorage.getItem(CONFIG_KEY);
    } catch (e) {
      raw = null;
    }
    if (raw === null) return;
    try {
      var c = JSON.parse(raw);
      if (!c || c.version !== 1) throw new Error('version must be 1');
      if (c.protocol !== 1) throw new Error('protocol must be 1');
      if (typeof c.bus !== 'string' || !/^wss?:\/\//.test(c.bus)) throw new Error('bus must be a ws:// URL');
      if (typeof c.token !== 'string' || c.token.length < 32) throw new Error('token missing or too short');
      state.config = c;
    } catch (e) {
      state.configError = String(/** @type {Error} */ (e).message || e);
    }
  }

  // ---- the registry the apps see ---------------------------------------------------------------
  /** Before the relay names this client, the name of its own com.innovaphone.client provider. */
  var pageClientId = ids.CLIENT_PREFIX + randomHex(16);
  /** The client's own provider name: its `@client-<id>` on the relay. */
  function ownProvider() {
    return state.busClient || pageClientId;
  }
  function clientEntry() {
    return { title: 'innovaphone myApps', url: location.href, info: {}, model: state.model || {} };
  }
  function mergedApis() {
    /** @type {Apis} */
    var apis = {};
    var add = function (/** @type {Apis} */ src) {
      Object.keys(src).forEach(function (api) {
        apis[api] = Object.assign({}, apis[api] || {}, src[api]);
      });
    };
    if (state.bus === 'open') add(remote.apis);
    add(local);
    if (state.model) {
      apis[CLIENT_API] = Object.assign({}, apis[CLIENT_API] || {});
      apis[CLIENT_API][ownProvider()] = clientEntry();
    }
    return apis;
  }
  function apiUpdate() {
    return { mt: 'ApiUpdate', apis: mergedApis(), defaultApiProviders: state.bus === 'open' ? remote.defaultApiProviders : {} };
  }
  function postToFrame(/** @type {Frame} */ f, /** @type {Record<string, unknown>} */ msg) {
    if (!f.iframe.contentWindow) return;
    // lib1 speaks JSON strings (undefined fields, e.g. a missing src, are left out); the target
    // origin is the app's own origin.
    f.iframe.contentWindow.postMessage(JSON.stringify(msg), f.origin);
  }
  var updateScheduled = false;
  function broadcastApiUpdate() {
    if (updateScheduled) return;
    updateScheduled = true;
    setTimeout(function () {
      updateScheduled = false;
      var msg = apiUpdate();
      frames.forEach(function (f) { if (f.alive) postToFrame(f, msg); });
    }, 0);
  }

  /**
   * The providers of `api` in this page that a request naming `provider` goes to: the app(s) and/or
   * the client itself (com.innovaphone.client). `*` = all; absent = the default provider (the
   * relay's defaultApiProviders when it is one of ours, else the first registered).
   * @param {string} api
   * @param {string | undefined} provider
   * @returns {string[]}
   */
  function providersFor(api, provider) {
    var mine = Object.keys(local[api] || {}).filter(function (n) { var f = frames.get(n); return !!f && f.provides.has(api); });
    if (api === CLIENT_API && state.model) mine.unshift(ownProvider());
    if (provider === '*') return mine;
    if (provider !== undefined) return mine.indexOf(provider) >= 0 ? [provider] : [];
    var def = remote.defaultApiProviders[api];
    if (def && mine.indexOf(def) >= 0) return [def];
    return mine.slice(0, 1);
  }

  /** Remember that a provider app got a request from `key` on `api` (bounded). */
  function remember(/** @type {Frame} */ f, /** @type {string} */ key, /** @type {string} */ api) {
    var s = f.seen.get(key);
    if (!s) {
      if (f.seen.size >= MAX_SEEN) f.seen.delete(/** @type {string} */ (f.seen.keys().next().value));
      f.seen.set(key, (s = new Set()));
    }
    s.add(api);
  }
  /** Tell the provider apps that got requests from `key` that this consumer is gone (lib1's ApiConsumerClosed). */
  function consumerClosed(/** @type {string} */ key) {
    frames.forEach(function (f) {
      var apis = f.seen.get(key);
      if (!apis) return;
      f.seen.delete(key);
      apis.forEach(function (api) { postToFrame(f, { mt: 'ApiConsumerClosed', api: api, consumer: key }); });
    });
  }

  // ---- local services bus (the launcher's ApiRelay) -------------------------------------------
  function busSend(/** @type {Record<string, unknown>} */ frame) {
    if (bus && state.bus === 'open') bus.send(JSON.stringify(frame));
  }
  function connectBus() {
    if (!state.config) return;
    state.bus = 'connecting';
    chip('st-bus', 'bus: connecting', '');
    var url = state.config.bus + '?token=' + encodeURIComponent(state.config.token) + '&v=1';
    var ws = new WebSocket(url);
    bus = ws;
    var opened = false;
    ws.onopen = function () { opened = true; };
    ws.onmessage = function (ev) {
      var f;
      try {
        f = JSON.parse(String(ev.data));
      } catch (e) {
        log('bus: non-JSON frame ignored');
        return;
      }
      onBusFrame(f);
    };
    ws.onclose = function (ev) {
      if (bus !== ws) return;
      bus = null;
      state.bus = opened ? 'closed' : 'refused';
      state.busClient = '';
      chip('st-bus', 'bus: ' + state.bus + (ev.code ? ' (' + ev.code + ')' : ''), 'bad');
      log('bus ' + state.bus + ' code=' + ev.code + (ev.reason ? ' ' + ev.reason : ''));
      remote = { apis: {}, defaultApiProviders: {} };
      readActivity();
      broadcastApiUpdate();
      setTimeout(connectBus, busRetryMs);
      busRetryMs = Math.min(busRetryMs * 2, 10000);
    };
  }
  function onBusOpen() {
    busRetryMs = 500;
    busConsumed.clear();
    remote = { apis: {}, defaultApiProviders: {} };
    // Without `provider`: the client's own provider, named by the relay (`@client-<id>`).
    if (state.model) busSend({ mt: 'RegisterApi', api: CLIENT_API, title: 'innovaphone myApps', model: state.model });
    frames.forEach(function (f) {
      f.provides.forEach(function (api) { registerOnBus(f, api); });
      f.consumes.forEach(consumeOnBus);
    });
    // The user activity comes in the launcher's model.
    consumeOnBus(LAUNCHER_API);
  }
  function registerOnBus(/** @type {Frame} */ f, /** @type {string} */ api) {
    var e = local[api] && local[api][f.app.name];
    /** @type {Record<string, unknown>} */
    var reg = { mt: 'RegisterApi', api: api, provider: f.app.name, title: f.app.title, info: (e && e.info) || {} };
    if (e && e.model && Object.keys(e.model).length) reg.model = e.model;
    busSend(reg);
  }
  function consumeOnBus(/** @type {string} */ api) {
    if (busConsumed.has(api) || state.bus !== 'open') return;
    busConsumed.add(api);
    busSend({ mt: 'ConsumeApi', api: api });
  }
  function onBusFrame(/** @type {any} */ f) {
    switch (f && f.mt) {
      case 'Welcome':
        state.bus = 'open';
        state.busClient = String(f.client);
        chip('st-bus', 'bus: connected', 'ok');
        log('bus connected as ' + f.client);
        onBusOpen();
        broadcastApiUpdate();
        return;
      case 'ApiUpdate': {
        // Each relay ApiUpdate carries the registry of the API(s) it names: merge per API.
        var apis = f.apis && typeof f.apis === 'object' ? f.apis : {};
        Object.keys(apis).forEach(function (api) {
          remote.apis[api] = apis[api] || {};
          var def = f.defaultApiProviders && f.defaultApiProviders[api];
          if (typeof def === 'string') remote.defaultApiProviders[api] = def;
          else delete remote.defaultApiProviders[api];
        });
        if (apis[LAUNCHER_API]) readActivity();
        broadcastApiUpdate();
        return;
      }
      case 'ApiRequest':
        return onBusRequest(f);
      case 'ApiResult': {
        // to one of our apps as consumer
        var df = f.client === state.busClient ? byConsumer.get(f.consumer) : undefined;
        if (!df) {
          log('bus: result for ' + f.consumer + ' dropped (no such app)');
          return;
        }
        postToFrame(df, { mt: 'ApiResult', api: f.api, provider: f.provider, src: f.src, msg: f.msg, errorText: f.errorText });
        return;
      }
      case 'ApiConsumerClosed':
        if (typeof f.consumer === 'string') consumerClosed(ids.toApp(f.consumer, f.client, state.busClient));
        return;
      case 'Error':
        state.busErrors.push(f);
        log('bus error ' + f.error + ': ' + f.reason);
        return;
      default:
        log('bus: unknown frame ' + (f && f.mt));
    }
  }
  /** A relay consumer -> our provider(s): an app of this page, or the client itself. */
  function onBusRequest(/** @type {any} */ f) {
    var api = String(f.apiId);
    var provider = typeof f.provider === 'string' ? f.provider : undefined;
    var reply = function (/** @type {string | undefined} */ prov, /** @type {Record<string, unknown>} */ msg, /** @type {string | undefined} */ errorText) {
      /** @type {Record<string, unknown>} */
      var r = { mt: 'ApiResult', api: api, consumer: f.consumer };
      if (prov !== undefined) r.provider = prov; // absent: our own @client-<id>
      if (f.client !== undefined) r.client = f.client;
      if (f.src !== undefined) r.src = f.src;
      r.msg = msg;
      if (errorText) r.errorText = errorText;
      busSend(r);
    };
    var targets = providersFor(api, provider);
    if (!targets.length) {
      reply(provider && provider !== '*' ? provider : undefined, {}, 'provider not running in this client');
      return;
    }
    var key = ids.toApp(String(f.consumer), f.client, state.busClient);
    targets.forEach(function (name) {
      if (name === ownProvider()) {
        onClientRequest(f.msg, function (msg, errorText) { reply(undefined, msg, errorText); });
        return;
      }
      var t = /** @type {Frame} */ (frames.get(name));
      remember(t, key, api);
      log('bus -> ' + name + ' ApiRequest ' + api + ' ' + (f.msg && f.msg.mt));
      postToFrame(t, { mt: 'ApiRequest', api: api, consumer: key, src: f.src, msg: f.msg });
    });
  }

  // ---- the user activity, from the launcher's model to the PBX ---------------------------------
  /** The launcher (a `@local-<id>` provider of com.innovaphone.launcher) says whether the user is inactive. */
  function readActivity() {
    var providers = remote.apis[LAUNCHER_API] || {};
    var inactive = false;
    Object.keys(providers).forEach(function (name) {
      var m = /** @type {any} */ (providers[name] && providers[name].model);
      if (name.indexOf(ids.LOCAL_PREFIX) === 0 && m && m.userActivity && typeof m.userActivity.inactive === 'boolean') inactive = m.userActivity.inactive;
    });
    state.activity.inactive = inactive;
    syncActivity();
  }
  /** SetUserActivity on the myApps WebSocket whenever the PBX's view differs (myApps.htm). */
  function syncActivity() {
    if (!state.loggedIn || state.activity.inactive === state.activity.sent) return;
    state.activity.sent = state.activity.inactive;
    state.activity.messages++;
    pbxSend({ mt: 'SetUserActivity', inactive: state.activity.inactive });
    log('SetUserActivity inactive=' + state.activity.inactive);
  }

  // ---- com.innovaphone.client provided by the client itself -----------------------------------
  /**
   * @param {any} msg
   * @param {(msg: Record<string, unknown>, errorText?: string) => void} reply
   */
  function onClientRequest(msg, reply) {
    var mt = msg && msg.mt;
    log(ownProvider() + ' request ' + mt);
    if (mt === 'ShowApp' && typeof msg.app === 'string') {
      showApp(msg.app.split('?')[0]);
      reply({ mt: 'ShowAppResult' });
    } else {
      reply({ mt: String(mt) + 'Result' }, 'not simulated by the pbx-sim web client');
    }
  }
  function setModel(/** @type {Record<string, unknown>} */ model) {
    var m = Object.assign({}, model);
    // The client reports whether it runs inside the launcher.
    if (!state.config) m.launcher = false;
    var first = !state.model;
    state.model = m;
    if (first) busSend({ mt: 'RegisterApi', api: CLIENT_API, title: 'innovaphone myApps', model: m });
    else busSend({ mt: 'ApiModel', api: CLIENT_API, model: m });
    log('client model ' + (first ? 'received' : 'updated'));
    broadcastApiUpdate();
  }

  // ---- offline copy ------------------------------------------------------------------------------
  // Like the real web client's localStorage 'appclient-model' (offline copy of personal data): the
  // apps and the client model of the last login, used to start the apps when the PBX cannot be
  // reached (their files then come from the launcher's app proxy cache, docs/appproxy.md).
  var OFFLINE_KEY = 'appclient-model';
  function loadOffline() {
    try {
      var o = JSON.parse(localStorage.getItem(OFFLINE_KEY) || 'null');
      return o && typeof o === 'object' ? /** @type {{apps?: unknown, model?: unknown}} */ (o) : null;
    } catch (e) {
      return null;
    }
  }
  function saveOffline(/** @type {{apps?: unknown, model?: unknown}} */ part) {
    try {
      localStorage.setItem(OFFLINE_KEY, JSON.stringify(Object.assign({}, loadOffline() || {}, part)));
    } catch (e) {
      // storage unavailable: no offline start
    }
  }
  var offlineTried = false;
  function startOffline() {
    if (offlineTried || state.loggedIn || frames.size) return;
    offlineTried = true;
    var o = loadOffline();
    if (!o || !Array.isArray(o.apps)) return;
    if (o.model && typeof o.model === 'object' && !state.model) setModel(/** @type {Record<string, unknown>} */ (o.model));
    /** @type {App[]} */ (o.apps).forEach(startApp);
    log('PBX unreachable: started ' + frames.size + ' apps from the offline copy');
  }

  // ---- app iframes ------------------------------------------------------------------------------
  function frameParams(/** @type {App} */ app) {
    var lang = (state.model && state.model.lang) || 'en';
    var scheme = (state.model && state.model.scheme) || 'light';
    return '?lang=' + encodeURIComponent(String(lang)) + '&scheme=' + encodeURIComponent(String(scheme)) + '&name=' + encodeURIComponent(app.name) +
      '&title=' + encodeURIComponent(app.title) + '&clientUrl=' + encodeURIComponent(location.href);
  }
  /** A fresh consumer id for the app (at every start of the app). */
  function newConsumer(/** @type {Frame} */ f) {
    if (f.consumer) byConsumer.delete(f.consumer);
    var user = state.user || String((state.model && /** @type {any} */ (state.model).user && /** @type {any} */ (state.model).user.sip) || '');
    f.consumer = ids.consumerId(f.app.name, user, randomHex(4));
    byConsumer.set(f.consumer, f);
  }
  /** The app's consumer went away (reload, close): its providers hear so. */
  function appConsumerGone(/** @type {Frame} */ f) {
    if (!f.consumer) return;
    if (state.bus === 'open') busSend({ mt: 'ApiConsumerClosed', consumer: f.consumer });
    else consumerClosed(f.consumer);
  }
  function startApp(/** @type {App} */ app) {
    if (frames.has(app.name)) return;
    var src = app.url + '.htm' + frameParams(app);
    var iframe = document.createElement('iframe');
    iframe.src = src;
    iframe.name = app.name;
    iframe.title = app.title;
    iframe.dataset.app = app.name;
    var tab = document.createElement('button');
    tab.type = 'button';
    tab.textContent = app.title;
    tab.dataset.app = app.name;
    tab.onclick = function () { showApp(app.name); };
    /** @type {Frame} */
    var f = { app: app, iframe: iframe, tab: tab, origin: new URL(src, location.href).origin, alive: false, consumer: '', provides: new Set(), consumes: new Set(), seen: new Map() };
    newConsumer(f);
    frames.set(app.name, f);
    $('tabs').appendChild(tab);
    $('frames').appendChild(iframe);
    log('start app ' + app.name + ' from ' + f.origin);
    if (frames.size === 1) showApp(app.name);
  }
  /** Action CloseApp: the app's frame goes, with its providers and its consumer. */
  function closeApp(/** @type {Frame} */ f) {
    appConsumerGone(f);
    byConsumer.delete(f.consumer);
    f.provides.forEach(function (api) {
      if (local[api]) delete local[api][f.app.name];
      busSend({ mt: 'UnregisterApi', api: api, provider: f.app.name });
    });
    frames.delete(f.app.name);
    f.iframe.remove();
    f.tab.remove();
    log('closed app ' + f.app.name);
    broadcastApiUpdate();
  }
  function showApp(/** @type {string} */ name) {
    frames.forEach(function (f, n) {
      f.iframe.classList.toggle('active', n === name);
      f.tab.classList.toggle('active', n === name);
    });
  }
  function frameOf(/** @type {MessageEventSource | null} */ source) {
    var hit = null;
    frames.forEach(function (f) { if (f.iframe.contentWindow === source) hit = f; });
    return /** @type {Frame | null} */ (hit);
  }

  window.addEventListener('message', function (ev) {
    var f = frameOf(ev.source);
    if (!f || ev.origin !== f.origin) return; // only our app frames, from their own origin
    if (typeof ev.data !== 'string') return; // lib1 posts JSON strings
    var msg;
    try {
      msg = JSON.parse(ev.data);
    } catch (e) {
      return;
    }
    if (!msg || typeof msg.mt !== 'string') return;
    onAppMessage(f, msg);
  });

  /** @param {Frame} f @param {any} m */
  function onAppMessage(f, m) {
    var name = f.app.name;
    switch (m.mt) {
      case 'Alive':
        if (f.alive) {
          // the app started again (reload): its old consumer is gone, it is a new one
          appConsumerGone(f);
          newConsumer(f);
        }
        f.alive = true;
        log(name + ' alive as ' + f.consumer);
        postToFrame(f, apiUpdate());
        return;
      case 'RegisterApi': {
        if (typeof m.api !== 'string') return;
        f.provides.add(m.api);
        local[m.api] = local[m.api] || {};
        var info = (f.app.info && f.app.info.apis && f.app.info.apis[m.api]) || {};
        local[m.api][name] = { title: f.app.title, url: f.app.url + '.htm', info: info, model: (local[m.api][name] && local[m.api][name].model) || {} };
        log(name + ' provides ' + m.api);
        registerOnBus(f, m.api);
        broadcastApiUpdate();
        return;
      }
      case 'ApiModel':
        if (typeof m.api !== 'string' || !f.provides.has(m.api) || !m.model || typeof m.model !== 'object') return;
        local[m.api][name].model = m.model;
        busSend({ mt: 'ApiModel', api: m.api, provider: name, model: m.model });
        broadcastApiUpdate();
        return;
      case 'ConsumeApi':
        if (typeof m.api !== 'string') return;
        f.consumes.add(m.api);
        consumeOnBus(m.api);
        postToFrame(f, apiUpdate());
        return;
      case 'ApiRequest':
        return onAppRequest(f, m);
      case 'ApiResult':
        return onAppResult(f, m);
      case 'Action':
        log(name + ' Action ' + m.type + (m.value !== undefined ? ' ' + JSON.stringify(m.value) : ''));
        if (m.type === 'ShowApp' && typeof m.value === 'string') showApp(m.value.split('?')[0]);
        else if (m.type === 'BringToFront' || m.type === 'StartActivity') showApp(name);
        else if (m.type === 'SetBadge') setBadge(f, m.value);
        else if (m.type === 'CloseApp') closeApp(f);
        return;
      case 'getLogin':
        if (typeof m.src !== 'string') return;
        loginWaiters.set(m.src, name);
        pbxSend({ mt: 'AppGetLogin', src: m.src, app: String(m.app || name), challenge: String(m.challenge || '') });
        return;
      case 'OpenChannel':
        // App-to-app channels are not simulated: refuse, as a client does when the target does not accept.
        postToFrame(f, { mt: 'ChannelClosed', src: m.src, channel: 0 });
        return;
      default:
        log(name + ' ' + m.mt + ' (ignored)');
    }
  }
  function setBadge(/** @type {Frame} */ f, /** @type {unknown} */ value) {
    var old = f.tab.querySelector('.badge');
    if (old) old.remove();
    if (value === undefined || value === null || value === 0 || value === '') return;
    var b = document.createElement('span');
    b.className = 'badge';
    b.textContent = String(value);
    f.tab.appendChild(b);
  }

  /** Consumer app -> provider(s): through the relay when connected, else within this page. */
  /** @param {Frame} f @param {any} m */
  function onAppRequest(f, m) {
    if (typeof m.api !== 'string' || !m.msg || typeof m.msg !== 'object') return;
    if (m.src !== undefined && typeof m.src !== 'string') return;
    var provider = typeof m.provider === 'string' ? m.provider : undefined;
    if (state.bus === 'open') {
      consumeOnBus(m.api);
      /** @type {Record<string, unknown>} */
      var req = { mt: 'ApiRequest', apiId: m.api, consumer: f.consumer };
      if (provider !== undefined) req.provider = provider;
      if (m.src !== undefined) req.src = m.src;
      if (typeof m.title === 'string') req.title = m.title;
      req.msg = m.msg;
      busSend(req);
      return;
    }
    // No relay (plain browser): route between the apps of this page.
    var reply = function (/** @type {string} */ prov, /** @type {Record<string, unknown>} */ msg, /** @type {string | undefined} */ errorText) {
      postToFrame(f, { mt: 'ApiResult', api: m.api, provider: prov, src: m.src, msg: msg, errorText: errorText || undefined });
    };
    var targets = providersFor(m.api, provider);
    if (!targets.length) {
      reply(provider || '', {}, 'no provider for ' + m.api);
      return;
    }
    targets.forEach(function (p) {
      if (p === ownProvider()) {
        onClientRequest(m.msg, function (msg, errorText) { reply(p, msg, errorText); });
        return;
      }
      var pf = /** @type {Frame} */ (frames.get(p));
      remember(pf, f.consumer, m.api);
      postToFrame(pf, { mt: 'ApiRequest', api: m.api, consumer: f.consumer, src: m.src, msg: m.msg });
    });
  }
  /** Provider app -> consumer (through the relay, or another app of this page). */
  /** @param {Frame} f @param {any} m */
  function onAppResult(f, m) {
    if (typeof m.api !== 'string' || typeof m.consumer !== 'string' || !f.provides.has(m.api)) return;
    if (state.bus === 'open') {
      var to = ids.fromApp(m.consumer, state.busClient);
      /** @type {Record<string, unknown>} */
      var out = { mt: 'ApiResult', api: m.api, provider: f.app.name, consumer: to.consumer };
      if (to.client !== undefined) out.client = to.client;
      if (typeof m.src === 'string') out.src = m.src;
      out.msg = m.msg && typeof m.msg === 'object' ? m.msg : {};
      if (typeof m.errorText === 'string') out.errorText = m.errorText;
      busSend(out);
      return;
    }
    var cf = byConsumer.get(m.consumer);
    if (cf) postToFrame(cf, { mt: 'ApiResult', api: m.api, provider: f.app.name, src: m.src, msg: m.msg || {}, errorText: m.errorText });
  }

  // ---- myApps WebSocket to the PBX -------------------------------------------------------------
  function pbxSend(/** @type {Record<string, unknown>} */ msg) {
    if (pbx && pbx.readyState === WebSocket.OPEN) pbx.send(JSON.stringify(msg));
  }
  function connectPbx() {
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/PBX0/APPCLIENT/websocket';
    var ws = new WebSocket(url);
    pbx = ws;
    ws.onopen = function () {
      state.pbx = 'connected';
      chip('st-pbx', 'PBX: connected', '');
      pbxSend({ mt: 'CheckBuild', url: location.href });
      pbxSend({ mt: 'LoginInfo' });
    };
    ws.onmessage = function (ev) {
      var m;
      try {
        m = JSON.parse(String(ev.data));
      } catch (e) {
        return;
      }
      onPbxMessage(m);
    };
    ws.onclose = function () {
      if (pbx !== ws) return;
      state.pbx = 'disconnected';
      state.loggedIn = false;
      chip('st-pbx', 'PBX: disconnected', 'bad');
      startOffline();
      setTimeout(connectPbx, pbxRetryMs);
    };
  }
  function startLogin() {
    fetch('/sim/login-hint', { cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (hint) {
        if (hint && typeof hint.username === 'string') login(hint.username, hint.password);
        else showLoginForm('');
      })
      .catch(function () { showLoginForm(''); });
  }
  function showLoginForm(/** @type {string} */ error) {
    $('login').hidden = false;
    $('login-error').textContent = error;
  }
  function login(/** @type {string} */ username, /** @type {string} */ password) {
    pendingLogin = { username: username, password: password, nonce: '', challenge: '', domain: '' };
    pbxSend({ mt: 'Login', type: 'user', userAgent: USER_AGENT });
  }
  function onPbxMessage(/** @type {any} */ m) {
    switch (m.mt) {
      case 'CheckBuildResult':
        log('PBX ' + m.version + ' build ' + m.build);
        return;
      case 'LoginInfoResult':
        startLogin();
        return;
      case 'Authenticate': {
        var p = pendingLogin;
        if (!p) return;
        var pl0 = p;
        p.nonce = randomHex(8);
        p.challenge = m.challenge;
        p.domain = m.domain;
        sha256hex(['innovaphoneAppClient', 'user', pl0.domain, pl0.username, pl0.password, pl0.nonce, pl0.challenge].join(':')).then(function (response) {
          pbxSend({ mt: 'Login', type: 'user', method: 'digest', username: pl0.username, nonce: pl0.nonce, response: response, userAgent: USER_AGENT });
        });
        return;
      }
      case 'LoginResult': {
        var pl = pendingLogin;
        pendingLogin = null;
        if (m.error || !pl) {
          chip('st-pbx', 'PBX: login failed', 'bad');
          showLoginForm(String(m.errorText || 'login failed'));
          return;
        }
        var infoJson = JSON.stringify(m.info);
        sha256hex(['innovaphoneAppClient', 'loginresult', pl.domain, pl.username, pl.password, pl.nonce, pl.challenge, infoJson].join(':')).then(function (d) {
          if (d !== m.digest) {
            chip('st-pbx', 'PBX: bad LoginResult digest', 'bad');
            log('LoginResult digest does not match: not our PBX?');
            return;
          }
          state.loggedIn = true;
          state.user = String((m.info.user && m.info.user.sip) || '');
          $('login').hidden = true;
          chip('st-pbx', 'PBX: ' + state.user, 'ok');
          log('logged in as ' + state.user);
          pbxSend({ mt: 'SubscribeApps' });
          // a new session starts active: tell the PBX if the launcher says otherwise
          state.activity.sent = false;
          syncActivity();
        });
        return;
      }
      case 'UpdateApps':
        saveOffline({ apps: m.apps || [] });
        (m.apps || []).forEach(startApp);
        return;
      case 'UpdateClientModel':
        if (m.model && typeof m.model === 'object') {
          saveOffline({ model: m.model });
          setModel(m.model);
        }
        return;
      case 'UpdateOwnPresence': {
        state.presence = m.presence || [];
        var im = state.presence.filter(function (/** @type {any} */ p) { return p.contact === 'im:'; })[0];
        chip('st-presence', 'presence: ' + (im ? /** @type {any} */ (im).status : '?'), im && /** @type {any} */ (im).status === 'open' ? 'ok' : '');
        return;
      }
      case 'AppGetLoginResult': {
        var app = loginWaiters.get(m.src);
        loginWaiters.delete(m.src);
        var lf = app && frames.get(app);
        if (lf) postToFrame(lf, Object.assign({}, m, { mt: 'Login' }));
        return;
      }
      case 'Ping':
        pbxSend({ mt: 'Pong' });
        return;
      case 'LogoutResult':
        state.loggedIn = false;
        chip('st-pbx', 'PBX: logged out', 'bad');
        return;
      case 'Error':
        log('PBX error: ' + m.errorText);
        return;
      default:
        log('PBX: ' + m.mt);
    }
  }

  $('login').addEventListener('submit', function (ev) {
    ev.preventDefault();
    login(/** @type {HTMLInputElement} */ ($('login-user')).value, /** @type {HTMLInputElement} */ ($('login-pwd')).value);
  });

  // ---- start ----------------------------------------------------------------------------------
  readConfig();
  if (state.config) {
    chip('st-launcher', 'launcher: ' + (state.config.launcher && state.config.launcher.name) + ' ' + (state.config.launcher && state.config.launcher.version), 'ok');
    connectBus();
  } else {
    chip('st-launcher', 'launcher: none', '');
    chip('st-bus', 'bus: off', '');
    banner(state.configError ? 'appclient-config is invalid (' + state.configError + '): running as a plain browser client.' : 'Not running in the launcher: no local services (plain browser client).');
  }
  connectPbx();

  /** Test hook: a read-only view of the client's state. */
  Object.defineProperty(window, '__appclient', {
    value: {
      state: state,
      apis: mergedApis,
      frames: function () { return Array.from(frames.keys()); },
      remote: function () { return remote; },
      /** app name -> its consumer id on the relay */
      consumers: function () {
        /** @type {Record<string, string>} */
        var out = {};
        frames.forEach(function (f, n) { out[n] = f.consumer; });
        return out;
      },
    },
  });
})();
