import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { FakeWebContents } from '../../test/fixtures/fake-electron';
import type { FrameNavigation } from '../../electron/bus';

vi.mock('electron', async () => (await import('../../test/fixtures/fake-electron')).electron);
const { createAppFrameSource } = await import('./app-frames');

const PBX = 'https://pbx.example.com';
const APPS = 'https://apps.example.com';
let close: (() => void) | undefined;
afterEach(() => close?.());

function start() {
  const app = new EventEmitter();
  const src = createAppFrameSource(app as never, { sweepMs: 20 });
  close = () => src.close();
  const nav: FrameNavigation[] = [];
  const gone: string[] = [];
  src.onNavigation((n) => nav.push(n));
  src.onGone((id) => gone.push(id));
  const window = () => {
    const wc = new FakeWebContents();
    app.emit('web-contents-created', {}, wc);
    return wc;
  };
  return { app, src, nav, gone, window };
}

describe('Electron app frames (AppFrameSource)', () => {
  it('reports subframe navigations with their parent, before and after they commit', () => {
    const { nav, window } = start();
    const wc = window();
    wc.url = `${PBX}/PBX0/APPCLIENT/appclient.htm`;
    const phone = wc.loadSubframe(`${APPS}/PBX0/APPS/phone.htm`);
    const id = `${wc.id}:${phone.frameTreeNodeId}`;
    expect(nav).toEqual([
      { id, url: `${APPS}/PBX0/APPS/phone.htm`, parent: { origin: PBX, top: true } },
      { id, url: `${APPS}/PBX0/APPS/phone.htm`, parent: { origin: PBX, top: true } },
    ]);
    wc.loadSubframe('https://ads.example.net/', phone);
    expect(nav.at(-1)).toMatchObject({ url: 'https://ads.example.net/', parent: { origin: APPS, top: false } });
    // a main-frame navigation is not a frame of a page
    wc.emit('will-frame-navigate', { url: `${PBX}/x`, isMainFrame: true, isSameDocument: false, frame: wc.mainFrame });
    expect(nav).toHaveLength(4);
  });

  it('finds frames that went away: after a navigation, when the window closes, and on its timer', async () => {
    const { gone, window } = start();
    const wc = window();
    wc.url = `${PBX}/PBX0/APPCLIENT/appclient.htm`;
    const a = wc.loadSubframe(`${APPS}/a.htm`);
    const b = wc.loadSubframe(`${APPS}/b.htm`);
    wc.removeSubframe(a);
    wc.emit('did-navigate', {}, wc.url);
    expect(gone).toEqual([`${wc.id}:${a.frameTreeNodeId}`]);
    wc.removeSubframe(b);
    await vi.waitFor(() => expect(gone).toContain(`${wc.id}:${b.frameTreeNodeId}`));
    const other = window();
    other.url = `${PBX}/PBX0/APPCLIENT/appclient.htm?app=chat`;
    const c = other.loadSubframe(`${APPS}/chat.htm`);
    other.destroyed = true;
    other.emit('destroyed');
    expect(gone).toContain(`${other.id}:${c.frameTreeNodeId}`);
  });
});
