// @ts-check
/*
 * The stand-in softphone of pbx-sim (docs/pbx-sim.md, "Softphone"). Written against lib1.js:
 *  - consumes com.innovaphone.launcher and finds the launcher's Media service in the launcher provider's
 *    model (`launcherServices.media = {url, token}`, docs/media-protocol.md), opens it with
 *    `url?token=…` and speaks the Media protocol (AllocChannel, CreateOffer, RemoteDescription
 *    with Signal `channels` + `channels_cmd`, GetStats, CloseChannel);
 *  - consumes com.innovaphone.client for its own user (model.user.sip);
 *  - provides com.innovaphone.phone (provider = app name, "softphone") with StartCall / ConnectCall /
 *    DisconnectCall and a model {registered, calls:[{id, dir, state, sip, num?, kinds}]}; call states are
 *    innovaphone's (Setup, Ringback, Alerting, Connected, Disconnected); a call's id is the Signal
 *    `confId` of its setup, so both ends name the call alike;
 *  - signals calls to the other user through the sim in innovaphone's PbxSignal protocol
 *    (`/sim/signal` on its own origin, signal.ts): Register, then Signaling {call, sig} with Signal
 *    messages setup (channels_cmd PROPOSAL + channels) → alert → conn (SELECT + channels) → rel,
 *    and `channels` messages to renegotiate (REQUEST/PROPOSAL/SELECT/CLOSE). The `channels` the
 *    launcher gives per media channel are merged into one object per call, and the peer's object is
 *    given whole to each channel (each takes its own media), as with a PBX.
 * Incoming calls are notified as innovaphone's phone apps do (SDK com.innovaphone.launcher): an
 * `AddLocalNotification {type:"PhoneCall", title, text, acceptTitle, rejectTitle}` (texts in the
 * app's language, English or German) to the launcher
 * (provider "*") with src `call-<id>` while the call alerts, `RemoveLocalNotification` with that
 * src when it stops alerting; `LocalNotificationClicked {action:"accept"}` connects the call,
 * `"reject"` releases it, a click on the body leaves it ringing.
 * Simulator extension: StartCall `video: true` / `appsharing: true` add a video channel (both
 * ways) and an appsharing channel (caller presents: sendonly, callee recvonly) to the call.
 * Remote video: openView(kind) asks the launcher for a viewer of the connected call's video or
 * appsharing channel (CreateView → ViewCreated{url}) and embeds the viewer page as an iframe
 * named `view-<kind>` (docs/media-protocol.md, "Viewing remote video").
 * Test hook: window.__softphone (state, user, calls, stats, log, errors, getStats(), openView(),
 * createView(), embedView()).
 */
