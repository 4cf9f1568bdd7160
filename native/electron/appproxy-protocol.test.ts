import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const netFetch = vi.fn((req: Request, _init?: unknown) => fetch(req.url.replace(/^https:\/\/pbx\.example\.com/, origin.origin)));
vi.mock('electron', () => ({ net: { fetch: (req: Request, init?: unknown) => netFetch(req, init) } }));

import { electronUpstream, installAppProxy } from './appproxy-protocol';
import { createAppProxy } from '../../electron/appproxy';
import { TestOrigin } from '../../test/fixtures/appproxy/origin';

let origin: TestOrigin;
let tmp: string;

beforeEach(async () => {
  origin = new TestOrigin();
  await origin.start();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'appproxy-electron-'));
});
afterEach(async () => {
  await origin.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

function fakeSession() {
  const handlers = new Map<string, (r: Request) => Promise<Response> | Response>();
  return {
    handlers,
    protocol: {
      handle: vi.fn((scheme: string, h: (r: Request) => Promise<Response> | Response) => { handlers.set(scheme, h); }),
      unhandle: vi.fn((scheme: string) => { handlers.delete(scheme); }),
    },
  };
}

describe('installAppProxy (Electron protocol.handle)', () => {
  it('routes https requests through the core, which uses net.fetch bypassing the handler', async () => {
    origin.set('/PBX0/APPS/phone/phone.htm', '<p>phone</p>');
    const core = createAppProxy({ dir: path.join(tmp, 'appproxy'), upstream: electronUpstream(), offlineHoldMs: 0 });
    const ses = fakeSession();
    const uninstall = installAppProxy(ses as never, core);
    expect(ses.protocol.handle).toHaveBeenCalledWith('https', expect.any(Function));
    const h = ses.handlers.get('https')!;
    const r1 = await h(new Request('https://pbx.example.com/PBX0/APPS/phone/phone.htm'));
    expect(await r1.text()).toBe('<p>phone</p>');
    expect(netFetch).toHaveBeenCalledWith(expect.any(Request), expect.objectContaining({ bypassCustomProtocolHandlers: true }));
    await core.idle();
    await origin.stop();
    const r2 = await h(new Request('https://pbx.example.com/PBX0/APPS/phone/phone.htm'));
    expect(r2.headers.get('x-appproxy')).toBe('offline');
    expect(await r2.text()).toBe('<p>phone</p>');
    uninstall();
    expect(ses.protocol.unhandle).toHaveBeenCalledWith('https');
  });

  it('uses the session fetch when given a session', async () => {
    const sesFetch = vi.fn(async () => new Response('ok'));
    const up = electronUpstream({ fetch: sesFetch } as never);
    await up(new Request('https://pbx.example.com/x'));
    expect(sesFetch).toHaveBeenCalledWith(expect.any(Request), expect.objectContaining({ bypassCustomProtocolHandlers: true }));
  });
});
