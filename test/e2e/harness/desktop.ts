/**
 * A private Linux desktop session for tests that run the product's Linux adapters for real: a
 * private Xvfb, a private session D-Bus (own config on a path socket, no service directories, so
 * nothing is auto-started), and on request the notification daemon (dunst) and an unlocked GNOME
 * Keyring (the Secret Service secret-tool talks to). `env` is what a client of that session needs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startXvfb, type Xvfb } from './xvfb';
import { sessionBusConfig } from '../../fixtures/session-bus';

export interface DesktopSession {
  env: NodeJS.ProcessEnv;
  display?: string;
  busAddress: string;
  /** With `notifications`: what a user does with dunst's notifications. */
  notifications?: DunstUser;
  stop(): Promise<void>;
}

/** A user in front of dunst: counts what it shows and clicks an action button by its label. */
export interface DunstUser {
  /** How many notifications dunst shows now (`dunstctl count displayed`). */
  displayed(): Promise<number>;
  /**
   * Clicks the action labelled `label` of a shown notification: dunst's context menu
   * (`dunstctl context`) runs its dmenu, here a script that picks the entry with that label; dunst
   * then emits ActionInvoked on the session bus, as for a click.
   */
  clickAction(label: string): Promise<void>;
}

export interface DesktopSessionOptions {
  /** Start a private Xvfb (DISPLAY). Default true. */
  x?: boolean;
  /** Start dunst on the bus (org.freedesktop.Notifications). Needs x. Default false. */
  notifications?: boolean;
  /** Start an unlocked gnome-keyring-daemon (Secret Service) on the bus. Default false. */
  keyring?: boolean;
}

export async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `ok` every 100 ms until it resolves true, or throws `what` after `ms`. */
async function until(ok: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(what);
    await sleep(100);
  }
}

/** Runs a program to its end; resolves with its exit code. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env, stdio: ['pipe', 'ignore', 'ignore'] });
    p.on('error', () => resolve(-1));
    p.on('close', (code) => resolve(code ?? -1));
    p.stdin!.on('error', () => undefined); // EPIPE when the program exits without reading its input
    p.stdin!.end(input);
  });
}

/** Runs a program to its end; resolves with what it wrote to stdout (rejects on a non-zero exit). */
function output(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

/** `root` is a private temporary folder of the test (HOME, XDG_RUNTIME_DIR and the bus socket go there). */
export async function startDesktopSession(root: string, opts: DesktopSessionOptions = {}): Promise<DesktopSession> {
  const procs: ChildProcess[] = [];
  let xvfb: Xvfb | undefined;
  const stop = async (): Promise<void> => {
    for (const p of procs.reverse()) await stopProcess(p);
    await xvfb?.stop();
  };
  let notifications: DunstUser | undefined;
  try {
    const runDir = path.join(root, 'run');
    mkdirSync(runDir, { recursive: true, mode: 0o700 });
    const conf = path.join(root, 'session.conf');
    writeFileSync(conf, sessionBusConfig(`unix:path=${path.join(root, 'bus')}`));
    const dbus = spawn('dbus-daemon', [`--config-file=${conf}`, '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    procs.push(dbus);
    const busAddress = await new Promise<string>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error('dbus-daemon did not start')), 10_000);
      dbus.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) {
          clearTimeout(t);
          resolve(out.trim());
        }
      });
      dbus.on('exit', (code) => reject(new Error(`dbus-daemon exited ${code}`)));
    });
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: root, XDG_RUNTIME_DIR: runDir, DBUS_SESSION_BUS_ADDRESS: busAddress };
    if (opts.x !== false) {
      xvfb = await startXvfb();
      env.DISPLAY = xvfb.display;
    }
    if (opts.notifications) {
      if (!env.DISPLAY) throw new Error('dunst needs the X display (x: true)');
      // dunst's context menu runs "dmenu": a script that picks the entry named in <script>.pick stands in for the user
      const dmenu = path.join(root, 'pick-action.sh');
      writeFileSync(dmenu, '#!/bin/sh\ngrep -m1 -F "$(cat "$0.pick")"\n', { mode: 0o755 });
      writeFileSync(path.join(root, 'dunstrc'), `[global]\n    show_indicators = no\n    dmenu = ${dmenu}\n`);
      procs.push(spawn('dunst', ['-config', path.join(root, 'dunstrc')], { env, stdio: 'ignore' }));
      const ask = ['--session', '--dest=org.freedesktop.Notifications', '--print-reply', '/org/freedesktop/Notifications', 'org.freedesktop.Notifications.GetServerInformation'];
      await until(async () => (await run('dbus-send', ask, env)) === 0, 15_000, 'dunst did not come up on the session bus');
      notifications = {
        displayed: async () => Number((await output('dunstctl', ['count', 'displayed'], env)).trim()),
        async clickAction(label) {
          if (/[\n\r]/.test(label)) throw new Error('an action label is one line');
          writeFileSync(`${dmenu}.pick`, label);
          const code = await run('dunstctl', ['context'], env);
          if (code !== 0) throw new Error(`dunstctl context exited ${code}`);
        },
      };
    }
    if (opts.keyring) {
      const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
      procs.push(keyring);
      keyring.stdin!.end('test-keyring-password');
      // The daemon registers on the bus and creates the "login" collection shortly after unlocking.
      const probe = ['service', 'myapps-desktop-session', 'probe', '1'];
      await until(async () => (await run('/usr/bin/secret-tool', ['store', '--label=probe', ...probe], env, 'p')) === 0, 15_000, 'the Secret Service did not come up');
      await run('/usr/bin/secret-tool', ['clear', ...probe], env);
    }
    return { env, display: env.DISPLAY, busAddress, ...(notifications ? { notifications } : {}), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
