import { describe, expect, it } from 'vitest';
import { ApiRouter } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { NotificationService } from './service';
import { launcherServicesModel } from './launcher-services';
import { LauncherApi } from './launcher-api';

describe('the com.innovaphone.launcher model and its launcher services', () => {
  it('derives the Media/Ringer URLs from the bus URL (127.0.0.1 or localhost) with the token', () => {
    expect(launcherServicesModel({ bus: 'ws://127.0.0.1:4711/bus', token: 't'.repeat(32) }, ['media', 'ringer'])).toEqual({
      launcherServices: {
        media: { url: 'ws://127.0.0.1:4711/media', token: 't'.repeat(32) },
        ringer: { url: 'ws://127.0.0.1:4711/ringer', token: 't'.repeat(32) },
      },
    });
    expect(launcherServicesModel({ bus: 'ws://localhost:9/bus', token: 'x' }, ['ringer']).launcherServices).toEqual({ ringer: { url: 'ws://localhost:9/ringer', token: 'x' } });
  });

  it('is published by the launcher module (@local-<id>, title myApps) next to the other model fields', async () => {
    const router = new ApiRouter(memoryLogger());
    const svc = new NotificationService({ router, logger: memoryLogger(), notifier: { show: async () => ({ close() {} }) }, enabled: true, model: { popupWindows: true } });
    const name = svc.launcher.providerName;
    expect(name).toMatch(/^@local-[0-9a-f-]{36}$/);
    const app = router.consume('com.innovaphone.launcher');
    expect(Object.keys(app.providers())).toEqual([name]);
    expect(app.providers()[name]!.title).toBe('myApps');
    const model = () => app.providers()[name]?.model;
    expect(model()).toEqual({ popupWindows: true, notifications: true });
    svc.launcher.setModelFields(launcherServicesModel({ bus: 'ws://127.0.0.1:1/bus', token: 'k' }, ['media']));
    expect(model()).toEqual({ popupWindows: true, notifications: true, launcherServices: { media: { url: 'ws://127.0.0.1:1/media', token: 'k' } } });
    svc.setEnabled(false);
    expect(model()).toMatchObject({ notifications: false, launcherServices: { media: { url: 'ws://127.0.0.1:1/media' } } });
    svc.close();
    expect(app.providers()).toEqual({});
  });

  it('a new provider name at every start', () => {
    const a = new LauncherApi(new ApiRouter(memoryLogger()), memoryLogger());
    const b = new LauncherApi(new ApiRouter(memoryLogger()), memoryLogger());
    expect(a.providerName).not.toBe(b.providerName);
  });
});
