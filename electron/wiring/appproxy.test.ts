import { afterEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPlatformServices, type PlatformServices } from './index';
import type { UpstreamFetch } from '../appproxy';
import { TestOrigin } from '../../test/fixtures/appproxy/origin';

let services: PlatformServices | undefined;
let tmp: string | undefined;
afterEach(async () => {
  await services?.close();
  services = undefined;
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('createPlatformServices wiring of the app proxy', () => {
  it('is skipped without its ports', async () => {
    services = await createPlatformServices({});
    expect(services.skipped.appProxy).toMatch(/appProxyUpstream/);
  });

  it('caches into <localData>/appproxy with the given upstream and settings', async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'appproxy-wiring-'));
    const origin = new TestOrigin();
    origin.set('/PBX0/APPS/a/a.js', 'a');
    await origin.start();
    try {
      const upstream: UpstreamFetch = (r, i) => fetch(r, i);
      const files = { userData: path.join(tmp, 'user'), localData: path.join(tmp, 'local'), logs: path.join(tmp, 'logs') };
      services = await createPlatformServices({ files, appProxyUpstream: upstream }, { appProxy: { maxBytes: 1234567 } });
      const proxy = services.instances.appProxy!;
      expect(proxy.settings.maxBytes).toBe(1234567);
      expect(await (await proxy.handle(new Request(`${origin.origin}/PBX0/APPS/a/a.js`))).text()).toBe('a');
      await proxy.idle();
      const shards = await fs.readdir(path.join(tmp, 'local', 'appproxy', 'v1'));
      expect(shards).toHaveLength(1);
    } finally {
      await origin.stop();
    }
  });
});
