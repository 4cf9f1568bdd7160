// @ts-check
/*
 * The stand-in phone and chat apps of pbx-sim. Each provides its API (phone: com.innovaphone.phone,
 * chat: com.innovaphone.chat) through lib1.js, records every ApiRequest it receives (in
 * window.__received at once; on screen and POSTed to /sim/received of its own origin in batches)
 * and consumes
 * com.innovaphone.launcher to show which launcher providers it sees.
 * Sim extension: `{mt:"SimEcho", ...}` is answered with ApiResult `{mt:"SimEchoResult", echo: msg}`
 * so tests can check the result path.
 */
(function () {
  'use strict';
  var innovaphone = /** @type {any} */ (window).innovaphone;
  innovaphone.lib1.Start(app);

  /** The app, started by lib1 with its start object. @param {any} start */
  function app(start) {
    var kind = document.body.dataset.app === 'chat' ? 'chat' : 'phone';
    var API = kind === 'chat' ? 'com.innovaphone.chat' : 'com.innovaphone.phone';
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
    if (kind === 'phone') provider.update({ registered: true, calls: [] });
    // Test hook: publish calls in the phone model (e.g. for com.innovaphone.externalapps, which
    // starts apps only for calls the phone model knows).
    if (kind === 'phone') {
      Object.defineProperty(window, '__setCalls', {
        value: function (/** @type {any[]} */ calls) { provider.update({ registered: true, calls: calls }); },
      });
    }

    provider.onconsumerclosed.attach(function (/** @type {any} */ _sender, /** @type {any} */ obj) {
      consumerClosed.push(obj.consumer);
    });

    // ---- what the app shows and reports, kept off the request path -------------------------------
    // Handling an ApiRequest only records it in memory (window.__received). The screen and the sim
    // catch up in batches: per-message table rows made Chromium lay out and paint the table on
    // every frame, and per-message POSTs cost a network round trip each (docs/pbx-sim.md, "Speed").
    var MAX_ROWS = 25; // rows shown; window.__received and the sim keep more
    var MAX_KEPT = 10000; // window.__received keeps the newest this many
    var RENDER_EVERY_MS = 500; // the table is redrawn at most this often, in an animation frame
    var REPORT_QUIET_MS = 20; // POST once no request came for this long (a lone request: as soon as before)...
    var REPORT_MAX_WAIT_MS = 250; // ...or, in a stream, when the oldest unreported one waited this long
    var REPORT_BATCH = 100; // records per POST (the sim's limit)

    var rendered = 0; // how many records of `received` the table has seen (counts dropped ones too)
    var total = 0; // records ever received
    var renderPending = false;
    var lastRender = 0;
    function render() {
      renderPending = false;
      lastRender = Date.now();
      status.textContent = 'provider "' + appName + '" of ' + API + ' | ' + total + ' request(s) | launcher providers: ' + (providersSeen || 'none');
      var fresh = Math.min(total - rendered, MAX_ROWS, received.length);
      rendered = total;
      if (fresh <= 0) return;
      var frag = document.createDocumentFragment();
      received.slice(received.length - fresh).forEach(function (rec) {
        var tr = document.createElement('tr');
        [new Date(rec.at).toISOString().slice(11, 23), rec.api, rec.consumer, rec.src, JSON.stringify(rec.msg)].forEach(function (t, i) {
          var td = document.createElement('td');
          td.textContent = t;
          if (i === 4) td.className = 'msg';
          tr.appendChild(td);
        });
        frag.appendChild(tr);
      });
      tbody.appendChild(frag);
      while (tbody.childElementCount > MAX_ROWS) tbody.removeChild(/** @type {Node} */ (tbody.firstChild));
    }
    /** Redraw soon: at most every RENDER_EVERY_MS, in an animation frame (none while hidden). */
    function scheduleRender() {
      if (renderPending) return;
      renderPending = true;
      setTimeout(function () { requestAnimationFrame(render); }, Math.max(0, lastRender + RENDER_EVERY_MS - Date.now()));
    }
    var providersSeen = '';
    render();

    var launcher = start.consumeApi('com.innovaphone.launcher');
    launcher.onupdate.attach(function () {
      providersSeen = launcher.providers.join(', ');
      scheduleRender();
    });

    /** @type {any[]} */
    var pending = [];
    var firstPendingAt = 0;
    var lastReportAt = 0;
    var reportTimer = 0;
    var posting = false; // one POST at a time, so the sim gets the records in order
    function flush() {
      reportTimer = 0;
      if (posting || !pending.length) return;
      var now = Date.now();
      var wait = Math.min(lastReportAt + REPORT_QUIET_MS, firstPendingAt + REPORT_MAX_WAIT_MS) - now;
      if (wait > 0 && pending.length < REPORT_BATCH) {
        reportTimer = setTimeout(flush, wait);
        return;
      }
      var batch = pending.splice(0, REPORT_BATCH);
      firstPendingAt = pending.length ? pending[0].at : now;
      posting = true;
      fetch('/sim/received', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: batch }) })
        .catch(function () {})
        .then(function () {
          posting = false;
          if (pending.length && !reportTimer) reportTimer = setTimeout(flush, 0);
        });
    }
    function report(/** @type {any} */ rec) {
      var now = Date.now();
      if (!pending.length) firstPendingAt = now;
      lastReportAt = now;
      pending.push(rec);
      if (!reportTimer && !posting) reportTimer = setTimeout(flush, REPORT_QUIET_MS);
    }

    provider.onmessage.attach(function (/** @type {any} */ _sender, /** @type {any} */ obj) {
      var msg = obj.msg || {};
      var rec = { app: appName, api: API, consumer: String(obj.consumer), src: String(obj.src || ''), msg: msg, at: Date.now() };
      // The app's own work first (SimEcho answers at once), bookkeeping after.
      if (msg.mt === 'SimEcho') provider.send({ mt: 'SimEchoResult', echo: msg }, obj.consumer, obj.src);
      received.push(rec);
      if (received.length > MAX_KEPT) received.splice(0, received.length - MAX_KEPT);
      total++;
      scheduleRender();
      report(rec);
      if (kind === 'phone' && dial && (msg.mt === 'PrepareCall' || msg.mt === 'StartCall')) {
        dial.value = String(msg.txt || msg.text || msg.num || msg.sip || '');
      }
      if (kind === 'chat' && msg.mt === 'StartChat') {
        /** @type {HTMLElement} */ (document.getElementById('chat-with')).textContent = String(msg.dn || msg.sip || '');
      }
    });
  }
})();
