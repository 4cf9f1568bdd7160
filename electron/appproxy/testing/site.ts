/**
 * A small stand-in PBX + App Platform site for the app proxy bench (offline start) and tests: a web client
 * page (`/PBX0/APPCLIENT/appclient.htm` with its js/css) that opens 5 apps in iframes, 3 from the
 * PBX (`/PBX0/APPS/<app>/…`) and 2 from an App Platform (`/example.com/<app>/…`), each app with
 * htm + js + css + svg icon. Files are sent like a PBX does: `Cache-Control: no-cache` + ETag,
 * so the proxy revalidates on every use when online.
 */
import type { TestOrigin } from './origin';

export const PBX_HOST = 'https://pbx.example.test';
export const AP_HOST = 'https://ap.example.test';
export const PBX_APPS = ['phone', 'chat', 'users'];
export const AP_APPS = ['calendar', 'reports'];

export function appUrl(app: string): string {
  return PBX_APPS.includes(app) ? `${PBX_HOST}/PBX0/APPS/${app}/${app}.htm` : `${AP_HOST}/example.com/${app}/${app}.htm`;
}
function appDir(app: string): string {
  return PBX_APPS.includes(app) ? `/PBX0/APPS/${app}` : `/example.com/${app}`;
}

export function appJs(app: string, version: string): string {
  return `document.getElementById('status').textContent = 'app ${app} ${version} running';
parent.postMessage({ app: '${app}', version: '${version}' }, '*');
`;
}

/** Put the web client and the 5 apps on the two origins. */
export function populateSite(pbx: TestOrigin, ap: TestOrigin, version = 'v1'): void {
  const apps = [...PBX_APPS, ...AP_APPS];
  pbx.set('/PBX0/APPCLIENT/appclient.htm', `<!doctype html><html><head><meta charset="utf-8"><title>myApps</title>
<link rel="stylesheet" href="appclient.css"><script src="appclient.js"></script></head>
<body><h1>Web client</h1><div id="apps"></div></body></html>`);
  pbx.set('/PBX0/APPCLIENT/appclient.css', 'body{font-family:sans-serif} iframe{width:300px;height:80px;border:1px solid #888}');
  pbx.set('/PBX0/APPCLIENT/appclient.js', `window.__apps = {};
window.__session = 'pending';
addEventListener('message', function (e) { if (e.data && e.data.app) window.__apps[e.data.app] = e.data.version; });
fetch('/PBX0/session').then(function (r) { window.__session = 'status ' + r.status; }, function () { window.__session = 'failed'; });
addEventListener('DOMContentLoaded', function () {
  ${JSON.stringify(apps.map(appUrl))}.forEach(function (u) {
    var f = document.createElement('iframe'); f.src = u; document.getElementById('apps').appendChild(f);
  });
});
`);
  pbx.set('/PBX0/session', { body: '{"session":"none"}', type: 'application/json', cacheControl: 'no-store' });
  for (const app of apps) {
    const o = PBX_APPS.includes(app) ? pbx : ap;
    const d = appDir(app);
    o.set(`${d}/${app}.htm`, `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${app}.css"></head>
<body><img src="${app}.svg" width="16" height="16" alt=""><span id="status">app ${app} loading</span><script src="${app}.js"></script></body></html>`);
    o.set(`${d}/${app}.css`, `#status{color:#${(app.length * 1234567).toString(16).slice(0, 6).padEnd(6, '0')}}`);
    o.set(`${d}/${app}.js`, appJs(app, version));
    o.set(`${d}/${app}.svg`, `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><title>${app}</title><rect width="16" height="16" fill="#3a7"/></svg>`);
  }
}

/** Every file URL of the site, in the order a browser asks for them (page first). */
export function siteUrls(): string[] {
  const out = [`${PBX_HOST}/PBX0/APPCLIENT/appclient.htm`, `${PBX_HOST}/PBX0/APPCLIENT/appclient.css`, `${PBX_HOST}/PBX0/APPCLIENT/appclient.js`];
  for (const app of [...PBX_APPS, ...AP_APPS]) {
    const base = appUrl(app).replace(/\.htm$/, '');
    out.push(`${base}.htm`, `${base}.css`, `${base}.svg`, `${base}.js`);
  }
  return out;
}

/** Upstream mapping the site's public origins onto the two local origins. */
export function siteUpstream(pbx: TestOrigin, ap: TestOrigin): (req: Request, init?: { signal?: AbortSignal }) => Promise<Response> {
  return async (req, init) => {
    const u = new URL(req.url);
    const target = u.origin === PBX_HOST ? pbx.origin : u.origin === AP_HOST ? ap.origin : undefined;
    if (!target) throw new Error(`not a test origin: ${u.origin}`);
    const mapped = `${target}${u.pathname}${u.search}`;
    const headers = new Headers(req.headers);
    for (const h of ['host', 'connection', 'upgrade', 'keep-alive', 'transfer-encoding']) headers.delete(h);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer();
    return fetch(mapped, { method: req.method, headers, body, redirect: 'manual', signal: init?.signal });
  };
}
