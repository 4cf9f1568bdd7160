// @ts-check
/*
 * How the stand-in web client (appclient.js) names the consumers of the local services bus (the
 * launcher's ApiRelay, common/bus.ts) and what its apps see of them.
 *
 *  - Each app is a consumer of its own, with an id of the form the published relay frames show
 *    (`dev:SwPh_zkl_5e42e884`, docs/local-services.md): `dev:<app>_<user>_<8 hex>`, new every time
 *    the app (re)starts. Its requests go to the bus unchanged apart from `apiId` and `consumer`,
 *    `src` included (or left out), and the results come back addressed to that consumer.
 *  - A bus request to one of the client's provider apps names its consumer and, unless it comes
 *    from a launcher module (`@local-<id>`), the relay client it came from (`client`,
 *    `@client-<id>`). The app sees one opaque `consumer` to echo: the bus consumer itself when the
 *    client is this web client or absent, else `<client>|<consumer>`. `fromApp` turns the echoed
 *    value back into `{consumer, client}`; no table, nothing to forget.
 *
 * Plain browser JS (no build step); sets globalThis.pbxSimConsumers. Loaded by appclient.htm before
 * appclient.js, and by test/pbx-sim/consumers.test.ts in a Node vm context.
 */
(function (g) {
  'use strict';

  var CLIENT_PREFIX = '@client-';
  var LOCAL_PREFIX = '@local-';

  /** Letters, digits, `.` and `-` of a name; anything else becomes `_` (at most 40 characters). */
  function part(/** @type {string} */ s) {
    return String(s || '').replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 40) || '_';
  }

  /**
   * A fresh consumer id for an app.
   * @param {string} app the app's name
   * @param {string} user the logged-in user (sip), or '' before login
   * @param {string} hex 8 random hex digits
   */
  function consumerId(app, user, hex) {
    return 'dev:' + part(app) + '_' + part(user || 'user') + '_' + hex;
  }

  /**
   * The `consumer` a provider app sees for a bus request.
   * @param {string} consumer
   * @param {string | undefined} client
   * @param {string} own this web client's `@client-<id>` ('' without bus)
   */
  function toApp(consumer, client, own) {
    return client && client !== own ? client + '|' + consumer : consumer;
  }

  /**
   * Inverse of toApp: whom the app's ApiResult goes to.
   * @param {string} key what the app echoed
   * @param {string} own this web client's `@client-<id>` ('' without bus)
   * @returns {{ consumer: string, client?: string }}
   */
  function fromApp(key, own) {
    var bar = key.indexOf('|');
    if (key.indexOf(CLIENT_PREFIX) === 0 && bar > 0) return { client: key.slice(0, bar), consumer: key.slice(bar + 1) };
    if (key.indexOf(LOCAL_PREFIX) === 0 || !own) return { consumer: key };
    return { consumer: key, client: own };
  }

  /** @type {any} */ (g).pbxSimConsumers = { CLIENT_PREFIX: CLIENT_PREFIX, LOCAL_PREFIX: LOCAL_PREFIX, consumerId: consumerId, toApp: toApp, fromApp: fromApp };
})(globalThis);
