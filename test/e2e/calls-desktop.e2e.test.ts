/**
 * Calls on the desktop (issue 14): the incoming-call window, the sharing bar with Stop and keeping
 * awake, with two real clients calling each other through pbx-sim (test/e2e/calls-desktop-scenario.ts,
 * run in a network namespace with only `lo`); this file asserts on what it printed.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { incomingCallWindowHeight } from '../../common/call-window';

const root = resolve(__dirname, '../..');
type R = Record<string, any>;
let r: R;

beforeAll(() => {
  const run = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec node_modules/.bin/tsx test/e2e/calls-desktop-scenario.ts'], { cwd: root, encoding: 'utf8', timeout: 240_000 });
  const out = `${run.stdout ?? ''}`;
  const line = out.split('\n').find((l) => l.startsWith('CALLS_DESKTOP_RESULT '));
  if (!line) throw new Error(`calls scenario failed (status ${run.status}):\n${out}\n${run.stderr ?? ''}`);
  r = JSON.parse(line.slice('CALLS_DESKTOP_RESULT '.length)) as R;
}, 300_000);

describe('calls on the desktop: two clients through pbx-sim (unshare -n)', () => {
  it('the call services run where their ports are given', () => {
    expect(r.skippedA).toEqual([]);
    expect(r.skippedB).toEqual(['awake']); // B has no power-save blocker here
  });

  it('an incoming call opens the window (German) with the caller\'s name and number; Accept there sends ConnectCall through the bus', () => {
    expect(r.incoming.spec).toEqual({ page: 'incoming-call.html', title: 'myApps – eingehender Anruf', width: 380, height: incomingCallWindowHeight(1, 0), floating: true, placement: 'bottom-right', inactive: true });
    expect(r.incoming.model).toMatchObject({ dir: 'i', state: 'Alerting', sip: 'atlantis', num: '201' });
    expect([r.incoming.heading, r.incoming.name, r.incoming.number, r.incoming.accept]).toEqual(['Eingehender Anruf', 'atlantis', '201', 'Anruf von atlantis annehmen']);
    expect(r.incoming.fits).toBe(true);
    expect(r.bRequests).toEqual(['request ConnectCall from @local-<id>']);
  });

  it('during the call the system and the display are kept awake through the desktop\'s D-Bus inhibit services; hang-up releases both', () => {
    expect(r.awakeInCall).toEqual([['power', 'Call in progress'], ['screensaver', 'Video call or screen sharing']]);
    expect(r.inhibitCalls).toEqual([
      'power Inhibit myApps "Call in progress"',
      'screensaver Inhibit myApps "Video call or screen sharing"',
      'power UnInhibit known',
      'screensaver UnInhibit known',
    ]);
  });

  it('while A shares its screen the sharing bar is up; Stop ends the appsharing channel ("stopped") and the bar, the video keeps the display awake', () => {
    expect(r.sharing).toEqual({
      spec: { page: 'sharing.html', title: 'myApps – sharing your screen', width: 440, height: 72, floating: true, placement: 'top-center', inactive: true },
      text: 'You are sharing your screen',
      stop: 'Stop sharing your screen',
    });
    expect(r.stopped).toEqual([{ mt: 'ChannelClosed', reason: 'stopped', channel: expect.stringMatching(/-o-appsharing$/) }]);
    expect(r.afterStop).toEqual({ activity: { audio: 1, video: 1, sharing: [], watching: 0 }, awake: ['power', 'screensaver'], kinds: ['audio', 'video'], sharingWindow: { opened: 1, stops: 1, reopened: 0 } });
  });

  it('the shared screen going away outside the app (its capture track ends) closes the channel the same way and the bar with it', () => {
    expect(r.trackEnded).toBe(1);
    expect(r.trackStopped).toEqual([{ mt: 'ChannelClosed', reason: 'stopped', channel: expect.stringMatching(/-o-appsharing$/) }]);
  });

  it('Reject in the window ends the call; with "Desktop notifications" off no window opens', () => {
    expect(r.rejected).toBe(true);
    expect(r.offWindows).toBe(0);
    expect(r.incomingStats).toEqual({ opened: 3, accepted: 2, rejected: 1, failed: 0 });
  });

  it('no softphone errors and no service warnings', () => {
    expect(r.errors).toEqual({ a: [], b: [] });
    expect(r.warnings).toEqual([]);
  });
});
