import { beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../test/fixtures/memory-logger';

const getSources = vi.fn();
vi.mock('electron', () => ({ desktopCapturer: { getSources: (...a: unknown[]) => getSources(...a) } }));

const { DisplayPickerModel, installDisplayMediaHandler } = await import('./display-media');

type Handler = (req: Record<string, unknown>, cb: (s: unknown) => void) => void;
function fakeSession() {
  const s = { handler: null as Handler | null, setDisplayMediaRequestHandler: vi.fn((h: Handler | null) => { s.handler = h; }) };
  return s;
}
const thumb = (empty = false) => ({ isEmpty: () => empty, toDataURL: () => 'data:image/png;base64,AAA' });
const ENGINE = 'http://127.0.0.1:4000';

describe('display media handler', () => {
  beforeEach(() => {
    getSources.mockReset();
    getSources.mockResolvedValue([
      { id: 'screen:0:0', name: 'Entire screen', thumbnail: thumb(), display_id: '1' },
      { id: 'window:42:0', name: 'Editor', thumbnail: thumb(true), display_id: '' },
    ]);
  });

  const setup = () => {
    const ses = fakeSession();
    const picker = new DisplayPickerModel();
    const logger = memoryLogger();
    const off = installDisplayMediaHandler(ses as never, { picker, logger, allowOrigin: (o) => o === ENGINE });
    const request = (origin: string, video = true) =>
      new Promise<unknown>((resolve) => ses.handler!({ securityOrigin: origin, videoRequested: video, audioRequested: false, userGesture: false, frame: null }, resolve));
    return { ses, picker, off, request, logger };
  };

  it('shows screens and windows in the picker and grants the chosen one', async () => {
    const { picker, request } = setup();
    const states: unknown[] = [];
    picker.onChange((s) => states.push(s));
    const result = request(ENGINE);
    await vi.waitFor(() => expect(picker.state().open).toBe(true));
    expect(picker.state().sources).toEqual([
      { id: 'screen:0:0', name: 'Entire screen', kind: 'screen', thumbnail: 'data:image/png;base64,AAA', displayId: '1' },
      { id: 'window:42:0', name: 'Editor', kind: 'window', thumbnail: '' },
    ]);
    expect(picker.choose('nope')).toBe(false);
    expect(picker.choose('window:42:0')).toBe(true);
    expect(await result).toEqual({ video: { id: 'window:42:0', name: 'Editor' } });
    expect(picker.state().open).toBe(false);
    expect(getSources).toHaveBeenCalledWith({ types: ['screen', 'window'], thumbnailSize: { width: 320, height: 180 }, fetchWindowIcons: false });
    expect(states.length).toBe(2);
  });

  it('denies on cancel, on foreign origins and on audio-only requests', async () => {
    const { picker, request } = setup();
    const r = request(ENGINE);
    await vi.waitFor(() => expect(picker.state().open).toBe(true));
    picker.cancel();
    expect(await r).toBeNull();
    expect(await request('https://evil.example')).toBeNull();
    expect(await request(ENGINE, false)).toBeNull();
    expect(getSources).toHaveBeenCalledTimes(1);
  });

  it('a new request supersedes a pending one; listing failures deny; uninstall resets the handler', async () => {
    const { picker, request, off, ses, logger } = setup();
    const first = request(ENGINE);
    await vi.waitFor(() => expect(picker.state().open).toBe(true));
    const second = request(ENGINE);
    expect(await first).toBeNull();
    await vi.waitFor(() => expect(picker.state().open).toBe(true));
    picker.choose('screen:0:0');
    expect(await second).toEqual({ video: { id: 'screen:0:0', name: 'Entire screen' } });
    getSources.mockRejectedValueOnce(new Error('no portal'));
    expect(await request(ENGINE)).toBeNull();
    expect(logger.lines.some((l) => l.level === 'warn' && /listing sources failed/.test(l.message))).toBe(true);
    off();
    expect(ses.setDisplayMediaRequestHandler).toHaveBeenLastCalledWith(null);
  });
});
