import { describe, it, expect, vi } from 'vitest';


vi.mock('electron', () => ({ app: { focus: () => {}, dock: undefined } }));

import { createWindowFocus, createAttention } from './window-focus';

function fakeWindow(state: { minimized: boolean; visible: boolean }) {
  const calls: string[] = [];
  return {
    calls,
    win: {
      isDestroyed: () => false,
      isMinimized: () => state.minimized,
      isVisible: () => state.visible,
      restore: () => calls.push('restore'),
      show: () => calls.push('show'),
      focus: () => calls.push('focus'),
      flashFrame: (on: boolean) => calls.push(`flash:${on}`),
    },
  };
}

describe('electron window focus / attention', () => {
  it('restores, shows and focuses a minimised hidden window', () => {
    const { win, calls } = fakeWindow({ minimized: true, visible: false });
    createWindowFocus(() => win as never).showAndFocus();
    expect(calls).toEqual(['restore', 'show', 'focus']);
    createWindowFocus(() => undefined).showAndFocus(); // no window: nothing, no throw
  });
  it('flashes the frame on and off (non-macOS)', () => {
    const { win, calls } = fakeWindow({ minimized: false, visible: true });
    const a = createAttention(() => win as never);
    a.requestAttention(true);
    a.requestAttention(false);
    expect(calls).toEqual(process.platform === 'darwin' ? [] : ['flash:true', 'flash:false']);
  });
});