(function () {
  'use strict';
  var innovaphone = /** @type {any} */ (window).innovaphone;
  /** @type {any} */
  var start = null;
  innovaphone.lib1.Start(function (/** @type {any} */ s) { start = s; });
  var appName = start.name || 'softphone';
  var PHONE = 'com.innovaphone.phone';

  /** @typedef {{ id: string, call: number, peer: string, num?: string, dir: 'i'|'o', state: string, accepting?: boolean, kinds: string[], channels: Record<string, string>, offer?: any, renegotiated?: (v?: unknown) => void }} Call */
  /** @type {Call[]} */
  var calls = [];
  /** @type {Record<string, boolean>} incoming-call notification src -> shown */
  var notified = {};
  var sp = {
    state: 'starting',
    user: '',
    media: 'closed',
    signal: 'closed',
    /** @type {Record<string, any>} channel -> newest Stats */
    stats: {},
    /** @type {string[]} */
    log: [],
    /** @type {string[]} */
    errors: [],
    /** @type {any[]} every launcher event of the Media protocol kept for tests (newest 500) */
    events: [],
    calls: function () { return calls.map(function (c) { return { id: c.id, peer: c.peer, dir: c.dir, state: c.state, kinds: c.kinds.slice(), channels: Object.assign({}, c.channels) }; }); },
    getStats: getStats,
    openView: openView,
    createView: createView,
    embedView: embedView,
    renegotiate: renegotiate,
  };
  Object.defineProperty(window, '__softphone', { value: sp });

  var statusEl = /** @type {HTMLElement} */ (document.getElementById('status'));
  var callsEl = /** @type {HTMLElement} */ (document.getElementById('calls'));
  function render() {
    statusEl.textContent = appName + ' | user ' + (sp.user || '?') + ' | media ' + sp.media + ' | signal ' + sp.signal + ' | ' + sp.state;
    callsEl.textContent = '';
    calls.forEach(function (c) {
      var li = document.createElement('li');
      li.textContent = (c.dir === 'o' ? 'to ' : 'from ') + c.peer + ': ' + c.state + ' (' + c.kinds.join(', ') + ')';
      callsEl.appendChild(li);
    });
  }
  function log(/** @type {string} */ t) {
    sp.log.push(new Date().toISOString().slice(11, 23) + ' ' + t);
    if (sp.log.length > 500) sp.log.shift();
  }
  function fail(/** @type {string} */ t) {
    sp.errors.push(t);
    log('error: ' + t);
  }

  // ---- com.innovaphone.phone --------------------------------------------------------------------
  var phone = start.provideApi(PHONE);
  function publish() {
    phone.update({ registered: sp.state === 'ready', calls: calls.map(function (c) { return Object.assign({ id: c.id, dir: c.dir, state: c.state, sip: c.peer, kinds: c.kinds }, c.num ? { num: c.num } : {}); }) });
    notifyCalls();
    render();
  }
  publish();

  // ---- Media protocol (launcher service) --------------------------------------------------------
  /** @type {WebSocket | null} */
  var media = null;
  var mediaUrl = '';
  /** @type {{ pred: (m: any) => boolean, resolve: (m: any) => void, reject: (e: Error) => void, timer: number }[]} */
  var waiters = [];
  function mediaSend(/** @type {Record<string, unknown>} */ m) {
    if (!media || media.readyState !== WebSocket.OPEN) throw new Error('media service not connected');
    media.send(JSON.stringify(m));
  }
  /** Sends `m` and resolves with the answer `mt` for the same channel (ChannelError/Error reject). */
  function mediaRequest(/** @type {Record<string, unknown>} */ m, /** @type {string} */ mt) {
    return new Promise(function (resolve, reject) {
      var w = {
        pred: function (/** @type {any} */ r) { return (r.mt === mt || r.mt === 'ChannelError' || r.mt === 'Error') && (m.channel === undefined || r.channel === m.channel || r.mt === 'Error'); },
        resolve: function (/** @type {any} */ r) {
          if (r.mt === mt && !r.error) resolve(r);
          else reject(new Error(m.mt + ': ' + (r.errorText || r.reason || r.mt)));
        },
        reject: reject,
        timer: 0,
      };
      w.timer = window.setTimeout(function () { waiters = waiters.filter(function (x) { return x !== w; }); reject(new Error(m.mt + ': no answer')); }, 15000);
      waiters.push(w);
      try {
        mediaSend(m);
      } catch (e) {
        window.clearTimeout(w.timer);
        waiters = waiters.filter(function (x) { return x !== w; });
        reject(e);
      }
    });
  }
  function connectMedia(/** @type {string} */ url, /** @type {string} */ token) {
    var full = url + '?token=' + encodeURIComponent(token);
    if (media && mediaUrl === full) return;
    if (media) media.close();
    mediaUrl = full;
    var ws = new WebSocket(full);
    media = ws;
    sp.media = 'connecting';
    ws.onopen = function () { if (media === ws) { sp.media = 'open'; log('media service connected'); checkReady(); } };
    ws.onclose = function () {
      if (media !== ws) return;
      sp.media = 'closed';
      media = null;
      mediaUrl = '';
      checkReady();
    };
    ws.onmessage = function (ev) {
      /** @type {any} */
      var m;
      try { m = JSON.parse(String(ev.data)); } catch (e) { return; }
      sp.events.push(m);
      if (sp.events.length > 500) sp.events.shift();
      for (var i = 0; i < waiters.length; i++) {
        var w = waiters[i];
        if (w && w.pred(m)) {
          waiters.splice(i, 1);
          window.clearTimeout(w.timer);
          w.resolve(m);
          return;
        }
      }
      onMediaEvent(m);
    };
  }
  function onMediaEvent(/** @type {any} */ m) {
    if (m.mt === 'LocalCandidate') {
      // Signal channels carry complete candidate lists (the launcher sends its description once
      // gathering is done); a PBX has no trickle, so a late candidate is only logged
      if (m.candidate) log('late candidate of ' + m.channel + ' not signalled');
    } else if (m.mt === 'ChannelState') {
      log('channel ' + m.channel + ' ' + m.state);
    } else if (m.mt === 'ChannelError') {
      fail('channel ' + m.channel + ': ' + m.errorText);
    } else if (m.mt === 'ChannelClosed') {
      // the launcher ended a channel (reason "stopped": its sharing bar's Stop, or the shared screen went away)
      log('channel ' + m.channel + ' closed (' + m.reason + ')');
      calls.forEach(function (c) {
        Object.keys(c.channels).forEach(function (k) {
          if (c.channels[k] !== m.channel) return;
          delete c.channels[k];
          c.kinds = c.kinds.filter(function (x) { return x !== k; });
        });
      });
    }
  }

  // The launcher's provider of com.innovaphone.launcher (`@local-<id>`) publishes its services'
  // URLs and passwords in its model.
  var launcher = start.consumeApi('com.innovaphone.launcher');
  launcher.onupdate.attach(function () {
    var entry = launcher.providers.map(function (/** @type {string} */ p) { return launcher.model[p]; })
      .filter(function (/** @type {any} */ e) { return e && e.model && e.model.launcherServices; })[0];
    var svc = entry && entry.model.launcherServices.media;
    if (svc && typeof svc.url === 'string' && typeof svc.token === 'string') connectMedia(svc.url, svc.token);
  });

  // ---- incoming-call notifications through the launcher (com.innovaphone.launcher) -------------
  /** The notification's texts in the app's language (lib1's start.lang: the web client's, from the PBX). */
  var CALL_TEXTS = /** @type {Record<string, {text: string, accept: string, reject: string}>} */ ({
    en: { text: 'Incoming call', accept: 'Connect', reject: 'Reject' },
    de: { text: 'Eingehender Anruf', accept: 'Verbinden', reject: 'Ablehnen' },
  });
  function notifyCalls() {
    if (!launcher) return; // the first publish() runs before the launcher's consumer exists
    var alerting = calls.filter(function (c) { return c.dir === 'i' && c.state === 'Alerting' && !c.accepting; });
    alerting.forEach(function (c) {
      var src = 'call-' + c.id;
      if (notified[src]) return;
      notified[src] = true;
      var w = CALL_TEXTS[start.lang] || CALL_TEXTS.en;
      launcher.send({ mt: 'AddLocalNotification', type: 'PhoneCall', title: c.peer, text: w.text, acceptTitle: w.accept, rejectTitle: w.reject }, '*', src);
      log('notified call from ' + c.peer);
    });
    Object.keys(notified).forEach(function (src) {
      if (alerting.some(function (c) { return 'call-' + c.id === src; })) return;
      delete notified[src];
      launcher.send({ mt: 'RemoveLocalNotification' }, '*', src);
    });
  }
  launcher.onmessage.attach(function (/** @type {any} */ _s, /** @type {any} */ obj) {
    var msg = obj.msg || {};
    if (msg.mt !== 'LocalNotificationClicked' || typeof obj.src !== 'string' || obj.src.indexOf('call-') !== 0) return;
    var c = callById(obj.src.slice(5));
    if (!c) return;
    log('notification ' + (msg.action || 'body') + ' for the call from ' + c.peer);
    if (msg.action === 'accept') connectCall({ id: c.id }).catch(function (/** @type {Error} */ e) { fail(e.message); });
    else if (msg.action === 'reject') hangup(c, true);
  });

  // ---- signalling through pbx-sim (PbxSignal) ---------------------------------------------------
  var PBXSIGNAL = 'PbxSignal';
  /** @type {WebSocket | null} */
  var signal = null;
  var registered = false;
  var nextCall = 1;
  function signalSend(/** @type {Call} */ c, /** @type {Record<string, unknown>} */ sig) {
    if (signal && signal.readyState === WebSocket.OPEN) signal.send(JSON.stringify({ api: PBXSIGNAL, mt: 'Signaling', call: c.call, sig: sig }));
    else fail('signal not connected, ' + sig.type + ' to ' + c.peer + ' lost');
  }
  function connectSignal() {
    var ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/sim/signal');
    signal = ws;
    sp.signal = 'connecting';
    ws.onopen = function () { sp.signal = 'open'; register(); };
    ws.onclose = function () {
      sp.signal = 'closed';
      registered = false;
      checkReady();
      window.setTimeout(connectSignal, 2000);
    };
    ws.onmessage = function (ev) {
      /** @type {any} */
      var m;
      try { m = JSON.parse(String(ev.data)); } catch (e) { return; }
      if (m.api !== PBXSIGNAL) return;
      if (m.mt === 'RegisterResult') {
        if (m.err) { fail('register: ' + m.err); window.setTimeout(register, 1000); return; }
        registered = true;
        log('registered as ' + sp.user);
        checkReady();
      } else if (m.mt === 'Signaling' && m.sig) {
        onSignal(m.call, m.sig).catch(function (/** @type {Error} */ e) { fail(String(m.sig.type) + ' on call ' + m.call + ': ' + e.message); });
      } else if (m.mt === 'Error') {
        fail('signal: ' + m.err);
      }
    };
  }
  function register() {
    // the sim names the user by the device's hw id
    if (signal && signal.readyState === WebSocket.OPEN && sp.user) signal.send(JSON.stringify({ api: PBXSIGNAL, mt: 'Register', hw: sp.user }));
  }
  var client = start.consumeApi('com.innovaphone.client');
  client.onupdate.attach(function () {
    // the web client's own provider (`@client-<id>`)
    var own = client.providers.filter(function (/** @type {string} */ p) { return p.indexOf('@client-') === 0; })[0];
    var entry = own && client.model[own];
    var sip = entry && entry.model && entry.model.user && entry.model.user.sip;
    if (typeof sip === 'string' && sip && sip !== sp.user) {
      sp.user = sip;
      registered = false;
      register();
    }
  });
  function checkReady() {
    var s = sp.media === 'open' && registered ? 'ready' : 'starting';
    if (s !== sp.state) { sp.state = s; log('state ' + s); }
    publish();
  }
  connectSignal();

  // ---- calls -------------------------------------------------------------------------------------
  /** The Signal media of each channel kind (appsharing is the collab media). */
  var MEDIA = { audio: 'audio', video: 'video', appsharing: 'collab' };
  var KINDS = ['audio', 'video', 'appsharing'];
  function callById(/** @type {string} */ id) { return calls.filter(function (c) { return c.id === id; })[0]; }
  function callBySignal(/** @type {number} */ n) { return calls.filter(function (c) { return c.call === n; })[0]; }
  /** A call's id: a conference id (16 random bytes, hex), sent as the setup's `confId`, so both ends name the call alike. */
  function newId() { return Array.from(crypto.getRandomValues(new Uint8Array(16)), function (b) { return b.toString(16).padStart(2, '0'); }).join(''); }
  /** The kinds a Signal `channels` object has media for. */
  function kindsOf(/** @type {any} */ channels) {
    return KINDS.filter(function (k) { return channels && channels[/** @type {Record<string, string>} */ (MEDIA)[k] + '_ice']; });
  }
  /** One `channels` object for the call from the channels of its media channels. */
  function merge(/** @type {any[]} */ parts) {
    /** @type {any} */
    var out = { ch: [] };
    parts.forEach(function (p) {
      Object.keys(p).forEach(function (k) { if (k === 'ch') out.ch = out.ch.concat(p.ch || []); else out[k] = p[k]; });
    });
    return out;
  }
  function direction(/** @type {string} */ kind, /** @type {'i'|'o'} */ dir) {
    return kind === 'appsharing' ? (dir === 'o' ? 'sendonly' : 'recvonly') : 'sendrecv';
  }
  function alloc(/** @type {Call} */ c, /** @type {string} */ kind) {
    var ch = c.id + '-' + c.dir + '-' + kind;
    c.channels[kind] = ch;
    return mediaRequest({ mt: 'AllocChannel', channel: ch, kind: kind, iceServers: [], type: 'RemoteRtp', dn: sp.user, direction: direction(kind, c.dir) }, 'AllocChannelResult');
  }
  /**
   * Gives the peer's channels_cmd (+ channels, the whole object) to every media channel of the call;
   * resolves with the merged channels of our answers/offers, or null when there is nothing to send.
   */
  async function negotiate(/** @type {Call} */ c, /** @type {string} */ cmd, /** @type {any} */ channels) {
    /** @type {any[]} */
    var parts = [];
    for (var i = 0; i < c.kinds.length; i++) {
      var ch = c.channels[/** @type {string} */ (c.kinds[i])];
      var m = { mt: 'RemoteDescription', channel: ch, channels_cmd: cmd, channels: channels };
      if (cmd === 'CLOSE') await mediaRequest(m, 'ChannelClosed');
      else if (cmd === 'SELECT' || cmd === 'NONE') await mediaRequest(m, 'RemoteDescriptionResult');
      else parts.push((await mediaRequest(m, 'LocalDescription')).channels);
    }
    return parts.length ? merge(parts) : null;
  }

  async function startCall(/** @type {any} */ msg) {
    var to = String(msg.sip || msg.txt || msg.text || msg.num || '');
    if (!to) throw new Error('StartCall without a destination');
    if (sp.state !== 'ready') throw new Error('softphone not ready (' + sp.state + ')');
    var kinds = ['audio'].concat(msg.video ? ['video'] : [], msg.appsharing ? ['appsharing'] : []);
    /** @type {Call} */
    var c = { id: newId(), call: nextCall++, peer: to, dir: 'o', state: 'Setup', kinds: kinds, channels: {} };
    calls.push(c);
    publish();
    /** @type {any[]} */
    var offers = [];
    for (var i = 0; i < kinds.length; i++) {
      var kind = /** @type {string} */ (kinds[i]);
      await alloc(c, kind);
      offers.push((await mediaRequest({ mt: 'CreateOffer', channel: c.channels[kind] }, 'LocalDescription')).channels);
    }
    if (c.state === 'Disconnected') return;
    var cd = /^[0-9*#]+$/.test(to) ? { num: to } : { sip: to };
    signalSend(c, { type: 'setup', cd: cd, confId: c.id, channels_cmd: 'PROPOSAL', channels: merge(offers) });
    log('calling ' + to);
  }

  async function connectCall(/** @type {any} */ msg) {
    var c = calls.filter(function (x) { return x.dir === 'i' && x.state === 'Alerting' && !x.accepting && (msg.id === undefined || x.id === msg.id); })[0];
    if (!c) throw new Error('ConnectCall: no alerting call');
    // stays Alerting (innovaphone's call states have nothing in between) until the media is up
    c.accepting = true;
    for (var i = 0; i < c.kinds.length; i++) await alloc(c, /** @type {string} */ (c.kinds[i]));
    var answer = await negotiate(c, 'PROPOSAL', c.offer);
    signalSend(c, { type: 'conn', channels_cmd: 'SELECT', channels: answer });
    c.state = 'Connected';
    publish();
  }

  function hangup(/** @type {Call} */ c, /** @type {boolean} */ tellPeer) {
    if (tellPeer) signalSend(c, { type: 'rel', cau: { loc: 'user', num: 16 } });
    c.state = 'Disconnected';
    calls = calls.filter(function (x) { return x !== c; });
    Object.keys(c.channels).forEach(function (k) {
      var ch = /** @type {string} */ (c.channels[k]);
      delete sp.stats[ch];
      mediaRequest({ mt: 'CloseChannel', channel: ch }, 'ChannelClosed').catch(function (/** @type {Error} */ e) { fail(e.message); });
    });
    publish();
  }

  /** Asks the peer for a new offer on the connected call (Signal `channels` REQUEST); resolves when it is applied. */
  function renegotiate(/** @type {string=} */ callId) {
    var c = calls.filter(function (x) { return x.state === 'Connected' && (callId === undefined || x.id === callId); })[0];
    if (!c) return Promise.reject(new Error('no connected call'));
    var call = c;
    return new Promise(function (resolve, reject) {
      var timer = window.setTimeout(function () { delete call.renegotiated; reject(new Error('renegotiation: no new offer from ' + call.peer)); }, 15000);
      call.renegotiated = function () { window.clearTimeout(timer); resolve(undefined); };
      signalSend(call, { type: 'channels', channels_cmd: 'REQUEST' });
    });
  }

  async function onSignal(/** @type {number} */ n, /** @type {any} */ sig) {
    var c = callBySignal(n);
    if (sig.type === 'setup') {
      var from = (sig.cg && (sig.cg.sip || sig.cg.num)) || '?';
      var kinds = kindsOf(sig.channels);
      var confId = typeof sig.confId === 'string' && /^[0-9a-f]{32}$/i.test(sig.confId) ? sig.confId.toLowerCase() : newId();
      calls.push(Object.assign({ id: confId, call: n, peer: from, dir: /** @type {'i'} */ ('i'), state: 'Alerting', kinds: kinds.length ? kinds : ['audio'], channels: {}, offer: sig.channels }, sig.cg && typeof sig.cg.num === 'string' ? { num: sig.cg.num } : {}));
      var nc = /** @type {Call} */ (callBySignal(n));
      signalSend(nc, { type: 'alert' });
      log('call from ' + from);
      publish();
      return;
    }
    if (!c) return;
    if (sig.type === 'alert') {
      c.state = 'Ringback';
      publish();
    } else if (sig.type === 'conn') {
      await negotiate(c, sig.channels_cmd || 'SELECT', sig.channels);
      c.state = 'Connected';
      publish();
    } else if (sig.type === 'channels' && sig.channels_cmd) {
      var out = await negotiate(c, sig.channels_cmd, sig.channels);
      // what we send back: our answer to a PROPOSAL, our new offer for a REQUEST
      if (out) signalSend(c, { type: 'channels', channels_cmd: sig.channels_cmd === 'PROPOSAL' ? 'SELECT' : 'PROPOSAL', channels: out });
      // our REQUEST is done once the peer's new offer is answered
      if (sig.channels_cmd === 'PROPOSAL' && c.renegotiated) { c.renegotiated(); delete c.renegotiated; }
    } else if (sig.type === 'rel' || sig.type === 'disc') {
      hangup(c, false);
    }
  }

  phone.onmessage.attach(function (/** @type {any} */ _sender, /** @type {any} */ obj) {
    var msg = obj.msg || {};
    log('request ' + msg.mt + ' from ' + obj.consumer);
    /** @type {Promise<void>} */
    var p;
    if (msg.mt === 'StartCall') p = startCall(msg);
    else if (msg.mt === 'ConnectCall') p = connectCall(msg);
    else if (msg.mt === 'DisconnectCall') {
      calls.filter(function (c) { return msg.id === undefined || c.id === msg.id; }).forEach(function (c) { hangup(c, true); });
      p = Promise.resolve();
    } else return;
    p.catch(function (/** @type {Error} */ e) {
      fail(e.message);
      phone.send({ mt: msg.mt + 'Result', error: true, errorText: e.message }, obj.consumer, obj.src);
    });
  });

  // ---- remote video: the launcher's viewer page in an iframe ------------------------------------
  var viewsEl = document.createElement('div');
  viewsEl.id = 'views';
  document.body.appendChild(viewsEl);
  /** Shows the connected call's `kind` channel (video/appsharing) in a viewer iframe; resolves with the frame name. */
  async function openView(/** @type {string} */ kind, /** @type {string=} */ callId) {
    var c = calls.filter(function (x) { return x.state === 'Connected' && (callId === undefined || x.id === callId); })[0];
    var ch = c && c.channels[kind];
    if (!ch) throw new Error('no connected ' + kind + ' channel');
    var r = await mediaRequest({ mt: 'CreateView', channel: ch }, 'ViewCreated');
    return embedView(r.url, kind);
  }
  /** Raw CreateView (tests: a channel of another session must be refused). */
  function createView(/** @type {string} */ channel) { return mediaRequest({ mt: 'CreateView', channel: channel }, 'ViewCreated'); }
  function embedView(/** @type {string} */ url, /** @type {string} */ name) {
    var old = document.querySelector('iframe[name="view-' + name + '"]');
    if (old) old.remove();
    var f = document.createElement('iframe');
    f.name = 'view-' + name;
    f.title = name;
    f.width = '320';
    f.height = '180';
    f.setAttribute('allow', 'autoplay; camera; microphone');
    f.src = url;
    viewsEl.appendChild(f);
    return f.name;
  }

  // ---- received-media stats (for tests: window.__softphone.stats) --------------------------------
  async function getStats() {
    /** @type {Record<string, any>} */
    var out = {};
    for (var i = 0; i < calls.length; i++) {
      var c = /** @type {Call} */ (calls[i]);
      if (c.state !== 'Connected') continue;
      for (var k in c.channels) {
        var ch = /** @type {string} */ (c.channels[k]);
        try {
          out[ch] = sp.stats[ch] = Object.assign({ kind: k, call: c.id }, await mediaRequest({ mt: 'GetStats', channel: ch }, 'Stats'));
        } catch (e) { /* the channel closed meanwhile */ }
      }
    }
    return out;
  }
  window.setInterval(function () { if (calls.some(function (c) { return c.state === 'Connected'; })) getStats().catch(function () {}); }, 1000);
  render();
})();
