// @ts-check
/*
 * How the stand-in web client (appclient.js) maps the `src` of bridged requests between its app
 * iframes and the local services bus, so that an app's own src survives the round trip
 * (protocols.md §2.2: the notification id of AddLocalNotification/RemoveLocalNotification IS the src).
 *
 *  - App as consumer: the bus src is "<app index>:<app src>" (index = position of the app in the
 *    client's start order). A stable, reversible function: the same app src always gives the same
 *    bus src, and a bus ApiResult is routed back by parsing it. No table, nothing to forget.
 *  - App as provider: a bus request's src is shown to the app unchanged, except that a src of the
 *    form "<that app's index>:<rest>" (a src this client minted for that very app, e.g. the
 *    notification id in a com.innovaphone.notificationhandler LocalNotificationClicked) is shown
 *    as "<rest>", the app's own src. Only such stripped srcs are remembered (bounded, per bus
 *    consumer and app) to restore the bus src on the app's ApiResult; all others map to themselves.
 *
 * Plain browser JS (no build step); sets globalThis.pbxSimSrcMap. Loaded by appclient.htm before
 * appclient.js, and by test/pbx-sim/srcmap.test.ts in a Node vm context.
 */
(function (g) {
  'use strict';

  /** The bus caps src at 500 characters (contract/bus.ts). */
  var MAX_BUS_SRC = 500;

  /**
   * Bus src of a request an app sends as consumer.
   * @param {number} appIndex
   * @param {string} appSrc
   * @returns {string | null} null when the result would be longer than the bus allows
   */
  function toBus(appIndex, appSrc) {
    var s = appIndex + ':' + appSrc;
    return s.length > MAX_BUS_SRC ? null : s;
  }

  /**
   * Inverse of toBus: which app a bus src belongs to, and the app's own src. null for srcs this
   * client did not mint.
   * @param {unknown} busSrc
   * @returns {{ index: number, src: string } | null}
   */
  function fromBus(busSrc) {
    if (typeof busSrc !== 'string') return null;
    var m = /^(0|[1-9][0-9]{0,5}):/.exec(busSrc);
    if (!m) return null;
    return { index: Number(m[1]), src: busSrc.slice(m[0].length) };
  }

  /**
   * The provider direction: bus requests to an app and the app's results back.
   * @param {number} [limit] how many stripped srcs to remember (oldest forgotten first)
   */
  function ProviderSrcs(limit) {
    var max = limit || 10000;
    /** consumer \n app index \n app src -> bus src */
    /** @type {Map<string, string>} */
    var stripped = new Map();
    var key = function (/** @type {string} */ consumer, /** @type {number} */ appIndex, /** @type {string} */ appSrc) {
      return consumer + '\n' + appIndex + '\n' + appSrc;
    };
    /**
     * The src the provider app sees for a bus request.
     * @param {string} consumer bus consumer
     * @param {number} appIndex the provider app
     * @param {string} busSrc
     */
    this.toApp = function (consumer, appIndex, busSrc) {
      var own = fromBus(busSrc);
      if (!own || own.index !== appIndex) return busSrc;
      var k = key(consumer, appIndex, own.src);
      stripped.delete(k); // re-insert: most recent last
      stripped.set(k, busSrc);
      if (stripped.size > max) stripped.delete(/** @type {string} */ (stripped.keys().next().value));
      return own.src;
    };
    /**
     * The bus src of a provider app's ApiResult to a bus consumer.
     * @param {string} consumer bus consumer
     * @param {number} appIndex the provider app
     * @param {string} appSrc
     */
    this.toBus = function (consumer, appIndex, appSrc) {
      var s = stripped.get(key(consumer, appIndex, appSrc));
      return s === undefined ? appSrc : s;
    };
    /** Forget what was remembered for a bus consumer that closed. */
    this.forgetConsumer = function (/** @type {string} */ consumer) {
      var prefix = consumer + '\n';
      Array.from(stripped.keys()).forEach(function (k) {
        if (k.indexOf(prefix) === 0) stripped.delete(k);
      });
    };
    this.size = function () { return stripped.size; };
  }

  /** @type {any} */ (g).pbxSimSrcMap = { MAX_BUS_SRC: MAX_BUS_SRC, toBus: toBus, fromBus: fromBus, ProviderSrcs: ProviderSrcs };
})(globalThis);
