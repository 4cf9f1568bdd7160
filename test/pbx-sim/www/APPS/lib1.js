// @ts-check
/*
 * A small client-API library for the stand-in apps of pbx-sim: the app side of the app <-> myApps
 * client postMessage protocol (docs/pbx-sim.md "App side"), written for this project after the
 * behaviour documented for innovaphone's public lib1 (start parameters from the query string,
 * Alive on start, JSON-string messages to window.parent, messages accepted only from parent or
 * opener, consumeApi/provideApi with sendSrc). Only the subset the stand-in apps need.
 */
var innovaphone = /** @type {any} */ (window).innovaphone || {};
/** @type {any} */ (window).innovaphone = innovaphone;
innovaphone.lib1 = innovaphone.lib1 || {};

(function (lib) {
  'use strict';

  /** A tiny event with attach/detach, as lib1 events have. */
  function Event() {
    /** @type {Function[]} */
    var handlers = [];
    this.attach = function (/** @type {Function} */ fn) { handlers.push(fn); };
    this.detach = function (/** @type {Function} */ fn) { handlers = handlers.filter(function (h) { return h !== fn; }); };
    this.notify = function (/** @type {unknown} */ sender, /** @type {unknown} */ arg) {
      handlers.slice().forEach(function (h) { h(sender, arg); });
    };
  }

  function post(/** @type {Record<string, unknown>} */ msg) {
    var target = window.parent !== window ? window.parent : window.opener;
    if (target) target.postMessage(JSON.stringify(msg), '*');
  }

  var srcPrefix = 'apisrc-' + Array.from(crypto.getRandomValues(new Uint8Array(4)), function (b) { return b.toString(16).padStart(2, '0'); }).join('') + '-';
  var srcCounter = 0;

  /** @param {string} api */
  function ConsumerApi(api) {
    var self = this;
    this.api = api;
    /** provider name -> entry of ApiUpdate */
    /** @type {Record<string, any>} */
    this.model = {};
    /** @type {string[]} */
    this.providers = [];
    this.onupdate = new Event();
    /** notified with {provider, src, msg, errorText} for every ApiResult */
    this.onmessage = new Event();
    /** @type {Map<string, Function>} */
    var callbacks = new Map();
    /**
     * @param {Record<string, unknown>} msg
     * @param {string} [provider] a provider name, "*" for all, undefined for the default one
     * @param {string} [src]
     */
    this.send = function (msg, provider, src) {
      /** @type {Record<string, unknown>} */
      var req = { mt: 'ApiRequest', api: api, src: src || '', msg: msg };
      if (provider !== undefined && provider !== null) req.provider = provider;
      post(req);
      return /** @type {string} */ (req.src);
    };
    /** Like send, with a generated src; `cb` gets every result for it. */
    this.sendSrc = function (/** @type {Record<string, unknown>} */ msg, /** @type {string} */ provider, /** @type {Function} */ cb) {
      var src = srcPrefix + ++srcCounter;
      if (cb) callbacks.set(src, cb);
      return self.send(msg, provider, src);
    };
    this._update = function (/** @type {any} */ apis) {
      self.model = (apis && apis[api]) || {};
      self.providers = Object.keys(self.model);
      self.onupdate.notify(self, self.model);
    };
    this._result = function (/** @type {any} */ m) {
      var cb = callbacks.get(m.src);
      var obj = { provider: m.provider, src: m.src, msg: m.msg, errorText: m.errorText };
      if (cb) cb(obj);
      self.onmessage.notify(self, obj);
    };
  }

  /** @param {string} api */
  function ProviderApi(api) {
    var self = this;
    this.api = api;
    /** notified with {consumer, src, msg} for every ApiRequest */
    this.onmessage = new Event();
    /** notified with {consumer} */
    this.onconsumerclosed = new Event();
    /** @type {Record<string, unknown>} */
    this.model = {};
    this.send = function (/** @type {Record<string, unknown>} */ msg, /** @type {string} */ consumer, /** @type {string} */ src) {
      post({ mt: 'ApiResult', api: api, consumer: consumer, src: src, msg: msg });
    };
    this.setModel = function (/** @type {Record<string, unknown>} */ model) {
      self.model = model;
      post({ mt: 'ApiModel', api: api, model: model });
    };
  }

  /** The app's start object: query parameters and the client API entry points. */
  function Start() {
    var self = this;
    var q = new URLSearchParams(location.search);
    this.lang = q.get('lang') || 'en';
    this.scheme = q.get('scheme') || 'light';
    this.name = q.get('name') || '';
    this.title = q.get('title') || document.title;
    this.clientUrl = q.get('clientUrl') || '';
    this.url = (q.get('url') || location.href).replace(/^http/, 'ws').replace(/\/[^/]*$/, '');
    /** @type {Record<string, string>} */
    this.args = {};
    /** @type {Record<string, string[]>} */
    this.margs = {};
    q.forEach(function (v, k) {
      if (['lang', 'scheme', 'name', 'title', 'url', 'originalUrl', 'clientUrl'].indexOf(k) >= 0) return;
      if (!(k in self.args)) self.args[k] = v;
      (self.margs[k] = self.margs[k] || []).push(v);
    });
    this.onlangchanged = new Event();
    this.onschemechanged = new Event();
    this.onargschanged = new Event();
    this.onshow = new Event();
    /** @type {Map<string, ConsumerApi>} */
    var consumed = new Map();
    /** @type {Map<string, ProviderApi>} */
    var provided = new Map();
    /** @type {Map<string, Function>} */
    var logins = new Map();
    /** @type {any} */
    var lastUpdate = null;

    this.consumeApi = function (/** @type {string} */ api) {
      var c = consumed.get(api);
      if (c) return c;
      c = new ConsumerApi(api);
      consumed.set(api, c);
      post({ mt: 'ConsumeApi', api: api });
      if (lastUpdate) c._update(lastUpdate.apis);
      return c;
    };
    this.provideApi = function (/** @type {string} */ api) {
      var p = provided.get(api);
      if (p) return p;
      p = new ProviderApi(api);
      provided.set(api, p);
      post({ mt: 'RegisterApi', api: api });
      return p;
    };
    this.showApp = function (/** @type {string} */ applink) { post({ mt: 'Action', type: 'ShowApp', value: applink }); };
    this.bringToFront = function () { post({ mt: 'Action', type: 'BringToFront' }); };
    this.closeApp = function () { post({ mt: 'Action', type: 'CloseApp' }); };
    this.setBadge = function (/** @type {unknown} */ value) { post({ mt: 'Action', type: 'SetBadge', value: value }); };
    this.setArgs = function (/** @type {unknown} */ args, /** @type {string} */ title) { post({ mt: 'Action', type: 'SetArgs', args: args, title: title }); };
    /** Ask the client for an AppWebsocket login; cb gets the Login message. */
    this.getLogin = function (/** @type {string} */ app, /** @type {string} */ challenge, /** @type {Function} */ cb) {
      var src = srcPrefix + 'login-' + ++srcCounter;
      logins.set(src, cb);
      post({ mt: 'getLogin', src: src, app: app, challenge: challenge });
    };

    window.addEventListener('message', function (ev) {
      if (ev.source !== window.parent && ev.source !== window.opener) return;
      /** @type {any} */
      var m;
      try {
        m = typeof ev.data === 'string' ? JSON.parse(ev.data) : ev.data;
      } catch (e) {
        return;
      }
      if (!m || typeof m.mt !== 'string') return;
      switch (m.mt) {
        case 'ApiUpdate':
          lastUpdate = m;
          consumed.forEach(function (c) { c._update(m.apis); });
          return;
        case 'ApiRequest': {
          var p = provided.get(m.api);
          if (p) p.onmessage.notify(p, { consumer: m.consumer, src: m.src, msg: m.msg });
          return;
        }
        case 'ApiResult': {
          var c = consumed.get(m.api);
          if (c) c._result(m);
          return;
        }
        case 'ApiConsumerClosed': {
          var pc = provided.get(m.api);
          if (pc) pc.onconsumerclosed.notify(pc, { consumer: m.consumer });
          return;
        }
        case 'Login': {
          var cb = logins.get(m.src);
          logins.delete(m.src);
          if (cb) cb(m);
          return;
        }
        case 'SetLang':
          self.lang = m.lang;
          self.onlangchanged.notify(self, m.lang);
          return;
        case 'SetScheme':
          self.scheme = m.scheme;
          self.onschemechanged.notify(self, m.scheme);
          return;
        case 'SetArgs':
          self.onargschanged.notify(self, m.args);
          return;
        case 'Show':
          self.onshow.notify(self, undefined);
          return;
        case 'PrepareReload':
          post({ mt: 'PrepareReloadComplete' });
          return;
      }
    });
    post({ mt: 'Alive' });
  }

  lib.Event = Event;
  lib.Start = Start;
})(innovaphone.lib1);
