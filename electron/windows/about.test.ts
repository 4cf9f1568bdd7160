import { describe, expect, it } from 'vitest';
import { english, translator } from '../../common/i18n';
import type { UpdateStatus } from '../update';
import { createAbout, trayStatusLine, type AboutUpdateSource } from './about';

class FakeUpdate implements AboutUpdateSource {
  status: UpdateStatus = { state: 'idle', detail: 'x' };
  source: { url: string; build: string } | undefined;
  private fns = new Set<(s: UpdateStatus) => void>();
  onStatus(fn: (s: UpdateStatus) => void) {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
  set(s: UpdateStatus) {
    this.status = s;
    for (const f of this.fns) f(s);
  }
}

const base = { identity: { name: 'myApps', version: '0.1.0', build: '137700' }, versions: { electron: '45.4.1', chrome: '140.0.1' }, os: 'Linux 6.12 (x64)', updatePolicy: () => 'auto' };

describe('About', () => {
  it('answers about.get with versions, PBX, update channel and state', async () => {
    const u = new FakeUpdate();
    let pbx: string | null = null;
    const about = createAbout({ ...base, pbx: () => pbx, update: u });
    expect(await about.handlers['about.get']!(undefined as never, { kind: 'launcher', webContentsId: 1, origin: '' } as never)).toEqual({
      name: 'myApps', version: '0.1.0', build: '137700', electron: '45.4.1', chromium: '140.0.1', os: 'Linux 6.12 (x64)', pbx: null, updatePolicy: 'auto', update: { state: 'idle' },
    });
    pbx = 'https://pbx.example.com';
    u.source = { url: 'https://store.example.com/', build: '137766' };
    u.set({ state: 'downloading', build: '137766', received: 10, total: 100, bytesPerSec: 5 });
    expect(about.current()).toMatchObject({ pbx: 'https://pbx.example.com', updateSource: { url: 'https://store.example.com/', build: '137766' }, update: { state: 'downloading', received: 10, total: 100, bytesPerSec: 5 } });
    u.set({ state: 'off', reason: 'no update signing key built in', code: 'noKey' });
    expect(about.current().update).toEqual({ state: 'off', reasonCode: 'noKey', detail: 'no update signing key built in' });
    about.dispose();
  });

  it('passes state changes on at once and download progress at most once per interval', async () => {
    const u = new FakeUpdate();
    const about = createAbout({ ...base, pbx: () => null, update: u, intervalMs: 80 });
    const seen: string[] = [];
    about.onChange((a) => seen.push(`${a.update.state}:${a.update.received ?? ''}`));
    u.set({ state: 'checking', build: '2' });
    u.set({ state: 'downloading', build: '2', received: 1, total: 10, bytesPerSec: 1 });
    for (let i = 2; i <= 6; i++) u.set({ state: 'downloading', build: '2', received: i, total: 10, bytesPerSec: 1 });
    expect(seen).toEqual(['checking:', 'downloading:1']);
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toEqual(['checking:', 'downloading:1', 'downloading:6']); // the latest, once
    u.set({ state: 'ready', build: '2' });
    expect(seen.at(-1)).toBe('ready:');
    about.changed(); // the PBX changed
    expect(seen).toHaveLength(5);
    about.dispose();
  });

  it('puts only long work into the tray', () => {
    const about = createAbout({ ...base, pbx: () => null });
    const a = about.current();
    expect(trayStatusLine(a, english)).toBeUndefined();
    expect(trayStatusLine({ ...a, update: { state: 'downloading', build: '9', received: 5e6, total: 1e7, bytesPerSec: 1e6 } }, translator('de'))).toBe('Build 9 wird heruntergeladen: 5 MB von 10 MB (50\u00a0%) · 1 MB/s, noch 5 Sek.');
    expect(trayStatusLine({ ...a, update: { state: 'installing', build: '9' } }, english)).toBe('Installing build 9…');
    expect(trayStatusLine({ ...a, update: { state: 'ready', build: '9' } }, english)).toBeUndefined();
  });
});
