import { describe, expect, it } from 'vitest';
import { ApiRouter } from '../bus';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { NotificationService } from './service';
import { launcherServicesModel } from './launcher-services';

describe('launcher services in the com.innovaphone.launcher model', () => {
  it('derives the Media/Ringer URLs from the bus URL (127.0.0.1 or localhost) with the token', () => {
    expect(launcherServicesModel({ bus: 'ws://127.0.0.1:4711/bus', token: 't'.repeat(32) }, ['media', 'ringer'])).toEqual({
      launcherServices: {
        media: { url: 'ws://127.0.0.1:4711/media', token: 't'.repeat(32) },
        ringer: { url: 'ws://127.0.0.1:4711/ringer', token: 't'.repeat(32) },
      },
    });
    expect(launcherServicesModel({ bus: 'ws://localhost:9/bus', token: 'x' }, ['ringer']).launcherServices).toEqual({ ringer: { url: 'ws://localhost:9/ringer', token: 'x' } });
  });

  it('is published by @launcher next to its own fields, which setModelFields cannot override', async () => {
    const router = new ApiRouter(memoryLogger());
    const svc = new NotificationService({ router, logger: memoryLogger(), notifier: { show: async () => ({ close() {} }) }, enabled: true, model: { name: 'myApps' } });
    const app = router.consume('com.innovaphone.launcher');
    const model = () => (app.providers() as Record<string, { model?: Record<string, unknown> }>)['@launcher']?.model;
    expect(model()).toEqual({ name: 'myApps', notifications: true });
    svc.setModelFields({ ...launcherServicesModel({ bus: 'ws://127.0.0.1:1/bus', token: 'k' }, ['media']), notifications: false });
    expect(model()).toEqual({ name: 'myApps', notifications: true, launcherServices: { media: { url: 'ws://127.0.0.1:1/media', token: 'k' } } });
    svc.setEnabled(false);
    expect(model()).toMatchObject({ notifications: false, launcherServices: { media: { url: 'ws://127.0.0.1:1/media' } } });
    svc.close();
  });
});
