/**
 * The src mapping of the stand-in web client's bus bridge (www/APPCLIENT/srcmap.js, plain browser
 * JS), run in a Node vm context as the browser runs it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

interface ProviderSrcs {
  toApp(consumer: string, appIndex: number, busSrc: string): string;
  toBus(consumer: string, appIndex: number, appSrc: string): string;
  forgetConsumer(consumer: string): void;
  size(): number;
}
interface SrcMapLib {
  MAX_BUS_SRC: number;
  toBus(appIndex: number, appSrc: string): string | null;
  fromBus(busSrc: unknown): { index: number; src: string } | null;
  ProviderSrcs: new (limit?: number) => ProviderSrcs;
}

function load(): SrcMapLib {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'www', 'APPCLIENT', 'srcmap.js');
  const sandbox: { pbxSimSrcMap?: SrcMapLib } = {};
  vm.runInNewContext(readFileSync(file, 'utf8'), sandbox, { filename: file });
  return sandbox.pbxSimSrcMap!;
}

describe('pbx-sim web client: src mapping between apps and the bus', () => {
  const lib = load();

  it('app as consumer: the bus src is a stable, reversible function of (app, src)', () => {
    expect(lib.toBus(0, 'call-1')).toBe('0:call-1');
    expect(lib.toBus(0, 'call-1')).toBe(lib.toBus(0, 'call-1')); // Add and Remove name the same notification
    expect(lib.toBus(1, 'call-1')).not.toBe(lib.toBus(0, 'call-1')); // two apps' srcs never collide
    for (const [i, src] of [[0, 'x'], [1, ''], [12, 'a:b:c'], [3, '7:y'], [999999, 'apisrc-0a1b-3'], [2, 'ü ✓\n']] as const) {
      expect(lib.fromBus(lib.toBus(i, src))).toEqual({ index: i, src });
    }
  });

  it('srcs this client did not mint are not taken for an app', () => {
    for (const s of ['s1', 'phone-1', ':x', '01:x', '-1:x', '1234567:x', 'x:1', '', 'a'.repeat(10)]) expect(lib.fromBus(s)).toBeNull();
    expect(lib.fromBus(undefined)).toBeNull();
    expect(lib.fromBus(7)).toBeNull();
  });

  it('refuses app srcs that would exceed the bus limit of 500 characters', () => {
    expect(lib.MAX_BUS_SRC).toBe(500);
    expect(lib.toBus(0, 'a'.repeat(498))).toHaveLength(500);
    expect(lib.toBus(0, 'a'.repeat(499))).toBeNull();
    expect(lib.toBus(10, 'a'.repeat(498))).toBeNull();
  });

  it('app as provider: other consumers\u2019 srcs pass unchanged both ways', () => {
    const p = new lib.ProviderSrcs();
    expect(p.toApp('c1', 0, 'router-1a')).toBe('router-1a');
    expect(p.toBus('c1', 0, 'router-1a')).toBe('router-1a');
    expect(p.toApp('c1', 0, '1:x')).toBe('1:x'); // minted for another app: not this one's
    expect(p.toBus('c1', 0, '1:x')).toBe('1:x');
    expect(p.size()).toBe(0);
  });

  it('app as provider: a src minted for that app is shown as the app\u2019s own src and restored on its result', () => {
    const p = new lib.ProviderSrcs();
    // com.innovaphone.notificationhandler: the launcher sends LocalNotificationClicked with the
    // notification's bus src, which the web client minted from the app's AddLocalNotification src.
    const busSrc = lib.toBus(2, 'chat-1')!;
    expect(p.toApp('@notifications', 2, busSrc)).toBe('chat-1');
    expect(p.toBus('@notifications', 2, 'chat-1')).toBe(busSrc);
    expect(p.toBus('other', 2, 'chat-1')).toBe('chat-1'); // per consumer
    expect(p.toBus('@notifications', 1, 'chat-1')).toBe('chat-1'); // per app
    p.forgetConsumer('@notifications');
    expect(p.toBus('@notifications', 2, 'chat-1')).toBe('chat-1');
    expect(p.size()).toBe(0);
  });

  it('remembers a bounded number of stripped srcs, oldest forgotten first', () => {
    const p = new lib.ProviderSrcs(3);
    for (let i = 0; i < 5; i++) p.toApp('c', 0, `0:n${i}`);
    expect(p.size()).toBe(3);
    expect(p.toBus('c', 0, 'n0')).toBe('n0');
    expect(p.toBus('c', 0, 'n1')).toBe('n1');
    expect(p.toBus('c', 0, 'n4')).toBe('0:n4');
    p.toApp('c', 0, '0:n2'); // used again: kept longest
    p.toApp('c', 0, '0:n5');
    p.toApp('c', 0, '0:n6');
    expect(p.toBus('c', 0, 'n2')).toBe('0:n2');
    expect(p.toBus('c', 0, 'n3')).toBe('n3');
  });
});
