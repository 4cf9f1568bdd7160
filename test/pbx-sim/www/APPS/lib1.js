// @ts-check
/*
 * The client-API library of pbx-sim's stand-in apps: the app side of the app <-> myApps client
 * postMessage protocol, written for this project after what innovaphone's public lib1 does
 * (innovaphone/13r1-SDK web1/lib1/innovaphone.lib1.js and the 14r1 copies; docs/pbx-sim.md):
 *
 *  - `innovaphone.lib1.Start(onload)` reads the start parameters of the query string (lang,
 *    scheme, name, title, url, originalUrl, clientUrl; the rest are args), posts `Alive` and calls
 *    `onload(start)`;
 *  - every message to the client is `window.parent.postMessage(JSON.stringify(obj), "*")`;
 *    messages from the client are JSON strings, taken only from the parent (or opener);
 *  - `start.provideApi(api)` sends `{mt:"RegisterApi", api}` (the API name only); its `send(msg,
 *    consumer, src)` answers with `{mt:"ApiResult", api, consumer, src, msg}`, `update(model)` sends
 *    `{mt:"ApiModel", api, model}`; `onmessage` / `onconsumerclosed` events;
 *  - `start.consumeApi(api)` sends `{mt:"ConsumeApi", api}`; its `send(msg, provider, src, title)`
 *    posts `{mt:"ApiRequest", api, provider, src, title, msg}` where absent values are simply left
 *    out (so `send(msg, "*")` carries no src); `sendSrc(msg, provider, result, obj)` hands the first
 *    result with a fresh src to `result`; `new consumer.Src(cb)` gets every result of its src;
 *  - inside the launcher (`navigator.userAgent` contains "myApps") it takes over the parent's
 *    `console` when `window.parent.console.custom` is set, and its `window.open` when the parent has
 *    `custom_saved_window_open_` (keeping its own as `window.custom_saved_window_open_`), as lib1
 *    does. A cross-origin parent throws on that access; lib1 swallows it, and so does this.
 *
 * Stand-in extras (not lib1): `start.getLogin(app, challenge, cb)` (the appwebsocket library's
 * getLogin/Login exchange) and `window.__lib1` (what the launcher detection found, for tests).
 */
var innovaphone = /** @type {any} */ (window).innovaphone || {};
/** @type {any} */ (window).innovaphone = innovaphone;
innovaphone.lib1 = innovaphone.lib1 || {};

