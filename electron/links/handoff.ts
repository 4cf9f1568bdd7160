/**
 * Link handoff channel: a second process (a second start of the client, or the small forwarder
 * that the Linux .desktop entry runs) hands its links to the running instance over a local
 * socket (Unix domain socket in a 0700 folder; a named pipe on Windows). One request per
 * connection: a JSON line {"v":1,"argv":[...]} (at most 16 KiB), answered by {"ok":true,"outcomes":[...]}.
 * In the Electron product the same LinkService.handleArgv is fed by app 'second-instance'.
 */
import * as net from 'node:net';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../platform';

export const HANDOFF_MAX_BYTES = 16 * 1024;

export interface LinkHandoffServer {
  readonly path: string;
  close(): Promise<void>;
}

export async function startLinkHandoffServer(opts: {
  path: string;
  logger: Logger;
  onArgv: (argv: string[]) => unknown;
}): Promise<LinkHandoffServer> {
  const sockPath = opts.path;
  const isPipe = sockPath.startsWith('\\\\');
  if (!isPipe) {
    await fs.mkdir(path.dirname(sockPath), { recursive: true, mode: 0o700 });
    // A socket file left by a crashed instance: remove it only if nobody answers on it.
    if (await fs.stat(sockPath).then(() => true, () => false)) {
      const alive = await new Promise<boolean>((resolve) => {
        const c = net.connect(sockPath);
        c.once('connect', () => { c.destroy(); resolve(true); });
        c.once('error', () => resolve(false));
      });
      if (alive) throw new Error(`another instance is listening on ${sockPath}`);
      await fs.rm(sockPath, { force: true });
    }
  }
  const server = net.createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.setTimeout(5000, () => sock.destroy());
    sock.on('error', () => {});
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > HANDOFF_MAX_BYTES) {
        opts.logger.warn('links: handoff request too large, refused');
        sock.end(JSON.stringify({ ok: false, error: 'too large' }) + '\n');
        sock.destroy();
        return;
      }
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      let reply: unknown;
      try {
        const req = JSON.parse(buf.slice(0, nl)) as { v?: unknown; argv?: unknown };
        if (req.v !== 1 || !Array.isArray(req.argv) || !req.argv.every((a) => typeof a === 'string')) throw new Error('expected {"v":1,"argv":[strings]}');
        reply = { ok: true, outcomes: opts.onArgv(req.argv as string[]) ?? null };
      } catch (err) {
        opts.logger.warn('links: malformed handoff request refused', { error: err instanceof Error ? err.message : String(err) });
        reply = { ok: false, error: 'malformed' };
      }
      sock.end(JSON.stringify(reply) + '\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(sockPath, () => { server.off('error', reject); resolve(); });
  });
  if (!isPipe) await fs.chmod(sockPath, 0o600).catch(() => {});
  opts.logger.trace('App', 'links: handoff channel listening', { path: sockPath });
  return {
    path: sockPath,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Client side: hand argv to the running instance. Resolves with its answer. */
export function sendLinkHandoff(sockPath: string, argv: string[], timeoutMs = 5000): Promise<{ ok: boolean; outcomes?: unknown; error?: string }> {
  return new Promise((resolve, reject) => {
    const c = net.connect(sockPath);
    let buf = '';
    const timer = setTimeout(() => { c.destroy(); reject(new Error('link handoff timed out')); }, timeoutMs);
    c.setEncoding('utf8');
    c.on('connect', () => c.write(JSON.stringify({ v: 1, argv }) + '\n'));
    c.on('data', (d: string) => { buf += d; });
    c.on('end', () => {
      clearTimeout(timer);
      try { resolve(JSON.parse(buf.trim()) as { ok: boolean }); } catch { reject(new Error('bad handoff answer')); }
    });
    c.on('error', (err) => { clearTimeout(timer); reject(err); });
  });
}
