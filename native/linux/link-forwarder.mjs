#!/usr/bin/env node
// Forwards the links it was started with to the running myApps services and exits.
// Usage (from the .desktop entry): node link-forwarder.mjs <socket-path> -- %u
// Plain JavaScript with no dependencies so the OS can start it without a build step.
// The link is only ever data in a JSON message: it never becomes an option of any program.
import * as net from 'node:net';

const [sockPath, sep, ...rest] = process.argv.slice(2);
if (!sockPath || sep !== '--') {
  process.stderr.write('usage: link-forwarder.mjs <socket-path> -- <link>...\n');
  process.exit(2);
}
const c = net.connect(sockPath);
let buf = '';
const timer = setTimeout(() => { process.stderr.write('link-forwarder: no answer\n'); process.exit(1); }, 5000);
c.setEncoding('utf8');
c.on('connect', () => c.write(JSON.stringify({ v: 1, argv: rest }) + '\n'));
c.on('data', (d) => { buf += d; });
c.on('end', () => {
  clearTimeout(timer);
  let ok = false;
  try {
    const r = JSON.parse(buf.trim());
    // refused links (not a tel:/sip:/im: link we accept) make the exit code 1, like a failed open
    ok = r.ok === true && !(Array.isArray(r.outcomes) && r.outcomes.some((o) => o && o.status === 'refused'));
  } catch { /* fallthrough */ }
  process.exit(ok ? 0 : 1);
});
c.on('error', (err) => { clearTimeout(timer); process.stderr.write(`link-forwarder: ${err.message}\n`); process.exit(1); });
