import { describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../test/fixtures/memory-logger';

const windows: any[] = [];
vi.mock('electron', () => ({
  BrowserWindow: vi.fn(function (this: any, opts: unknown) {
    const handlers: Record<string, (...a: unknown[]) => void> = {};
    Object.assign(this, {
      opts,
      destroyed: false,
      loadURL: vi.fn(async () => undefined),
      isDestroyed: () => this.destroyed,
      destroy: () => { this.destroyed = true; },
      webContents: { setWebRTCUDPPortRange: vi.fn(), on: (ev: string, cb: (...a: unknown[]) => void) => { handlers[ev] = cb; }, handlers },
    });
    windows.push(this);
  }),
}));

const { electronMediaEngineHost } = await import('./media-engine');

describe('Electron media engine host', () => {
  it('opens a hidden, unthrottled window with the RTP port range and reloads it after a crash', async () => {
    const host = electronMediaEngineHost({ logger: memoryLogger() });
    const h = await host.open('http://127.0.0.1:1234/media-engine-page/#token=t&secret=s');
    const w = windows.at(-1);
    expect(w.opts).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, backgroundThrottling: false, autoplayPolicy: 'no-user-gesture-required' } });
    expect(w.webContents.setWebRTCUDPPortRange).toHaveBeenCalledWith({ min: 50000, max: 50199 });
    expect(w.loadURL).toHaveBeenCalledTimes(1);
    w.webContents.handlers['render-process-gone']({}, { reason: 'crashed' });
    expect(w.loadURL).toHaveBeenCalledTimes(2);
    await h.close();
    expect(w.destroyed).toBe(true);
  });
  it('can leave the port range open', async () => {
    const before = windows.length;
    const logger = memoryLogger();
    await electronMediaEngineHost({ logger, portRange: null }).open('http://127.0.0.1:1/');
    // a new engine window loaded the page, without a port range, and says so
    expect(windows.length).toBe(before + 1);
    const w = windows.at(-1);
    expect(w.loadURL).toHaveBeenCalledWith('http://127.0.0.1:1/');
    expect(w.webContents.setWebRTCUDPPortRange).not.toHaveBeenCalled();
    expect(logger.lines).toContainEqual(expect.objectContaining({ message: 'media engine window loaded', data: { portRange: 'any' } }));
  });
});
