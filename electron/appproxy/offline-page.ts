/** The page shown in a frame when its origin is unreachable and nothing is cached (no white frame). */

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function offlinePageHtml(url: string, reason: string): string {
  let host = url;
  try { host = new URL(url).host; } catch { /* keep as is */ }
  const h = escapeHtml(host);
  const r = escapeHtml(reason);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Offline</title>
<style>
html,body{height:100%;margin:0}
body{display:flex;align-items:center;justify-content:center;font:15px/1.4 system-ui,sans-serif;background:#f4f4f4;color:#333}
@media (prefers-color-scheme:dark){body{background:#222;color:#ddd}}
main{max-width:28em;padding:1.5em;text-align:center}
h1{font-size:1.25em;margin:0 0 .5em}
button{font:inherit;padding:.4em 1.4em;margin-top:1em;cursor:pointer}
small{display:block;margin-top:1em;opacity:.7}
</style></head>
<body><main id="appproxy-offline">
<h1>This app cannot be reached</h1>
<p><b>${h}</b> is not reachable right now and no copy of this app is stored on this computer yet.</p>
<button id="retry" type="button" onclick="location.reload()">Retry</button>
<small>Retrying automatically every 15 seconds. (${r})</small>
</main>
<script>setTimeout(function(){location.reload()},15000)</script>
</body></html>`;
}
