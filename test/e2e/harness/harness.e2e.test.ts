/** The e2e harness itself: private Xvfb displays and headed Chromium on them. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missingPackages } from './global-setup';
import { startStack } from './stack';
import { startXvfb } from './xvfb';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('e2e harness', () => {
  it('finds every system package of system-packages.ts installed (global setup ran)', () => {
    expect(missingPackages()).toEqual([]);
  });

  it('starts private Xvfb servers on distinct free displays and stops them', async () => {
    const [a, b] = await Promise.all([startXvfb(), startXvfb()]);
    try {
      expect(a.display).toMatch(/^:\d{3}$/);
      expect(a.display).not.toBe(b.display);
      for (const x of [a, b]) {
        expect(existsSync(`/tmp/.X11-unix/X${x.display.slice(1)}`)).toBe(true);
        expect(execFileSync('xwininfo', ['-display', x.display, '-root'], { encoding: 'utf8' })).toMatch(/Width: 1280[\s\S]*Height: 800/);
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    for (const x of [a, b]) {
      expect(alive(x.pid)).toBe(false);
      expect(existsSync(`/tmp/.X11-unix/X${x.display.slice(1)}`)).toBe(false);
    }
  });

  it('runs the web client in headed Chromium on its own Xvfb', async () => {
    const stack = await startStack({ headed: true });
    let display = '';
    try {
      display = stack.xvfb!.display;
      await stack.openWebClient({ ready: true });
      const tree = execFileSync('xwininfo', ['-display', display, '-root', '-tree'], { encoding: 'utf8' });
      expect(tree).toContain('myApps (pbx-sim)');
    } finally {
      await stack.close();
    }
    expect(existsSync(`/tmp/.X11-unix/X${display.slice(1)}`)).toBe(false);
  });
});
