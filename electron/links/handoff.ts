/**
 * The second-instance handoff (docs/links.md "Single instance and handoff"), as VS Code does it:
 * the running client listens on a local socket of its own; a second start (the OS opening a
 * tel: link, the user starting the client again) connects, hands over its sanitised arguments
 * (the link it was started with, or none = "show the window"), gets the outcome and exits with
 * it. Electron's single-instance lock stays as the arbiter of who is first; the arguments never
 * travel through it.
 *
 * Endpoint (`linkHandoffEndpoint`): a Unix socket in a folder only this user can enter
 * ($XDG_RUNTIME_DIR/myApps, else <userData>/run; mode 0700, owner checked; socket 0600) or, on
 * Windows, a named pipe whose name carries a random per-user id kept in <userData> (other users
 * cannot read it, so they cannot guess or occupy the name). Never a fixed name in shared temp.
 *
 * Protocol: one request per connection, a JSON line {"v":1,"argv":[…]} of at most 16 KiB, at
 * most 16 arguments of at most 1024 characters; answered by {"ok":true,"outcomes":[…]} or
 * {"ok":false,"error":"…"}. The running instance validates everything again (LinkService parses
 * every link with common/links.ts); the second process is never trusted.
 */
import * as net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../platform';
import { ensurePrivateDir } from '../util/private-dir';

export const HANDOFF_MAX_BYTES = 16 * 1024;
export const HANDOFF_MAX_ARGS = 16;
export const HANDOFF_MAX_ARG_LENGTH = 1024;
/** Longest Unix socket path that fits sockaddr_un on Linux (108) and macOS (104), with the NUL. */
const MAX_SOCKET_PATH_BYTES = 103;

export interface LinkHandoffServer {
  readonly path: string;
  close(): Promise<void>;
}

/** The answer of the running instance. */
export interface HandoffAnswer {
  ok: boolean;
  outcomes?: unknown;
  error?: string;
}

/**
 * A random id of this user's client profile, kept in <userData>/instance-id (0600); created on
 * first use. It names the Windows pipe (and the Unix fallback folder), so another user on the
 * same machine (terminal server) can neither guess the name nor occupy it first.
 */
export function profileInstanceId(userData: string): string {
  const file = path.join(userData, 'instance-id');
  const read = (): string | undefined => {
    try {
      const id = readFileSync(file, 'utf8').trim();
      return /^[0-9a-f]{32}$/.test(id) ? id : undefined;
    } catch {
      return undefined;
    }
  };
  const existing = read();
  if (existing) return existing;
  mkdirSync(userData, { recursive: true });
  const id = randomBytes(16).toString('hex');
  try {
    writeFileSync(file, `${id}\n`, { flag: 'wx', mode: 0o600 });
    return id;
  } catch {
    // another start created it at the same moment (or an unreadable file is in the way)
    const other = read();
    if (other) return other;
    writeFileSync(file, `${id}\n`, { mode: 0o600 });
    return id;
  }
}

/** Where the running instance of this user's profile listens for a second start's arguments. */
export function linkHandoffEndpoint(o: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv; userData: string; tmpdir: string }): string {
  if (o.platform === 'win32') return `\\\\.\\pipe\\myApps-links-${profileInstanceId(o.userData)}`;
  const fits = (p: string) => Buffer.byteLength(p) <= MAX_SOCKET_PATH_BYTES;
  const runtime = o.env.XDG_RUNTIME_DIR;
  if (runtime && path.isAbsolute(runtime)) {
    // one socket per profile (userData) in the user's runtime folder
    const tag = createHash('sha256').update(o.userData).digest('hex').slice(0, 12);
    const p = path.join(runtime, 'myApps', `links-${tag}.sock`);
    if (fits(p)) return p;
  }
  const inProfile = path.join(o.userData, 'run', 'links.sock');
  if (fits(inProfile)) return inProfile;
  return path.join(o.tmpdir, `myApps-${profileInstanceId(o.userData)}`, 'links.sock');
}

function answer(sock: net.Socket, reply: HandoffAnswer): void {
  sock.end(JSON.stringify(reply) + '\n');
}

