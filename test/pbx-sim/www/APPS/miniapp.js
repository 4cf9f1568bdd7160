// @ts-check
/*
 * The small extra stand-in apps of pbx-sim (notes, calendar, reports; offered in UpdateApps with the
 * sim option `extraApps`). Each page says which app it is and its version
 * (`<body data-app="notes" data-version="1">`); the app provides `com.example.<app>` through lib1.js
 * with model `{app, version}` and answers `{mt:"Ping"}` with `{mt:"PingResult", app, version}`.
 * They exist so that "web client + 5 apps" is real (app proxy e2e: started from the cache offline,
 * a changed app file served after revalidation).
 */
(function () {
  'use strict';
  var innovaphone = /** @type {any} */ (window).innovaphone;
  var app = document.body.dataset.app || 'app';
  var version = document.body.dataset.version || '?';
  innovaphone.lib1.Start(function (/** @type {any} */ start) {
    var provider = start.provideApi('com.example.' + app);
    provider.update({ app: app, version: version });
    provider.onmessage.attach(function (/** @type {any} */ _sender, /** @type {any} */ obj) {
      var msg = obj.msg || {};
      if (msg.mt === 'Ping') provider.send({ mt: 'PingResult', app: app, version: version }, obj.consumer, obj.src);
    });
    var status = document.getElementById('status');
    if (status) status.textContent = app + ' v' + version + ' running';
  });
})();