(function (lib) {
  'use strict';

  /**
   * An event as lib1 has them: listeners get (sender, args).
   * @param {unknown} [sender]
   */
  function Event(sender) {
    /** @type {Function[]} */
    var listeners = [];
    this.sender = sender;
    this.attach = function (/** @type {Function} */ fn) { listeners.push(fn); };
    this.detach = function (/** @type {Function} */ fn) {
      var i = listeners.indexOf(fn);
      if (i >= 0) listeners.splice(i, 1);
    };
    var self = this;
    this.notify = function (/** @type {unknown} */ args) {
      listeners.slice().forEach(function (l) { l(self.sender, args); });
    };
  }

  /** What lib1's launcher detection found (test hook window.__lib1). */
  var detection = { myApps: false, console: 'own', open: 'own', error: '' };

  /** lib1's launcher hooks: inside myApps, use the parent's console and window.open when it offers them. */
  function takeOverLauncherHooks() {
    if (navigator.userAgent.indexOf('myApps') < 0) return;
    detection.myApps = true;
    var w = /** @type {any} */ (window);
    try {
      if (typeof w.parent.console !== 'undefined' && w.parent.console.custom) {
        if (typeof w.custom_saved_console_ === 'undefined') w.custom_saved_console_ = w.console;
        w.console = w.parent.console;
        detection.console = 'parent';
      }
      if (typeof w.parent.custom_saved_window_open_ !== 'undefined' && typeof w.custom_saved_window_open_ === 'undefined') {
        w.custom_saved_window_open_ = w.open;
        w.open = w.parent.open;
        detection.open = 'parent';
      }
    } catch (e) {
      // a cross-origin parent: its console and window.open are out of reach
      detection.error = String(/** @type {Error} */ (e).name || e);
    }
  }

  /**
   * @param {string | null} langFile unused (no language files in the stand-ins)
   * @param {unknown} langs unused
   * @param {((start: any) => void) | undefined} onload
   */
  function start(langFile, langs, onload) {
    void langFile;
    void langs;
    /** @type {any} */
    var st = {};
    var onapirequest = new Event(st);
    var onapiresult = new Event(st);
    var onapiupdate = new Event(st);
    var onapiconsumerclosed = new Event(st);
    var currentSrc = 0;
    // 14r1's prefixSrc: srcs of different app instances do not collide
    var prefixSrc = Array.from(crypto.getRandomValues(new Uint8Array(4)), function (b) { return b.toString(16).padStart(2, '0'); }).join('');
    /** @type {Map<string, Function>} getLogin src -> callback */
    var logins = new Map();

    takeOverLauncherHooks();

    st.lang = (navigator.language || 'en').split('-')[0].toLowerCase();
    st.scheme = 'dark';
    st.args = {};
    st.margs = {};
    st.apis = {};
    st.defaultApiProviders = {};
    st.onapiupdate = onapiupdate;
    st.onlangchanged = new Event(st);
    st.onschemechanged = new Event(st);
    st.onargschanged = new Event(st);
    st.prepareReloadCallback = null;

    st.postClientMessage = function (/** @type {Record<string, unknown>} */ obj) {
      var target = window.parent !== window ? window.parent : window.opener;
      // JSON.stringify leaves out what is undefined: a request without src carries none
      if (target) target.postMessage(JSON.stringify(obj), '*');
    };
    st.show = function (/** @type {unknown} */ value) { st.postClientMessage({ mt: 'Action', type: 'ShowApp', value: value }); };
    st.bringToFront = function () { st.postClientMessage({ mt: 'Action', type: 'BringToFront' }); };
    st.close = function () { st.postClientMessage({ mt: 'Action', type: 'CloseApp' }); };
    st.home = function () { st.postClientMessage({ mt: 'Action', type: 'ShowApp', value: '@home' }); };
    st.setArgs = function (/** @type {unknown} */ args, /** @type {string} */ title) { st.postClientMessage({ mt: 'Action', type: 'SetArgs', args: args, title: title }); };
    st.setBadge = function (/** @type {unknown} */ value) { st.postClientMessage({ mt: 'Action', type: 'SetBadge', value: value }); };
    st.startActivity = function () { st.postClientMessage({ mt: 'Action', type: 'StartActivity' }); };
    st.finishActivity = function () { st.postClientMessage({ mt: 'Action', type: 'FinishActivity' }); };
    st.requestPrepareReload = function (/** @type {Function} */ cb) {
      st.postClientMessage({ mt: 'RequestPrepareReload' });
      st.prepareReloadCallback = cb;
    };
    st.prepareReloadComplete = function () { st.postClientMessage({ mt: 'PrepareReloadComplete' }); };

    /** @param {string} api */
    st.provideApi = function (api) {
      /** @type {any} */
      var p = {};
      p.onmessage = new Event(p);
      p.onconsumerclosed = new Event(p);
      p.isDefaultApiProvider = function () { return st.defaultApiProviders[api] === st.name; };
      p.send = function (/** @type {unknown} */ msg, /** @type {string} */ consumer, /** @type {string | undefined} */ src) {
        st.postClientMessage({ mt: 'ApiResult', api: api, consumer: consumer, src: src, msg: msg });
      };
      p.update = function (/** @type {unknown} */ model) { st.postClientMessage({ mt: 'ApiModel', api: api, model: model }); };
      onapirequest.attach(function (/** @type {unknown} */ _s, /** @type {any} */ obj) {
        if (obj.api === api) p.onmessage.notify({ consumer: obj.consumer, src: obj.src, msg: obj.msg });
      });
      onapiconsumerclosed.attach(function (/** @type {unknown} */ _s, /** @type {any} */ obj) {
        if (obj.api === api) p.onconsumerclosed.notify({ api: api, consumer: obj.consumer });
      });
      st.postClientMessage({ mt: 'RegisterApi', api: api });
      return p;
    };

    /** @param {string} api */
    st.consumeApi = function (api) {
      /** @type {any} */
      var c = {};
      c.model = {};
      /** @type {string[]} */
      c.providers = [];
      c.defaultApiProvider = null;
      c.onupdate = new Event(c);
      c.onmessage = new Event(c);
      c.send = function (/** @type {unknown} */ msg, /** @type {string | undefined} */ provider, /** @type {string | undefined} */ src, /** @type {string | undefined} */ title) {
        st.postClientMessage({ mt: 'ApiRequest', api: api, provider: provider, src: src, title: title, msg: msg });
      };
      /** Every result of one fresh src goes to `onmessage`, until close(). */
      c.Src = function (/** @type {(obj: any) => void} */ onmessage) {
        /** @type {string | null} */
        var src = 'apisrc-' + prefixSrc + '-' + ++currentSrc;
        var listener = function (/** @type {unknown} */ _s, /** @type {any} */ obj) { if (obj.src === src) onmessage(obj); };
        this.src = src;
        this.close = function () {
          c.onmessage.detach(listener);
          src = null;
        };
        this.send = function (/** @type {unknown} */ msg, /** @type {string | undefined} */ provider, /** @type {string | undefined} */ title) {
          if (src) c.send(msg, provider, src, title);
        };
        c.onmessage.attach(listener);
      };
      /** The first result of a fresh src goes to `result(obj, o)` (lib1's sendSrc). Returns the src (stand-in extra). */
      c.sendSrc = function (/** @type {unknown} */ msg, /** @type {string | undefined} */ provider, /** @type {(obj: any, o: unknown) => void} */ result, /** @type {unknown} */ o) {
        var s = new c.Src(function (/** @type {any} */ obj) {
          s.close();
          result(obj, o);
        });
        var used = s.src;
        s.send(msg, provider);
        return used;
      };
      function update() {
        c.defaultApiProvider = st.defaultApiProviders[api] || null;
        c.model = st.apis[api] || {};
        c.providers = Object.keys(c.model);
        c.onupdate.notify();
      }
      onapiupdate.attach(update);
      onapiresult.attach(function (/** @type {unknown} */ _s, /** @type {any} */ obj) {
        if (obj.api === api) c.onmessage.notify({ provider: obj.provider, src: obj.src, msg: obj.msg || {}, errorText: obj.errorText });
      });
      update();
      st.postClientMessage({ mt: 'ConsumeApi', api: api });
      return c;
    };

    st.getLogin = function (/** @type {string} */ app, /** @type {string} */ challenge, /** @type {Function} */ cb) {
      var src = 'login-' + prefixSrc + '-' + ++currentSrc;
      logins.set(src, cb);
      st.postClientMessage({ mt: 'getLogin', src: src, app: app, challenge: challenge });
    };

    window.addEventListener('message', function (ev) {
      if (ev.source !== window.parent && ev.source !== window.opener) return;
      if (typeof ev.data !== 'string') return;
      /** @type {any} */
      var obj;
      try {
        obj = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      if (!obj || typeof obj.mt !== 'string') return;
      switch (obj.mt) {
        case 'SetLang':
          st.lang = obj.lang;
          st.onlangchanged.notify();
          return;
        case 'SetScheme':
          st.scheme = obj.scheme;
          st.onschemechanged.notify();
          return;
        case 'SetArgs':
          st.args = obj.args;
          st.onargschanged.notify();
          return;
        case 'ApiUpdate':
          st.apis = obj.apis || {};
          st.defaultApiProviders = obj.defaultApiProviders || {};
          onapiupdate.notify(obj);
          return;
        case 'ApiRequest':
          onapirequest.notify(obj);
          return;
        case 'ApiResult':
          onapiresult.notify(obj);
          return;
        case 'ApiConsumerClosed':
          onapiconsumerclosed.notify(obj);
          return;
        case 'PrepareReload':
          if (st.prepareReloadCallback) st.prepareReloadCallback();
          else st.prepareReloadComplete();
          return;
        case 'Login': {
          var cb = logins.get(obj.src);
          logins.delete(obj.src);
          if (cb) cb(obj);
          return;
        }
      }
    });

    var q = new URLSearchParams(location.search);
    q.forEach(function (value, name) {
      if (name === 'lang') st.lang = value;
      else if (name === 'scheme') st.scheme = value;
      else if (name === 'name') st.name = value;
      else if (name === 'title') st.title = value;
      else if (name === 'url') st.url = value;
      else if (name === 'originalUrl') st.originalUrl = value;
      else if (name === 'clientUrl') st.clientUrl = value;
      else {
        if (!(name in st.args)) st.args[name] = value;
        (st.margs[name] = st.margs[name] || []).push(value);
      }
    });
    st.url = String(st.url || location.href).replace(/\/[^/]*$/, '').replace(/^http/, 'ws');
    st.originalUrl = String(st.originalUrl || location.href).replace(/\/[^/]*$/, '');
    st.postClientMessage({ mt: 'Alive' });
    if (onload) onload(st);
    return st;
  }

  lib.Event = Event;
  lib.start = start;
  /** `innovaphone.lib1.Start(onload)`: start without language files. */
  lib.Start = function (/** @type {((start: any) => void) | undefined} */ onload) { return start(null, null, onload); };
  Object.defineProperty(window, '__lib1', { value: detection });
})(innovaphone.lib1);
