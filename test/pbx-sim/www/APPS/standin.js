// @ts-check
/*
 * The stand-in phone and chat apps of pbx-sim. Each provides its API (phone: com.innovaphone.phone,
 * chat: com.innovaphone.chat) through lib1.js, records every ApiRequest it receives (on screen, in
 * window.__received, and POSTed to /sim/received of its own origin) and consumes
 * com.innovaphone.launcher to show which launcher providers it sees.
 * Sim extension: `{mt:"SimEcho", ...}` is answered with ApiResult `{mt:"SimEchoResult", echo: msg}`
 * so tests can check the result path.
 */
(function () {
  'use strict';
  var innovaphone = /** @type {any} */ (window).innovaphone;
  var kind = document.body.dataset.app === 'chat' ? 'chat' : 'phone';
  var API = kind === 'chat' ? 'com.innovaphone.chat' : 'com.innovaphone.phone';
  var start = new innovaphone.lib1.Start();
  var appName = start.name || kind;
  /** @type {any[]} */
  var received = [];
  /** @type {any[]} */
  var consumerClosed = [];
  // Test hooks: what the app received, and its lib1 start object (to act as a consumer).
  Object.defineProperty(window, '__received', { value: received });
  Object.defineProperty(window, '__consumerClosed', { value: consumerClosed });
  Object.defineProperty(window, '__start', { value: start });

  var status = /** @type {HTMLElement} */ (document.getElementById('status'));
  var panel = /** @type {HTMLElement} */ (document.getElementById('panel'));
  var tbody = /** @type {HTMLElement} */ (document.querySelector('#received tbody'));

  /** @type {HTMLInputElement | null} */
  var dial = null;
  if (kind === 'phone') {
    panel.innerHTML = '<label>Number <input id="dial" placeholder="number to call"></label>';
    dial = /** @type {HTMLInputElement} */ (document.getElementById('dial'));
  } else {
    panel.innerHTML = '<p>Chat with: <b id="chat-with">nobody</b></p>';
  }

  var provider = start.provideApi(API);
  if (kind === 'phone') provider.setModel({ registered: true, calls: [] });

  provider.onconsumerclosed.attach(function (/** @type {any} */ _sender, /** @type {any} */ obj) {
    consumerClosed.push(obj.consumer);
  });

  var launcher = start.consumeApi('com.innovaphone.launcher');
  var providersSeen = '';
  launcher.onupdate.attach(function () {
    providersSeen = launcher.providers.join(', ');
    render();
  });
  function render() {
    status.textContent = 'provider "' + appName + '" of ' + API + ' | ' + received.length + ' request(s) | launcher providers: ' + (providersSeen || 'none');
  }
  render();

  // Reports to the sim are batched (one POST per 20 ms at most) so they do not slow the app down.
  /** @type {any[]} */
  var pending = [];
  var flushTimer = 0;
  function flush() {
    flushTimer = 0;
    var batch = pending.splice(0, 100);
    if (pending.length) flushTimer = setTimeout(flush, 20);
    fetch('/sim/received', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: batch }) }).catch(function () {});
  }
  function report(/** @type {any} */ rec) {
    pending.push(rec);
    if (!flushTimer) flushTimer = setTimeout(flush, 20);
  }

  provider.onmessage.attach(function (/** @type {any} */ _sender, /** @type {any} */ obj) {
    var msg = obj.msg || {};
    var rec = { app: appName, api: API, consumer: String(obj.consumer), src: String(obj.src || ''), msg: msg, at: Date.now() };
    // The app's own work first (SimEcho answers at once), bookkeeping after.
    if (msg.mt === 'SimEcho') provider.send({ mt: 'SimEchoResult', echo: msg }, obj.consumer, obj.src);
    received.push(rec);
    var tr = document.createElement('tr');
    [new Date(rec.at).toISOString().slice(11, 23), API, rec.consumer, rec.src, JSON.stringify(msg)].forEach(function (t, i) {
      var td = document.createElement('td');
      td.textContent = t;
      if (i === 4) td.className = 'msg';
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
    while (tbody.childElementCount > 200) tbody.removeChild(/** @type {Node} */ (tbody.firstChild));
    render();
    report(rec);
    if (kind === 'phone' && dial && (msg.mt === 'PrepareCall' || msg.mt === 'StartCall')) {
      dial.value = String(msg.text || msg.txt || msg.num || msg.sip || '');
    }
    if (kind === 'chat' && msg.mt === 'StartChat') {
      /** @type {HTMLElement} */ (document.getElementById('chat-with')).textContent = String(msg.dn || msg.sip || '');
    }
  });
})();