/** The checks of a request line; the arguments, or the reason it is refused. */
export function parseHandoffRequest(line: string): { argv: string[] } | { error: string } {
  let req: { v?: unknown; argv?: unknown };
  try {
    req = JSON.parse(line) as typeof req;
  } catch {
    return { error: 'malformed' };
  }
  if (!req || req.v !== 1 || !Array.isArray(req.argv) || !req.argv.every((a) => typeof a === 'string')) return { error: 'malformed' };
  if (req.argv.length > HANDOFF_MAX_ARGS) return { error: 'too many arguments' };
  if (req.argv.some((a: string) => a.length > HANDOFF_MAX_ARG_LENGTH)) return { error: 'argument too long' };
  return { argv: req.argv as string[] };
}

export async function startLinkHandoffServer(opts: {
  path: string;
  logger: Logger;
  onArgv: (argv: string[]) => unknown;
}): Promise<LinkHandoffServer> {
  const sockPath = opts.path;
  const isPipe = sockPath.startsWith('\\\\');
  if (!isPipe) {
    await ensurePrivateDir(path.dirname(sockPath));
    // A socket file left by a crashed instance: remove it only if nobody answers on it.
    if (await fs.lstat(sockPath).then(() => true, () => false)) {
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
    let done = false;
    sock.setEncoding('utf8');
    sock.setTimeout(5000, () => sock.destroy());
    sock.on('error', () => {});
    sock.on('data', (chunk: string) => {
      if (done) return;
      buf += chunk;
      if (buf.length > HANDOFF_MAX_BYTES) {
        done = true;
        opts.logger.warn('links: handoff request too large, refused');
        answer(sock, { ok: false, error: 'too large' });
        sock.destroy();
        return;
      }
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      done = true;
      const req = parseHandoffRequest(buf.slice(0, nl));
      if ('error' in req) {
        opts.logger.warn('links: handoff request refused', { error: req.error });
        return answer(sock, { ok: false, error: req.error });
      }
      try {
        answer(sock, { ok: true, outcomes: opts.onArgv(req.argv) ?? null });
      } catch (err) {
        opts.logger.warn('links: handoff request failed', { error: err instanceof Error ? err.message : String(err) });
        answer(sock, { ok: false, error: 'failed' });
      }
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
export function sendLinkHandoff(sockPath: string, argv: string[], timeoutMs = 5000): Promise<HandoffAnswer> {
  return new Promise((resolve, reject) => {
    const c = net.connect(sockPath);
    let buf = '';
    const timer = setTimeout(() => { c.destroy(); reject(new Error('link handoff timed out')); }, timeoutMs);
    c.setEncoding('utf8');
    c.on('connect', () => c.write(JSON.stringify({ v: 1, argv }) + '\n'));
    c.on('data', (d: string) => {
      buf += d;
      if (buf.length > HANDOFF_MAX_BYTES) c.destroy(new Error('handoff answer too large'));
    });
    c.on('end', () => {
      clearTimeout(timer);
      try { resolve(JSON.parse(buf.trim()) as HandoffAnswer); } catch { reject(new Error('bad handoff answer')); }
    });
    c.on('error', (err) => { clearTimeout(timer); reject(err); });
  });
}

/** The outcome of a start: this process is the first instance, or it handed its arguments over. */
export type HandoffClaim = { first: true } | { first: false; ok: boolean; answer?: HandoffAnswer; error?: string };

/**
 * What a start of the client does first: hand `argv` to a running instance; if none answers,
 * take the single-instance lock (`requestLock`, Electron's) and be the first. When the lock is
 * held by an instance that does not answer yet (it is starting), try again for `waitMs`.
 * `ok` is false when the link was refused (exit code 1, as a failed open) or nobody answered.
 */
export async function claimOrHandOff(o: { path: string; argv: string[]; requestLock: () => boolean; waitMs?: number; retryMs?: number }): Promise<HandoffClaim> {
  const handOff = async (): Promise<HandoffClaim | undefined> => {
    try {
      const a = await sendLinkHandoff(o.path, o.argv);
      const refused = Array.isArray(a.outcomes) && a.outcomes.some((x) => (x as { status?: unknown })?.status === 'refused');
      return { first: false, ok: a.ok === true && !refused, answer: a, ...(a.ok ? {} : { error: `the running myApps refused the request: ${a.error ?? 'no reason'}` }) };
    } catch {
      return undefined;
    }
  };
  const handed = await handOff();
  if (handed) return handed;
  if (o.requestLock()) return { first: true };
  const deadline = Date.now() + (o.waitMs ?? 15_000);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, o.retryMs ?? 250));
    const again = await handOff();
    if (again) return again;
  }
  return { first: false, ok: false, error: `myApps is running but did not answer on ${o.path}` };
}
