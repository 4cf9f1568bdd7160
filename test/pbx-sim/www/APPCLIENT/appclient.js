// @ts-check
/*
 * Stand-in myApps web client of the PBX simulator (docs/pbx-sim.md). Plain browser JS, no build.
 *
 *  - PBX side: the myApps WebSocket /PBX0/APPCLIENT/websocket (digest login of docs/pbx-sim.md,
 *    SubscribeApps/UpdateApps, UpdateClientModel (sim), UpdateOwnPresence, Ping/Pong).
 *  - App side: hosts the apps of UpdateApps in iframes and speaks the app <-> client postMessage
 *    protocol of docs/pbx-sim.md "App side" (Alive, RegisterApi, ApiModel, ConsumeApi, ApiRequest,
 *    ApiResult, ApiUpdate, ApiConsumerClosed, Action, getLogin/Login).
 *  - Launcher side: when localStorage['appclient-config'] is present (written by the launcher's
 *    preload), connects to the local services bus (common/bus.ts frames) and bridges: app
 *    providers become bus providers (provider name = app name), the client itself provides
 *    com.innovaphone.client as "@client", app requests are routed through the bus.
 */
(function () {
  'use strict';

  var CONFIG_KEY = 'appclient-config';
  var CLIENT_API = 'com.innovaphone.client';
  var USER_AGENT = 'myApps (pbx-sim stand-in web client)';

  /** @typedef {{ title: string, url: string, info: Record<string, unknown>, model: Record<string, unknown>, restart?: number }} ProviderEntry */
  /** @typedef {Record<string, Record<string, ProviderEntry>>} Apis */
  /** @typedef {{ name: string, title: string, text?: string, url: string, info?: { apis?: Record<string, Record<string, unknown>> } }} App */
  /** @typedef {{ app: App, index: number, iframe: HTMLIFrameElement, tab: HTMLButtonElement, origin: string, alive: boolean, provides: Set<string>, consumes: Set<string> }} Frame */
  /**
   * srcmap.js (loaded first): how app srcs map to bus srcs and back.
   * @typedef {{ toApp(consumer: string, appIndex: number, busSrc: string): string, toBus(consumer: string, appIndex: number, appSrc: string): string, forgetConsumer(consumer: string): void }} ProviderSrcsT
   * @typedef {{ MAX_BUS_SRC: number, toBus(appIndex: number, appSrc: string): string | null, fromBus(busSrc: unknown): { index: number, src: string } | null, ProviderSrcs: new (limit?: number) => ProviderSrcsT }} SrcMapLib
   */
  var srcMapLib = /** @type {SrcMapLib} */ (/** @type {any} */ (window).pbxSimSrcMap);

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
    busClient: '',
    pbx: 'connecting',
    loggedIn: false,
    /** @type {Record<string, unknown> | null} */ model: null,
    /** @type {unknown[]} */ presence: [],
    /** @type {string[]} */ log: [],
    /** @type {unknown[]} */ busErrors: [],
  };
  /** @type {Map<string, Frame>} app name -> frame */
  var frames = new Map();
  /** @type {Frame[]} by index (start order; frames are never removed) */
  var framesByIndex = [];
  /** Providers registered locally: api -> provider -> entry. */
  /** @type {Apis} */
  var local = {};
  /** Last ApiUpdate from the bus. */
  /** @type {{ apis: Apis, defaultApiProviders: Record<string, string> }} */
  var remote = { apis: {}, defaultApiProviders: {} };
  /** APIs consumed on the bus. */
  var busConsumed = new Set();
  /** Srcs of bus requests to provider apps (see srcmap.js). */
  var providerSrcs = new srcMapLib.ProviderSrcs();
  /** getLogin src -> app name. */
  /** @type {Map<string, string>} */
  var loginWaiters = new Map();
  /** @type {WebSocket | null} */ var bus = null;
  /** @type {WebSocket | null} */ var pbx = null;
  var busRetryMs = 500;
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

  // ---- the merged API registry the apps see ---------------------------------------------------
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
      apis[CLIENT_API]['@client'] = clientEntry();
    }
    return apis;
  }
  function apiUpdate() {
    return { mt: 'ApiUpdate', apis: mergedApis(), defaultApiProviders: state.bus === 'open' ? remote.defaultApiProviders : {} };
  }
  function postToFrame(/** @type {Frame} */ f, /** @type {Record<string, unknown>} */ msg) {
    if (!f.iframe.contentWindow) return;
    // lib1 speaks JSON strings; the target origin is the app's own origin.
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

  // ---- local services bus ---------------------------------------------------------------------
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
      chip('st-bus', 'bus: ' + state.bus + (ev.code ? ' (' + ev.code + ')' : ''), 'bad');
      log('bus ' + state.bus + ' code=' + ev.code + (ev.reason ? ' ' + ev.reason : ''));
      broadcastApiUpdate();
      setTimeout(connectBus, busRetryMs);
      busRetryMs = Math.min(busRetryMs * 2, 10000);
    };
  }
  function onBusOpen() {
    busRetryMs = 500;
    busConsumed.clear();
    remote = { apis: {}, defaultApiProviders: {} };
    if (state.model) busSend({ mt: 'RegisterApi', api: CLIENT_API, provider: '@client', title: 'innovaphone myApps', model: state.model });
    frames.forEach(function (f) {
      f.provides.forEach(function (api) { registerOnBus(f, api); });
      f.consumes.forEach(consumeOnBus);
    });
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
        state.busClient = f.client;
        chip('st-bus', 'bus: connected', 'ok');
        log('bus connected as ' + f.client);
        onBusOpen();
        broadcastApiUpdate();
        return;
      case 'ApiUpdate': {
        // Each bus ApiUpdate carries the registry of the API(s) it names: merge per API.
        var apis = f.apis && typeof f.apis === 'object' ? f.apis : {};
        Object.keys(apis).forEach(function (api) {
          remote.apis[api] = apis[api] || {};
          var def = f.defaultApiProviders && f.defaultApiProviders[api];
          if (typeof def === 'string') remote.defaultApiProviders[api] = def;
          else delete remote.defaultApiProviders[api];
        });
        broadcastApiUpdate();
        return;
      }
      case 'ApiRequest': {
        // bus consumer -> one of our providers
        if (f.provider === '@client') return onClientRequest(f.msg, f.src, function (msg, errorText) {
          /** @type {Record<string, unknown>} */
          var r = { mt: 'ApiResult', api: f.api, provider: '@client', consumer: f.consumer, src: f.src, msg: msg };
          if (errorText) r.errorText = errorText;
          busSend(r);
        });
        var target = frames.get(f.provider);
        if (!target || !target.provides.has(f.api)) {
          busSend({ mt: 'ApiResult', api: f.api, provider: f.provider, consumer: f.consumer, src: f.src, msg: {}, errorText: 'provider not running in this client' });
          return;
        }
        log('bus -> ' + target.app.name + ' ApiRequest ' + f.api + ' ' + (f.msg && f.msg.mt));
        postToFrame(target, { mt: 'ApiRequest', api: f.api, consumer: 'bus:' + f.consumer, src: providerSrcs.toApp(String(f.consumer), target.index, String(f.src)), msg: f.msg });
        return;
      }
      case 'ApiResult': {
        // to one of our apps as consumer: the bus src is "<app index>:<app src>"
        var dest = srcMapLib.fromBus(f.src);
        var df = dest && framesByIndex[dest.index];
        if (!dest || !df) return;
        /** @type {Record<string, unknown>} */
        var res = { mt: 'ApiResult', api: f.api, provider: f.provider, src: dest.src, msg: f.msg };
        if (f.errorText) res.errorText = f.errorText;
        postToFrame(df, res);
        return;
      }
      case 'ApiConsumerClosed': {
        if (typeof f.consumer === 'string') providerSrcs.forgetConsumer(f.consumer);
        var pf = frames.get(f.provider);
        if (pf) postToFrame(pf, { mt: 'ApiConsumerClosed', api: f.api, consumer: 'bus:' + f.consumer });
        return;
      }
      case 'Error':
        state.busErrors.push(f);
        log('bus error ' + f.error + ': ' + f.reason);
        return;
      default:
        log('bus: unknown frame ' + (f && f.mt));
    }
  }

  // ---- com.innovaphone.client provided by the client itself ("@client") ----------------------
  /**
   * @param {any} msg
   * @param {string} src
   * @param {(msg: Record<string, unknown>, errorText?: string) => void} reply
   */
  function onClientRequest(msg, src, reply) {
    var mt = msg && msg.mt;
    log('@client request ' + mt);
    if (mt === 'SetUserActivity' && typeof msg.inactive === 'boolean') {
      pbxSend({ mt: 'SetUserActivity', inactive: msg.inactive });
      reply({ mt: 'SetUserActivityResult' });
    } else if (mt === 'ShowApp' && typeof msg.app === 'string') {
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
    if (first) busSend({ mt: 'RegisterApi', api: CLIENT_API, provider: '@client', title: 'innovaphone myApps', model: m });
    else busSend({ mt: 'ApiModel', api: CLIENT_API, provider: '@client', model: m });
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
    var f = { app: app, index: framesByIndex.length, iframe: iframe, tab: tab, origin: new URL(src, location.href).origin, alive: false, provides: new Set(), consumes: new Set() };
    frames.set(app.name, f);
    framesByIndex.push(f);
    $('tabs').appendChild(tab);
    $('frames').appendChild(iframe);
    log('start app ' + app.name + ' from ' + f.origin);
    if (frames.size === 1) showApp(app.name);
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
    var msg;
    try {
      msg = typeof ev.data === 'string' ? JSON.parse(ev.data) : ev.data;
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
        f.alive = true;
        log(name + ' alive');
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

  /** Consumer app -> provider(s). Through the bus when connected, else within this page. */
  /** @param {Frame} f @param {any} m */
  function onAppRequest(f, m) {
    if (typeof m.api !== 'string' || typeof m.src !== 'string' || !m.msg || typeof m.msg !== 'object') return;
    var provider = typeof m.provider === 'string' ? m.provider : undefined;
    var reply = function (/** @type {string} */ prov, /** @type {Record<string, unknown>} */ msg, /** @type {string | undefined} */ errorText) {
      /** @type {Record<string, unknown>} */
      var r = { mt: 'ApiResult', api: m.api, provider: prov, src: m.src, msg: msg };
      if (errorText) r.errorText = errorText;
      postToFrame(f, r);
    };
    if (m.api === CLIENT_API && (!provider || provider === '@client' || provider === '*') && state.bus !== 'open') {
      onClientRequest(m.msg, m.src, function (msg, errorText) { reply('@client', msg, errorText); });
      return;
    }
    if (state.bus === 'open') {
      // The bus src is a stable function of (app, app src): an app's RemoveLocalNotification names
      // the same notification as its AddLocalNotification, and results are routed back by parsing it.
      var busSrc = srcMapLib.toBus(f.index, m.src);
      if (busSrc === null) {
        reply(provider || '', {}, 'src too long for the local services bus (at most ' + (srcMapLib.MAX_BUS_SRC - String(f.index).length - 1) + ' characters)');
        return;
      }
      consumeOnBus(m.api);
      /** @type {Record<string, unknown>} */
      var req = { mt: 'ApiRequest', api: m.api, src: busSrc, msg: m.msg };
      if (provider) req.provider = provider;
      if (typeof m.title === 'string') req.title = m.title;
      busSend(req);
      return;
    }
    // No bus (plain browser): route between the apps of this page.
    var providers = Object.keys(local[m.api] || {});
    var targets = provider === '*' ? providers : provider ? providers.filter(function (p) { return p === provider; }) : providers.slice(0, 1);
    if (!targets.length) {
      reply(provider || '', {}, 'no provider for ' + m.api);
      return;
    }
    targets.forEach(function (p) {
      var pf = frames.get(p);
      if (pf) postToFrame(pf, { mt: 'ApiRequest', api: m.api, consumer: 'app:' + f.app.name, src: m.src, msg: m.msg });
    });
  }
  /** Provider app -> consumer (via the bus, or another app of this page). */
  /** @param {Frame} f @param {any} m */
  function onAppResult(f, m) {
    if (typeof m.api !== 'string' || typeof m.consumer !== 'string' || !f.provides.has(m.api)) return;
    /** @type {Record<string, unknown>} */
    var out = { mt: 'ApiResult', api: m.api, provider: f.app.name, src: String(m.src || ''), msg: m.msg || {} };
    if (m.consumer.indexOf('bus:') === 0) {
      out.consumer = m.consumer.slice(4);
      out.src = providerSrcs.toBus(/** @type {string} */ (out.consumer), f.index, /** @type {string} */ (out.src));
      if (typeof m.errorText === 'string') out.errorText = m.errorText;
      busSend(out);
    } else if (m.consumer.indexOf('app:') === 0) {
      var cf = frames.get(m.consumer.slice(4));
      if (cf) postToFrame(cf, out);
    }
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
      setTimeout(connectPbx, 2000);
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
          $('login').hidden = true;
          chip('st-pbx', 'PBX: ' + (m.info.user && m.info.user.sip), 'ok');
          log('logged in as ' + (m.info.user && m.info.user.sip));
          pbxSend({ mt: 'SubscribeApps' });
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
    },
  });
})();
